import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ClientChannel } from 'ssh2';
import { generateFleet, type Fleet } from '../fleet';
import { startSshLab, type SshLab, type SshLogin } from '.';
import { connect, exec, ShellDriver } from './test-client';

let fleet: Fleet;
let lab: SshLab;
const clients: Client[] = [];

beforeAll(async () => {
  fleet = generateFleet({ size: 40, seed: 4 });
  lab = await startSshLab({ fleet });
});
afterAll(async () => {
  for (const c of clients) c.end();
  await lab.close();
});

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`no ${what} in the test fleet`);
  return value;
}

async function login(target: SshLogin, auth: 'key' | 'password' = 'key'): Promise<Client> {
  const client = await connect({
    host: target.host,
    port: target.port,
    username: target.username,
    ...(auth === 'key'
      ? { privateKey: lab.clientKey.privateKey }
      : { password: lab.passwordFor(target.target) }),
  });
  clients.push(client);
  return client;
}

/** A running Linux guest that is not the MFA host. */
function linuxGuest(type: 'qemu' | 'lxc') {
  const guest = must(
    fleet.proxmox.guests.find(
      (g) =>
        g.type === type &&
        g.status === 'running' &&
        !g.template &&
        g.name !== lab.mfa?.host &&
        lab.login(g.name) !== null &&
        fleet.machines.find((m) => m.id === g.machine)?.os.linux === true,
    ),
    `running ${type} guest`,
  );
  return { guest, login: must(lab.login(guest.name), 'login') };
}

describe('Linux shell', () => {
  it('shows the prompt, edits lines with history, and prints the fleet values', async () => {
    const { guest, login: target } = linuxGuest('qemu');
    const machine = must(
      fleet.machines.find((m) => m.id === guest.machine),
      'machine',
    );
    const shell = await ShellDriver.open(await login(target));
    const prompt = `ops@${guest.name}:~$ `;
    await shell.expect(prompt);
    expect(await shell.run('hostname', prompt)).toContain(`${guest.name}\r\n`);
    const brief = await shell.run('ip -brief addr', prompt);
    expect(brief).toMatch(new RegExp(`UP\\s+${machine.ip.replace(/\./g, '\\.')}/24`));
    // Line editing: type, move left, insert; then recall with the up arrow.
    shell.send('echo wrld\x1b[D\x1b[D\x1b[Do\r');
    await shell.expect(`\r\nworld\r\n${prompt}`);
    shell.send('\x1b[A\r');
    await shell.expect(`\r\nworld\r\n${prompt}`);
    expect(await shell.run('cat /etc/os-release', prompt)).toContain(
      machine.os.name === 'Ubuntu'
        ? 'ID=ubuntu'
        : machine.os.name === 'Debian'
          ? 'ID=debian'
          : 'ID_LIKE="rhel',
    );
    expect(await shell.run('seq 3', prompt)).toContain('1\r\n2\r\n3\r\n');
    shell.send('\x04');
    expect(await shell.closed()).toBe(0);
  });

  it('honours PTY size changes', async () => {
    const { guest, login: target } = linuxGuest('qemu');
    const shell = await ShellDriver.open(await login(target), { rows: 24, cols: 80 });
    const prompt = `ops@${guest.name}:~$ `;
    await shell.expect(prompt);
    expect(await shell.run('stty size', prompt)).toContain('24 80\r\n');
    shell.channel.setWindow(40, 132, 0, 0);
    expect(await shell.run('stty size', prompt)).toContain('40 132\r\n');
    expect(await shell.run('tput cols', prompt)).toContain('132\r\n');
    shell.send('exit 3\r');
    expect(await shell.closed()).toBe(3);
  });

  it('stops a `yes` flood on Ctrl-C and returns to the prompt with status 130', async () => {
    const { guest, login: target } = linuxGuest('qemu');
    const shell = await ShellDriver.open(await login(target));
    const prompt = `ops@${guest.name}:~$ `;
    await shell.expect(prompt);
    shell.send('yes\r');
    await shell.expect('y\r\ny\r\ny\r\n');
    shell.send('\x03');
    await shell.expect(`^C\r\n${prompt}`, 10_000);
    expect(await shell.run('echo $?', prompt)).toContain('130\r\n');
  });

  it('runs exec requests with their exit codes and stderr', async () => {
    const { guest, login: target } = linuxGuest('lxc');
    const client = await login(target, 'password');
    expect(await exec(client, 'hostname')).toEqual({
      stdout: `${guest.name}\n`,
      stderr: '',
      code: 0,
    });
    expect((await exec(client, 'false')).code).toBe(1);
    const missing = await exec(client, 'frobnicate --now');
    expect(missing).toMatchObject({ code: 127, stderr: '-bash: frobnicate: command not found\n' });
    const upgradable = await exec(client, 'uname -r; whoami && id -u 2>/dev/null || echo fallback');
    expect(upgradable.stdout).toContain('ops\n');
  });
});

