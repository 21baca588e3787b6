import { Command, CommanderError } from 'commander';
import { isAppError } from '../../shared/errors';
import { appVersion } from '../app/version';
import { emptyDataDirMessage, isEmptyDataDir } from '../core/data-dir';
import { redactText } from '../core/redact';
import { noteIfCorruption, storageProblem } from '../db/open-database';
import * as assets from './asset-commands';
import { InputReader, printable, UsageError, type CliIo } from './cli-io';
import * as inventory from './inventory-commands';
import * as commands from './profile-commands';
import { recoveryCommand } from './recovery-command';
import { CliSession, type GlobalOptions } from './session';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The `rackside` command, runnable in-process: returns the exit code (0 ok, 1 failure, 2 usage).
 * Secrets are never taken from arguments: they come from prompts, stdin, files or
 * RACKSIDE_PASSPHRASE / RACKSIDE_EXPORT_PASSPHRASE; a one-time code for a TOTP login from a
 * prompt or RACKSIDE_PROXMOX_OTP.
 */
/** Under `rackside --help`: what a script needs besides the options (see the README). */
const programNotes = `
Environment:
  RACKSIDE_PASSPHRASE         the vault passphrase, instead of a prompt
  RACKSIDE_EXPORT_PASSPHRASE  the passphrase of an encrypted export file
  RACKSIDE_PROXMOX_OTP        the current one-time code for a Proxmox VE TOTP login
  RACKSIDE_DATA_DIR           the data directory, as --data-dir
  RACKSIDE_LOG                debug, info, warn or error: log lines (JSON) on stderr

Passphrases without their variable: a prompt on a terminal; when standard input
is not a terminal, its first line is read as the passphrase (a new one takes two
lines, the second its repeat) and nothing past it: the lines after it stay for the
commands that follow. A command whose input has ended, or gives an empty line or
one over 4096 bytes, exits 2. In a loop that reads standard input, set
RACKSIDE_PASSPHRASE or give rackside </dev/null: otherwise it takes the loop's next
line as the passphrase.

Exit codes: 0 ok, 1 failure, 2 usage (a query that cannot be read included),
130 when Ctrl-C cancelled a sync, a login test or a prompt, 143 a sync stopped
by SIGTERM, 141 when the reader of the output stopped early (| head).`;

