/**
 * The terminal benchmark's references outside the app: the OpenSSH client (to /dev/null, and
 * relayed into bare xterm.js), a WebSocket echo, and an SSH echo with ssh2 alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { Client, type ClientChannel } from 'ssh2';
import { WebSocketServer, type WebSocket as RelaySocket } from 'ws';
import type { CdpPage } from './cdp-page';
import { benchSshConfig } from './common';

const require = createRequire(import.meta.url);

/** The OpenSSH client running `command` on the benchmark's sshd with a terminal. */
export function opensshArgs(port: number, key: string, command: string): string[] {
  // A server started right here by this benchmark; trust is not what is measured.
  const trustAny = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'];
  return ['-q', '-tt', '-i', key, '-p', String(port), ...trustAny, 'root@127.0.0.1', command];
}

export function opensshSeconds(port: number, key: string, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ssh', opensshArgs(port, key, command), {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', () => {
      resolve((performance.now() - started) / 1000);
    });
  });
}
/**
 * The lightest pipeline a terminal in this browser can have: the OpenSSH client's output,
 * relayed unchanged by a WebSocket server in this process (no flow control, nothing buffered
 * back) into bare xterm.js in a blank page of the same browser, the terminal the app's size.
 * Seconds from starting `ssh` until `marker` is painted: the ceiling for any design that paints
 * with xterm.js in Chromium on this machine, measured beside the app in the same run.
 */
export async function opensshIntoBareXterm(
  blank: CdpPage,
  size: { cols: number; rows: number },
  ssh: { port: number; key: string; command: string; marker: string },
): Promise<number> {
  // Served from the WebSocket's own origin: the browser blocks a blank page reaching 127.0.0.1.
  const web = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><body></body>');
  });
  const server = new WebSocketServer({ server: web });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const { port } = web.address() as { port: number };
  try {
    const connected = new Promise<RelaySocket>((resolve) => {
      server.once('connection', resolve);
    });
    await blank.goto(`http://127.0.0.1:${String(port)}/`);
    await blank.evaluate(await fs.readFile(require.resolve('@xterm/xterm/lib/xterm.js'), 'utf8'));
    await blank.evaluate(
      async ({ url, cols, rows }) => {
        interface BareTerm {
          open(element: HTMLElement): void;
          write(data: Uint8Array): void;
          dispose(): void;
        }
        const w = window as unknown as { __relayTerm?: BareTerm; __relaySocket?: WebSocket };
        w.__relayTerm?.dispose();
        document.body.replaceChildren();
        const host = document.createElement('div');
        host.id = 'relay-xterm';
        document.body.appendChild(host);
        const Terminal = (window as unknown as { Terminal: new (options: object) => BareTerm })
          .Terminal;
        const term = new Terminal({ cols, rows, scrollback: 10_000, cursorBlink: true });
        term.open(host);
        w.__relayTerm = term;
        const socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
          term.write(new Uint8Array(event.data));
        };
        await new Promise((resolve) => (socket.onopen = resolve));
        w.__relaySocket = socket;
      },
      { url: `ws://127.0.0.1:${String(port)}`, ...size },
    );
    const socket = await connected;
    const painted = blank.evaluate(
      (wanted) =>
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (document.querySelector('#relay-xterm .xterm-rows')?.textContent.includes(wanted)) {
              resolve();
            } else requestAnimationFrame(check);
          };
          check();
        }),
      ssh.marker,
    );
    const started = performance.now();
    const child = spawn(
      'ssh',
      opensshArgs(ssh.port, ssh.key, `${ssh.command}; echo ${ssh.marker}`),
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    // Joined into one message per 33 ms, the app's paint pace: a message per pipe read makes
    // xterm.js paint far more often and the relay slower, not a fairer reference.
    let held: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      held.push(chunk);
      timer ??= setTimeout(() => {
        timer = undefined;
        socket.send(Buffer.concat(held), { binary: true });
        held = [];
      }, 33);
    });
    await painted;
    const seconds = (performance.now() - started) / 1000;
    child.kill();
    return seconds;
  } finally {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => web.close(resolve));
  }
}
/**
 * A WebSocket echo on this host: the network leg a keystroke's round trip cannot avoid. From a
 * blank page of the same browser (the app's CSP allows only its own host).
 */
export async function webSocketEcho(blank: CdpPage, count: number): Promise<number[]> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      socket.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  try {
    return await blank.evaluate(
      async ({ url, n }) => {
        const socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        await new Promise((resolve) => (socket.onopen = resolve));
        const times: number[] = [];
        for (let i = 0; i < n; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const t0 = performance.now();
          await new Promise((resolve) => {
            socket.onmessage = resolve;
            socket.send(new Uint8Array([48 + (i % 10)]));
          });
          times.push(performance.now() - t0);
        }
        socket.close();
        return times;
      },
      { url: `ws://127.0.0.1:${String(port)}`, n: count },
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
/** ssh2 alone, in this process: a character typed into a PTY shell → its echo received. */
export async function sshEcho(port: number, privateKey: string, count: number): Promise<number[]> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
    client.connect(benchSshConfig(port, privateKey));
  });
  try {
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell({ term: 'xterm-256color', cols: 80, rows: 24 }, (error, stream) => {
        if (error !== undefined) reject(error);
        else resolve(stream);
      });
    });
    let seen = '';
    channel.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const marker = String.fromCharCode(97 + (i % 26));
      seen = '';
      const t0 = performance.now();
      channel.write(marker);
      while (!seen.includes(marker)) await new Promise((resolve) => setImmediate(resolve));
      times.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    channel.close();
    return times;
  } finally {
    client.end();
  }
}