describe('Proxmox node pct', () => {
  it('enters a container, returns on exit, and records what ran where', async () => {
    const node = must(
      fleet.proxmox.nodes.find((n) =>
        fleet.proxmox.guests.some(
          (g) => g.node === n.name && g.type === 'lxc' && g.status === 'running',
        ),
      ),
      'node with a running container',
    );
    const ct = must(
      fleet.proxmox.guests.find(
        (g) => g.node === node.name && g.type === 'lxc' && g.status === 'running',
      ),
      'container',
    );
    const target = must(lab.login(node.name), 'node login');
    const shell = await ShellDriver.open(await login(target, 'password'));
    const nodePrompt = `root@${node.name}:~# `;
    await shell.expect(nodePrompt);
    expect(await shell.run('pct list', nodePrompt)).toMatch(
      new RegExp(`${ct.vmid}\\s+running\\s+${ct.name}`),
    );
    expect(await shell.run(`pct config ${ct.vmid}`, nodePrompt)).toContain(
      `hostname: ${ct.name}\r\n`,
    );
    expect(await shell.run('pct config 99999', nodePrompt)).toContain(
      `Configuration file 'nodes/${node.name}/lxc/99999.conf' does not exist`,
    );
    const guestPrompt = `root@${ct.name}:/# `;
    await shell.run(`pct enter ${ct.vmid}`, guestPrompt);
    expect(await shell.run('hostname', guestPrompt)).toContain(`${ct.name}\r\n`);
    await shell.run('exit', nodePrompt);
    const install = "curl -fsSL 'https://patchmon.lab/api/v1/hosts/install' | sh";
    await shell.run(`pct exec ${ct.vmid} -- bash -c "${install}"`, nodePrompt);
    expect(await shell.run('echo $?', nodePrompt)).toContain('0\r\n');
    expect(await shell.run('pct exec 99999 -- true', nodePrompt)).toContain(
      `Configuration file 'nodes/${node.name}/lxc/99999.conf' does not exist`,
    );
    const inGuest = lab.commandLog.filter((r) => r.guest?.vmid === ct.vmid);
    expect(inGuest).toEqual([
      expect.objectContaining({ via: 'pct-enter', command: 'hostname', exitCode: 0 }),
      expect.objectContaining({ via: 'pct-enter', command: 'exit' }),
      expect.objectContaining({
        via: 'pct-exec',
        command: `bash -c '${install.replace(/'/g, `'\\''`)}'`,
        exitCode: 0,
        guest: { vmid: ct.vmid, name: ct.name, node: node.name, cluster: node.cluster },
        host: node.name,
        user: 'root',
      }),
    ]);
  });
});

describe('Proxmox node pct as the session command', () => {
  it('ends the session when the container shell exits, as sshd ends a command', async () => {
    const ct = must(
      fleet.proxmox.guests.find((g) => g.type === 'lxc' && g.status === 'running'),
      'running container',
    );
    const target = must(lab.login(ct.node), 'node login');
    const terminal = await ShellDriver.command(await login(target), `pct enter ${ct.vmid}`);
    const guestPrompt = `root@${ct.name}:/# `;
    // No login banner: this is a command's terminal, not a login shell.
    expect(await terminal.expect(guestPrompt)).not.toContain('Last login');
    expect(await terminal.run('hostname', guestPrompt)).toContain(`${ct.name}\r\n`);
    terminal.send('exit\r');
    expect(await terminal.closed()).toBe(0);
    expect(terminal.recent).not.toContain(`root@${ct.node}`);
  });
});

describe('RouterOS console', () => {
  it('prints identity, addresses and the update check from the router record', async () => {
    const router = must(fleet.routeros.devices[0], 'router');
    const target = must(lab.login(router.identity), 'router login');
    const shell = await ShellDriver.open(await login(target, 'password'));
    const prompt = `[admin@${router.identity}] > `;
    await shell.expect(prompt);
    expect(await shell.run('/system identity print', prompt)).toContain(`name: ${router.identity}`);
    const first = must(router.addresses[0], 'address');
    expect(await shell.run('/ip address print', prompt)).toContain(first.address);
    expect(await shell.run('/system resource print', prompt)).toContain(
      `board-name: ${router.boardName}`,
    );
    expect(await shell.run('/system package update check-for-updates', prompt)).toContain(
      `installed-version: ${router.version}`,
    );
    expect(await shell.run('/foo bar', prompt)).toContain('bad command name foo (line 1 column 2)');
    shell.send('quit\r');
    await shell.expect('interrupted');
    await shell.closed();
  });
});

describe('authentication', () => {
  it('refuses a wrong password and an unknown machine', async () => {
    const { login: target } = linuxGuest('qemu');
    await expect(
      connect({
        host: target.host,
        port: target.port,
        username: target.username,
        password: 'wrong',
      }),
    ).rejects.toThrow(/authentication methods failed/);
    await expect(
      connect({
        host: target.host,
        port: target.port,
        username: 'ops:no-such-host',
        password: lab.password,
      }),
    ).rejects.toThrow(/authentication methods failed/);
  });

  it('asks the MFA host for a password and a verification code', async () => {
    const mfa = must(lab.mfa, 'MFA host');
    const target = must(lab.login(mfa.host), 'MFA login');
    const attempt = async (code: string) => {
      const prompts: string[] = [];
      const client = await connect(
        { host: target.host, port: target.port, username: target.username, tryKeyboard: true },
        undefined,
        (c) =>
          c.on('keyboard-interactive', (_name, _instructions, _lang, asked, finish) => {
            prompts.push(...asked.map((p) => p.prompt));
            const first = asked[0]?.prompt ?? '';
            finish([first.startsWith('Password') ? lab.password : code]);
          }),
      );
      clients.push(client);
      return { client, prompts };
    };
    const { client, prompts } = await attempt(lab.totp());
    expect(prompts).toEqual(['Password: ', 'Verification code: ']);
    expect((await exec(client, 'hostname')).stdout).toBe(`${mfa.host}\n`);
    const wrong = lab.totp() === '000000' ? '111111' : '000000';
    await expect(attempt(wrong)).rejects.toThrow(/authentication methods failed/);
    await expect(
      connect({
        host: target.host,
        port: target.port,
        username: target.username,
        password: lab.password,
      }),
    ).rejects.toThrow(/authentication methods failed/);
  });
});

describe('jump host', () => {
  it('reaches an internal machine by its fleet address through the site bastion', async () => {
    const { guest, login: target } = linuxGuest('qemu');
    const machine = must(
      fleet.machines.find((m) => m.id === guest.machine),
      'machine',
    );
    const site = must(
      lab.sites.find((s) => s.code === target.site),
      'site',
    );
    const bastion = await login(must(lab.login(site.bastion), 'bastion'));
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      bastion.forwardOut('127.0.0.1', 0, machine.ip, 22, (error, channel) => {
        if (error) reject(error);
        else resolve(channel);
      });
    });
    const inner = await connect({ username: 'ops', password: lab.password }, stream);
    clients.push(inner);
    expect(await exec(inner, 'hostname -I')).toMatchObject({ stdout: `${machine.ip} \n`, code: 0 });
    await expect(
      new Promise((resolve, reject) => {
        bastion.forwardOut('127.0.0.1', 0, '192.0.2.1', 22, (error, channel) => {
          if (error) reject(error);
          else resolve(channel);
        });
      }),
    ).rejects.toThrow();
  });
});