const noCheck = 'answer at once, without checking which sources can be reached (up to 1.5 s)';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const input = new InputReader(io);
  let session: CliSession | undefined;
  let code = 0;
  const program = new Command('rackside')
    .description('Rackside: connection profiles and inventory from the command line')
    .version(appVersion, '-V, --version', 'print the version')
    .option(
      '--data-dir <dir>',
      'data directory (default: RACKSIDE_DATA_DIR or the app folder)',
      dataDirOption,
    )
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', programNotes)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // A usage error reads like the command's other errors: `rackside: unknown option '--x'`.
      outputError: (text, write) => {
        write(`rackside: ${text.replace(/^error: /, '')}`);
      },
    });
  const run =
    <A extends unknown[]>(
      action: (s: CliSession, ...args: A) => number | Promise<number>,
      options: { existing?: boolean } = {},
    ) =>
    async (...args: A): Promise<void> => {
      session = new CliSession(io, input, program.opts<GlobalOptions>(), options);
      code = await action(session, ...args);
    };
  /**
   * A command on the data a folder holds: it never creates a store where there is none (a
   * mistyped --data-dir). Only `profiles add` and `profiles import` start one.
   */
  const existing = <A extends unknown[]>(
    action: (s: CliSession, ...args: A) => number | Promise<number>,
  ) => run(action, { existing: true });

  const profiles = program.command('profiles').description('manage connection profiles');
  profiles
    .command('list')
    .description('list profiles (never secrets)')
    .action(existing((s) => commands.listProfiles(s)));
  profiles
    .command('show <profile>')
    .description('show one profile by name or id')
    .action(existing((s, ref: string) => commands.showProfile(s, ref)));
  profiles
    .command('add')
    .description('add a profile from JSON (see docs/manifest.md for the fields)')
    .option('--from <file>', 'read the profile JSON from a file instead of stdin')
    .option('--secret <field>', 'prompt for a secret field (repeatable)', collect)
    .action(run((s, opts: { from?: string; secret?: string[] }) => commands.addProfile(s, opts)));
  profiles
    .command('edit <profile>')
    .description('change a profile')
    .option(
      '--set <path=value>',
      'set a field, e.g. connection.url=https://x (repeatable)',
      collect,
    )
    .option('--secret <field>', 'prompt for a new secret value (repeatable)', collect)
    .option('--clear-secret <field>', 'delete a stored secret (repeatable)', collect)
    .action(
      existing(
        (s, ref: string, opts: { set?: string[]; secret?: string[]; clearSecret?: string[] }) =>
          commands.editProfile(s, ref, opts),
      ),
    );
  profiles
    .command('remove <profile>')
    .description('remove a profile and its secrets')
    .action(existing((s, ref: string) => commands.removeProfile(s, ref)));
  profiles
    .command('probe <profile>')
    .description('check DNS, TCP and TLS (or the SSH host key) without logging in')
    .option('--timeout <ms>', 'per-stage timeout in milliseconds')
    .option('--pin', 'pin the certificate that was seen')
    .action(
      existing((s, ref: string, opts: { timeout?: string; pin?: boolean }) =>
        commands.probeProfile(s, ref, opts),
      ),
    );
  profiles
    .command('test <profile>')
    .description("log in to a source with the profile's credential and show what it may see")
    .action(existing((s, ref: string) => inventory.testLoginCommand(s, ref)));
  profiles
    .command('import [file]')
    .description(
      'import a manifest or export file (- reads stdin), or ~/.ssh/config with --ssh-config',
    )
    .option('--ssh-config', 'read Host entries from an OpenSSH config (default ~/.ssh/config)')
    .action(
      run((s, file: string | undefined, opts: { sshConfig?: boolean }) =>
        commands.importProfiles(s, file, opts),
      ),
    );
  profiles
    .command('export <file> [profiles...]')
    .description('export profiles (all by default): plain without secrets, or --encrypt with them')
    .option('--encrypt', 'encrypt with an export passphrase and include secrets')
    .action(
      existing((s, file: string, refs: string[], opts: { encrypt?: boolean }) =>
        commands.exportProfiles(s, file, refs, opts),
      ),
    );

  program
    .command('sync')
    .description('sync source profiles into the offline inventory (exit 1 if a source fails)')
    .option('--profile <name>', 'a profile to sync (repeatable)', collect)
    .option('--all', 'sync every source profile')
    .addHelpText(
      'after',
      '\nA Proxmox VE profile with a one-time code (TOTP) asks for it on a terminal; scripts set\nRACKSIDE_PROXMOX_OTP to the current code instead.',
    )
    .action(
      existing((s, opts: { profile?: string[]; all?: boolean }) => inventory.syncCommand(s, opts)),
    );
  program
    .command('inventory [query...]')
    .description('list assets from the offline inventory; see docs/query-language.md')
    .option('--format <format>', 'table, json or csv')
    .option(
      '--sort <field[:asc|desc]>',
      'sort by name, kind, status, os, updates, security, fqdn, cluster, group',
    )
    .option('--limit <n>', 'at most this many assets')
    .option('--offset <n>', 'skip this many assets first (with --limit, a page)')
    .option('--no-check', noCheck)
    .action(
      existing(
        (
          s,
          words: string[],
          opts: {
            format?: string;
            sort?: string;
            limit?: string;
            offset?: string;
            check?: boolean;
          },
        ) => inventory.inventoryCommand(s, words, opts),
      ),
    );
  program
    .command('export')
    .description('export the inventory for other tools')
    .command('ansible [query...]')
    .description('YAML inventory grouped by host groups, hostgroups, pools and tags')
    .option('--no-check', noCheck)
    .action(
      existing((s, words: string[], opts: { check?: boolean }) =>
        inventory.exportAnsible(s, words, opts),
      ),
    );
  const asset = program
    .command('asset')
    .description('one asset and the records it merges; join or split them by hand');
  asset
    .command('show <id>')
    .description(
      'an asset (by name, or its id: the ID column of inventory) and why its records merged',
    )
    .action(existing((s, id: string) => assets.showAsset(s, id)));
  asset
    .command('join <ids...>')
    .description('join assets that are one machine; kept across re-syncs')
    .action(existing((s, ids: string[]) => assets.joinAssets(s, ids)));
  asset
    .command('split <id> <records...>')
    .description(
      'move records (the RECORD column of asset show) out into an asset of their own; kept across re-syncs',
    )
    .action(existing((s, id: string, records: string[]) => assets.splitAsset(s, id, records)));
  program
    .command('drift')
    .description('assets present in one system but missing where expected')
    .option('--no-check', noCheck)
    .action(existing((s, opts: { check?: boolean }) => inventory.driftCommand(s, opts)));

  program
    .command('recovery')
    .description(
      'damaged databases Rackside moved aside, and passwords an update took out of source URLs, which every start warns about',
    )
    .option('--dismiss', 'they have been dealt with: stop warning about them, here and in the app')
    .action((opts: { dismiss?: boolean }) => {
      code = recoveryCommand(io, program.opts<GlobalOptions>(), opts);
    });

  try {
    // `rackside inventory debian -kind:vm`: the negated filter is part of the query, not an option.
    await program.parseAsync(inventory.negatedFiltersAsQuery(helpAsOption(program, argv)), {
      from: 'user',
    });
  } catch (error) {
    code = exitCodeFor(error, io);
    // With --json a script reads stdout: a failure is an answer there too, as stderr says it.
    if (code !== 0 && program.opts<GlobalOptions>().json === true) {
      // Commander's own words for a command line it could not read ("error: unknown option").
      const message =
        error instanceof CommanderError
          ? error.message.replace(/^error: /, '')
          : isAppError(error) || error instanceof UsageError
            ? error.message
            : String(error);
      const errorCode = isAppError(error) ? error.code : code === 2 ? 'usage' : 'internal';
      io.stdout.write(
        `${JSON.stringify({ error: { code: errorCode, message: redactText(message) } })}\n`,
      );
    }
  } finally {
    session?.close();
    input.close();
  }
  return code;
}

