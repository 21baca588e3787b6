import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { openStore } from '../store/open-store';
import { cli, cliOnTerminal, env, manifest, writeJson, type CliRun } from './test-helpers';

describe('rackside: its command line, help, exit codes and process', () => {
  it('prints its version with --version and exits 0', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('says in --help which environment variables it reads and what its exit codes mean', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const variable of [
      'RACKSIDE_PASSPHRASE',
      'RACKSIDE_EXPORT_PASSPHRASE',
      'RACKSIDE_PROXMOX_OTP',
      'RACKSIDE_DATA_DIR',
      'RACKSIDE_LOG',
    ]) {
      expect(text).toContain(variable);
    }
    expect(text).toContain('Exit codes: 0 ok, 1 failure, 2 usage');
    for (const code of ['130', '141', '143']) expect(text).toContain(code);
  });

  it('shows the help of the command named after help, also of one inside another', async () => {
    for (const words of [
      ['profiles', 'add'],
      ['export', 'ansible'],
      ['asset', 'split'],
    ]) {
      const help = await cli(['help', ...words]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: rackside ${words.join(' ')} `));
      expect(help.stdout).toBe((await cli([...words, '--help'])).stdout);
    }
    expect(await cli(['help', 'frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "rackside: unknown command 'frobnicate'\n",
    });
  });

  it('exits 2 on usage errors and 1 on failures, with one clear line', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const usage = [
      ['profiles', 'frobnicate'],
      ['profiles', 'list', '--bogus'],
      ['profiles', 'show'],
      ['profiles', 'edit', 'x', '--secret', 'nonsense'],
      ['profiles', 'add', '--secret', 'password'],
    ];
    for (const args of usage) expect((await cli(['--data-dir', dir, ...args])).code).toBe(2);
    // `--data-dir "$DIR"` with DIR unset: a usage error, whatever the command.
    for (const args of [['profiles', 'list'], ['profiles', 'import', '-'], ['recovery']]) {
      expect(await cli(['--data-dir', '', ...args])).toEqual({
        code: 2,
        stdout: '',
        stderr: 'rackside: --data-dir is empty: give the folder to use.\n',
      });
    }
    // The argument parser's own errors read like the rest.
    expect((await cli(['--data-dir', dir, 'profiles', 'list', '--bogus'])).stderr).toBe(
      "rackside: unknown option '--bogus'\n",
    );
    const badJson = await cli(['--data-dir', dir, 'profiles', 'add'], { stdin: '{"name": ' });
    expect(badJson).toMatchObject({ code: 1 });
    expect(badJson.stderr).toBe(
      'rackside: The profile given is not valid JSON: it ends at line 1, column 10 before the JSON is complete (cut short?).\n',
    );
    const badProfile = await cli(['--data-dir', dir, 'profiles', 'add'], {
      stdin: JSON.stringify({
        name: 'x',
        connection: {
          kind: 'ssh',
          host: '-oProxyCommand=sh',
          username: 'u',
          auth: { mode: 'agent' },
        },
      }),
    });
    expect(badProfile.code).toBe(1);
    expect(badProfile.stderr).toMatch(/connection\.host: Host must be a host name/);
    const portInHost = await cli(['--data-dir', dir, 'profiles', 'add'], {
      stdin: JSON.stringify({
        name: 'edge',
        connection: { kind: 'routeros', host: 'router.example:8729', username: 'u' },
      }),
    });
    expect(portInHost.code).toBe(1);
    expect(portInHost.stderr).toContain(
      'connection.host: Put the port in the Port field: host router.example, port 8729',
    );
    expect((await cli(['--data-dir', dir, 'profiles', 'import', '/nonexistent.json'])).code).toBe(
      1,
    );
  });

  it('imports a manifest from stdin when the file is -', async () => {
    const dir = tempDir();
    const run = await cli(['--data-dir', dir, 'profiles', 'import', '-'], {
      env,
      stdin: JSON.stringify(manifest),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('created a new vault');
    expect(run.stdout).toBe(
      `Imported ${String(manifest.profiles.length)} new and 0 updated profiles.\n`,
    );
    const listed = await cli(['--data-dir', dir, 'profiles', 'list']);
    // A header row, then a row per profile.
    expect(listed.stdout.trim().split('\n')).toHaveLength(manifest.profiles.length + 1);
  });

  it('says in words why it cannot read a file it was given, not with a system error code', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const missing = path.join(dir, 'no-such-manifest.json');
    expect(await cli(['--data-dir', dir, 'profiles', 'import', missing], { env })).toEqual({
      code: 1,
      stdout: '',
      stderr: `rackside: Cannot read ${missing}: there is no such file.\n`,
    });
    expect(await cli(['--data-dir', dir, 'profiles', 'add', '--from', dir], { env })).toEqual({
      code: 1,
      stdout: '',
      stderr: `rackside: Cannot read ${dir}: it is a folder; name a file in it.\n`,
    });
  });

  it('answers a failure on stdout too when --json is asked for, so scripts can read it', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const result = await cli(['--data-dir', dir, '--json', 'profiles', 'show', 'nope']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'not-found', message: 'No profile named "nope".' },
    });
    expect(result.stderr).toBe('rackside: No profile named "nope".\n');
    // A command line it cannot read, too.
    for (const args of [
      ['inventory', '--bogus'],
      ['profiles', 'show'],
      ['export', 'csv'],
    ]) {
      const bad = await cli(['--data-dir', dir, '--json', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(JSON.parse(bad.stdout), args.join(' ')).toEqual({
        error: { code: 'usage', message: expect.any(String) as unknown },
      });
      expect((JSON.parse(bad.stdout) as { error: { message: string } }).error.message).not.toMatch(
        /^error:/,
      );
    }
  });

  it('names the variable that gives a passphrase when the input has none to give', async () => {
    const dir = tempDir();
    const result = await cli(['--data-dir', dir, 'profiles', 'import', writeJson(manifest)], {
      env: {},
      stdin: '',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'New vault passphrase: \nrackside: No new vault passphrase was given: the input ended; set RACKSIDE_PASSPHRASE to give it without a prompt.\n',
    );
    expect(fs.existsSync(path.join(dir, 'vault.json'))).toBe(false);
  });

  it('reads the passphrase from the first line of piped input, as --help and the README say', async () => {
    const help = (await cli(['--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      'when standard input is not a terminal, its first line is read as the passphrase',
    );
    const dir = tempDir();
    const file = writeJson(manifest);
    expect((await cli(['--data-dir', dir, 'profiles', 'import', file], { env })).code).toBe(0);
    // The line a loop meant for itself is taken as the passphrase: a wrong one, here.
    const looped = await cli(['--data-dir', dir, 'profiles', 'import', file], {
      stdin: 'pve-lab\nrouter-1\n',
    });
    expect(looped).toMatchObject({ code: 1 });
    expect(looped.stderr).toBe(
      'Vault passphrase: rackside: Wrong passphrase; the vault stays locked.\n',
    );
    const piped = await cli(['--data-dir', dir, 'profiles', 'import', file], {
      stdin: `${env.RACKSIDE_PASSPHRASE}\n`,
    });
    expect(piped).toMatchObject({ code: 0, stderr: 'Vault passphrase: ' });
  });

  it('counts wrong passphrases across rackside commands, as a script guessing in a loop would try them', async () => {
    const dir = tempDir();
    const file = writeJson(manifest);
    expect((await cli(['--data-dir', dir, 'profiles', 'import', file], { env })).code).toBe(0);
    const stderrs: string[] = [];
    for (const guess of ['guess number 1', 'guess number 2', 'guess number 3']) {
      const run = await cli(['--data-dir', dir, 'profiles', 'import', file], {
        env: { RACKSIDE_PASSPHRASE: guess },
      });
      expect(run.code).toBe(1);
      stderrs.push(run.stderr);
    }
    expect(stderrs).toEqual([
      'rackside: Wrong passphrase; the vault stays locked.\n',
      'rackside: Wrong passphrase; the vault stays locked.\n',
      'rackside: Wrong passphrase; the vault stays locked. Next attempt allowed in 1 s.\n',
    ]);
  });

  describe('in a script, where the passphrase comes first on a pipe and other lines follow', () => {
    /**
     * `rackside` and then `cat` on one pipe, as in a script: `input` is written at once (once the
     * prompt shows, with `afterPrompt`), and what `cat` prints is what rackside left of it.
     */
    async function thenCat(input: string, afterPrompt = false): Promise<CliRun> {
      const dir = tempDir();
      const file = writeJson(manifest);
      expect((await cli(['--data-dir', dir, 'profiles', 'import', file], { env })).code).toBe(0);
      const child = spawn(
        'sh',
        ['-c', '"$NODE" "$BIN" --data-dir "$DIR" profiles import "$FILE"; echo "exit $?"; cat'],
        {
          env: {
            ...Object.fromEntries(
              Object.entries(process.env).filter(([name]) => !name.startsWith('RACKSIDE_')),
            ),
            NODE: process.execPath,
            BIN: path.resolve(import.meta.dirname, '../../../bin/rackside.mjs'),
            DIR: dir,
            FILE: file,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (afterPrompt && stderr.includes('Vault passphrase: ')) child.stdin.end(input);
      });
      if (!afterPrompt) child.stdin.end(input);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      return { code: code ?? -1, stdout, stderr };
    }

    const imported = `Imported 0 new and 0 updated profiles; ${String(manifest.profiles.length)} unchanged.\n`;

    it.each([
      ['a line break', '\n'],
      ['CRLF', '\r\n'],
    ])(
      'reads the passphrase line ending in %s and leaves the next lines to the next command',
      async (_what, lineBreak) => {
        const run = await thenCat(`${env.RACKSIDE_PASSPHRASE}${lineBreak}router-1\nrouter-2\n`);
        expect(run).toEqual({
          code: 0,
          stdout: `${imported}exit 0\nrouter-1\nrouter-2\n`,
          stderr: 'Vault passphrase: ',
        });
      },
    );

    it('waits for a passphrase that comes after the prompt, and takes only its line', async () => {
      const run = await thenCat(`${env.RACKSIDE_PASSPHRASE}\nrouter-1\n`, true);
      expect(run).toEqual({
        code: 0,
        stdout: `${imported}exit 0\nrouter-1\n`,
        stderr: 'Vault passphrase: ',
      });
    });

    it('reads a passphrase without a final line break', async () => {
      expect(await thenCat(env.RACKSIDE_PASSPHRASE)).toEqual({
        code: 0,
        stdout: `${imported}exit 0\n`,
        stderr: 'Vault passphrase: ',
      });
    });

    it('refuses an empty passphrase line clearly and leaves the next lines to the next command', async () => {
      expect(await thenCat('\nrouter-1\n')).toEqual({
        code: 0,
        stdout: 'exit 2\nrouter-1\n',
        stderr:
          'Vault passphrase: \nrackside: An empty line was read from standard input for "Vault passphrase"; set RACKSIDE_PASSPHRASE to give it without a prompt.\n',
      });
    });

    it('refuses a passphrase line too long to be one, and says how long one may be', async () => {
      const run = await thenCat(`${'x'.repeat(5000)}\nrouter-1\n`);
      expect(run.stdout).toMatch(/^exit 2\n/);
      expect(run.stderr).toBe(
        'Vault passphrase: \nrackside: The line read from standard input for "Vault passphrase" is longer than 4096 bytes.\n',
      );
    });
  });

  it('stops with status 130 when Ctrl-C is typed at the passphrase prompt, as at any other', async () => {
    const dir = tempDir();
    expect(
      (await cli(['--data-dir', dir, 'profiles', 'import', writeJson(manifest)], { env })).code,
    ).toBe(0);
    for (const json of [false, true]) {
      const run = await cliOnTerminal(
        [
          '--data-dir',
          dir,
          ...(json ? ['--json'] : []),
          'profiles',
          'export',
          path.join(dir, 'x.json'),
          '--encrypt',
        ],
        { prompt: 'Vault passphrase: ', typed: '\u0003' },
      );
      expect(run.code).toBe(130);
      expect(run.stderr).toBe('Vault passphrase: \nrackside: Cancelled.\n');
      expect(run.stdout).toBe(
        json ? '{"error":{"code":"cancelled","message":"Cancelled."}}\n' : '',
      );
      expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
    }
  });

  it('runs as a real process through bin/rackside.mjs', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, '--data-dir', dir, '--json', 'profiles', 'list']);
    expect(JSON.parse(ok.stdout)).toEqual([]);
    await expect(run(process.execPath, [bin, 'profiles', 'nope'])).rejects.toMatchObject({
      code: 2,
    });
  });

  it('takes unquoted negated filters as part of the query in a real process', async () => {
    const dir = tempDir();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const run = promisify(execFile);
    // A data folder with nothing in it (a mistyped --data-dir): commands on stored data say so,
    // exit 1 and create nothing there; only adding or importing profiles starts a store.
    for (const command of [
      ['inventory', '--no-check'],
      ['drift', '--no-check'],
      ['export', 'ansible', '--no-check'],
      ['profiles', 'list'],
      ['profiles', 'remove', 'pve'],
      ['sync', '--all'],
    ]) {
      await expect(
        run(process.execPath, [bin, '--data-dir', dir, ...command]),
      ).rejects.toMatchObject({
        code: 1,
        stderr: `rackside: There is no Rackside data in ${dir}. Check --data-dir (or RACKSIDE_DATA_DIR); to start there, import profiles (rackside profiles import) and sync.\n`,
      });
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const listed = await run(process.execPath, [
      bin,
      '--data-dir',
      dir,
      'inventory',
      'debian',
      '-kind:vm',
      '--no-check',
    ]);
    expect(listed.stdout).toBe('No assets match.\n');
    const yaml = await run(process.execPath, [
      bin,
      '--data-dir',
      dir,
      'export',
      'ansible',
      '-tag:prod',
      '--no-check',
    ]);
    expect(yaml.stdout).toMatch(/^all:\n/);
    await expect(
      run(process.execPath, [bin, '--data-dir', dir, 'inventory', '--no-check', 'status:asleep']),
    ).rejects.toMatchObject({ code: 2 });
  });

  it.each([
    ['Ctrl-C (SIGINT)', 130, 'SIGINT'],
    ['a stop (SIGTERM, as systemd or kill sends)', 143, 'SIGTERM'],
  ] as const)('cancels a sync on %s and exits %i with what it did', async (_what, code, signal) => {
    // A source that accepts the connection and never answers: the sync waits until cancelled.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    const dir = tempDir();
    const store = openStore({ dataDir: dir, logger: silentLogger });
    await store.vault.setup('sigint passphrase 1');
    store.profiles.save({
      name: 'quiet foreman',
      tags: [],
      connection: {
        kind: 'foreman',
        url: `https://127.0.0.1:${String((silent.address() as net.AddressInfo).port)}`,
        auth: { mode: 'token', username: 'admin' },
      },
      secrets: { token: 'token-1' },
    });
    store.close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const child = spawn(process.execPath, [bin, '--data-dir', dir, 'sync', '--all'], {
      env: { ...process.env, RACKSIDE_PASSPHRASE: 'sigint passphrase 1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await connected;
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain('sync cancelled; 1 source keeps its previous data.');
      expect(stdout).toMatch(/^quiet foreman\s+foreman\s+cancelled/m);
    } finally {
      child.kill('SIGKILL');
      silent.close();
    }
  });

  it('stops quietly when the reader of its output goes away, as `| head` does', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const child = spawn(process.execPath, [bin, '--data-dir', dir, '--json', 'profiles', 'list'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reading end closes before the command writes its answer.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });

  it('says in one line that its output could not be written, as on a full disk (/dev/full)', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const full = fs.openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [bin, '--data-dir', dir, 'profiles', 'list'], {
      stdio: ['ignore', full, 'pipe'],
    });
    fs.closeSync(full);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe(
      'rackside: cannot write the output: ENOSPC: no space left on device, write\n',
    );
    expect(code).toBe(1);
  });
});
