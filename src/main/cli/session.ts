import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { createLogger, silentLogger, type Logger } from '../core/logger';
import { resolveDataDir } from '../core/data-dir';
import { readOnlyNotice } from '../db/open-database';
import type { ProfileView } from '../../shared/profiles';
import type { OtpProvider } from '../sources/proxmox';
import { databaseFileName, openStore, type Store } from '../store/open-store';
import { escapeRawControls, printable, type CliIo, type InputReader } from './cli-io';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

/** What every command gets: the opened store, output helpers and passphrase access. */
export class CliSession {
  readonly store: Store;
  readonly logger: Logger;

  /** `existing`: the command works on stored data; a data folder without a database is an error. */
  constructor(
    readonly io: CliIo,
    readonly input: InputReader,
    readonly options: GlobalOptions,
    command: { existing?: boolean } = {},
  ) {
    const dataDir = resolveDataDir({ flag: options.dataDir, env: io.env });
    // A mistyped --data-dir would otherwise get an empty store, and "no assets" or "no drift".
    if (command.existing === true && !fs.existsSync(path.join(dataDir, databaseFileName))) {
      throw new AppError(
        'not-found',
        `There is no Rackside data in ${dataDir}. Check --data-dir (or RACKSIDE_DATA_DIR); to start there, import profiles (rackside profiles import) and sync.`,
      );
    }
    this.logger = cliLogger(io);
    this.store = openStore({ dataDir, logger: this.logger });
    if (this.store.readOnly !== null) {
      io.stderr.write(`rackside: warning: ${readOnlyNotice(this.store.readOnly)}\n`);
    }
    const recoveries = this.store.recoveries();
    for (const recovery of recoveries) {
      io.stderr.write(`rackside: warning: ${recovery.message}\n`);
    }
    if (recoveries.length > 0) {
      io.stderr.write(`rackside: warning: ${recoveryReminder}\n`);
    }
    if (this.store.recovered !== null) {
      // An answer from the new, empty database would read as "no assets", "no drift".
      if (command.existing === true) {
        this.store.close();
        throw new AppError(
          'internal',
          'Nothing to show: the data was in the damaged database (see the warning above).',
        );
      }
    }
  }

  /** Unlocks the vault (first use: creates it) with RACKSIDE_PASSPHRASE or a prompt. */
  async unlock(): Promise<void> {
    const { vault } = this.store;
    if (vault.state() === 'unlocked') return;
    const fromEnv = this.io.env.RACKSIDE_PASSPHRASE;
    if (vault.state() === 'uninitialized') {
      let passphrase = fromEnv;
      if (passphrase === undefined) {
        passphrase = await this.input.secret('New vault passphrase: ', 'RACKSIDE_PASSPHRASE');
        const again = await this.input.secret('Repeat the passphrase: ');
        if (again !== passphrase)
          throw new AppError('bad-request', 'The passphrases do not match.');
      }
      // `opened`: another Rackside process created the vault meanwhile; this one unlocked it.
      if ((await vault.setup(passphrase, { useKeychain: false })) === 'created') {
        this.io.stderr.write(`rackside: created a new vault in ${this.store.dataDir}\n`);
      }
      return;
    }
    await vault.unlock(
      fromEnv ?? (await this.input.secret('Vault passphrase: ', 'RACKSIDE_PASSPHRASE')),
    );
  }

  async exportPassphrase(confirm: boolean): Promise<string> {
    const fromEnv = this.io.env.RACKSIDE_EXPORT_PASSPHRASE;
    if (fromEnv !== undefined) return fromEnv;
    const first = await this.input.secret('Export passphrase: ', 'RACKSIDE_EXPORT_PASSPHRASE');
    if (confirm && (await this.input.secret('Repeat the export passphrase: ')) !== first) {
      throw new AppError('bad-request', 'The passphrases do not match.');
    }
    return first;
  }

  /**
   * One-time codes for sources that log in with TOTP (Proxmox VE): RACKSIDE_PROXMOX_OTP when set,
   * else a prompt without echo on a terminal, one profile at a time; without either the login
   * fails with a message naming the profile and the variable.
   */
  otpProvider(hooks: { prompting?: (on: boolean) => void } = {}): OtpProvider {
    const asking = new Map<string, Promise<string>>();
    let queue: Promise<unknown> = Promise.resolve();
    return (profile) => {
      const fromEnv = this.io.env[otpEnvVar]?.replace(/\s+/g, '');
      if (fromEnv !== undefined && fromEnv !== '') return Promise.resolve(fromEnv);
      if (!this.input.isTerminal()) {
        return Promise.reject(
          new AppError(
            'bad-request',
            `"${profile.name}" needs a one-time code (TOTP) to log in: set ${otpEnvVar} to the current code from your authenticator, or run rackside on a terminal to be asked for it.`,
          ),
        );
      }
      const open = asking.get(profile.id);
      if (open !== undefined) return open;
      const asked = queue.then(async () => {
        hooks.prompting?.(true);
        try {
          return (await this.input.secret(otpPrompt(profile))).replace(/\s+/g, '');
        } finally {
          hooks.prompting?.(false);
        }
      });
      const forget = (): void => {
        asking.delete(profile.id);
      };
      asking.set(profile.id, asked);
      queue = asked.then(forget, forget);
      return asked;
    };
  }

  print(json: unknown, human: () => string): void {
    this.io.stdout.write(
      this.options.json
        ? escapeRawControls(`${JSON.stringify(json, null, 2)}\n`)
        : `${printable(human())}\n`,
    );
  }

  close(): void {
    this.store.close();
  }
}

/** Said after a recovery report, at every run until it is dismissed. */
export const recoveryReminder =
  'This is said at every start until it is dismissed: rackside recovery --dismiss (or Dismiss on the banner in the app).';

/** Where scripts put the current one-time code for a TOTP login. */
export const otpEnvVar = 'RACKSIDE_PROXMOX_OTP';

function otpPrompt(profile: ProfileView): string {
  const { connection } = profile;
  const who =
    connection.kind === 'proxmox' && connection.auth.mode === 'password'
      ? ` (${connection.auth.username.includes('@') ? connection.auth.username : `${connection.auth.username}@${connection.auth.realm}`})`
      : '';
  return `One-time code for "${profile.name}"${who}: `;
}

/** The CLI's logger: silent unless RACKSIDE_LOG names a level, then JSON lines on stderr. */
export function cliLogger(io: CliIo): Logger {
  const level = io.env.RACKSIDE_LOG;
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error')
    return silentLogger;
  return createLogger({
    scope: 'cli',
    level,
    sink: (record) => io.stderr.write(`${JSON.stringify(record)}\n`),
  });
}