/** An empty `--data-dir` is a command line that cannot be read, refused before any command runs. */
function dataDirOption(value: string): string {
  if (isEmptyDataDir(value)) throw new UsageError(emptyDataDirMessage);
  return value;
}

/**
 * `rackside help profiles add` as `rackside profiles add --help`: the parser's own `help` takes
 * one word only, so it would show the help of `profiles`, and of everything for a mistyped one.
 */
function helpAsOption(program: Command, argv: readonly string[]): readonly string[] {
  const at = argv.findIndex((arg, i) => !arg.startsWith('-') && argv[i - 1] !== '--data-dir');
  if (at < 0 || argv[at] !== 'help' || at + 1 >= argv.length) return argv;
  const words = argv.slice(at + 1).filter((word) => word !== 'help');
  let command = program;
  for (const [i, word] of words.entries()) {
    if (command.commands.length === 0) break;
    const next = command.commands.find((c) => c.name() === word);
    // Without --help the parser says which word is no command, as for any other command line.
    if (next === undefined) return [...argv.slice(0, at), ...words.slice(0, i + 1)];
    command = next;
  }
  return [...argv.slice(0, at), ...words, '--help'];
}

function exitCodeFor(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.exitCode === 0
      ? 0
      : 2;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`rackside: ${printable(redactText(error.message))}\n`);
    return 2;
  }
  if (isAppError(error)) {
    io.stderr.write(`rackside: ${printable(redactText(error.message))}\n`);
    // Ctrl-C at a prompt: the status a shell gives a command ended by SIGINT.
    return error.code === 'cancelled' ? 130 : 1;
  }
  if (noteIfCorruption(error)) {
    io.stderr.write(
      `rackside: the database is damaged (${printable(redactText((error as Error).message))}); the next command checks the file and, if damaged, moves it aside and starts a new one.\n`,
    );
    return 1;
  }
  const storage = storageProblem(error);
  if (storage !== null) {
    io.stderr.write(`rackside: ${storage}\n`);
    return 1;
  }
  io.stderr.write(
    `rackside: unexpected error: ${printable(redactText(error instanceof Error ? error.message : String(error)))}\n`,
  );
  return 1;
}
