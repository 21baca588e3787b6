import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface HostProcess {
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Resolves once the host has written a line matching `pattern` to stderr (its log). */
  logged(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

const servingLine = /^Rackside is serving at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))$/;

/** Starts the built browser host on a free port and waits for its one serving line. */
export async function startHostProcess(
  dataDir: string,
  extraArgs: string[] = [],
): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'out/main/browser.js'),
      '--data-dir',
      dataDir,
      '--port',
      '0',
      ...extraArgs,
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RACKSIDE_DATA_DIR: '' },
    },
  );
  let stderr = '';
  const waiting = new Set<() => void>();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const check of waiting) check();
  });
  const logged = (pattern: RegExp, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const line = stderr.split('\n').find((l) => pattern.test(l));
        if (line === undefined) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve(line);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`the browser host did not log ${String(pattern)} in ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.add(check);
      check();
    });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => {
      reject(
        new Error(`browser host exited with ${code ?? 'a signal'} before serving:\n${stderr}`),
      );
    });
  });
  const match = servingLine.exec(first);
  if (!match) {
    child.kill();
    throw new Error(`unexpected first line from the browser host: ${first}`);
  }
  const url = match[1]!;
  return {
    url,
    origin: new URL(url).origin,
    port: Number(match[2]),
    token: match[3]!,
    logged,
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}
