import { AppError } from '../../shared/errors';
import { createLogger, silentLogger, type Logger } from '../core/logger';
import { resolveDataDir } from '../core/data-dir';
import { openStore, type Store } from '../store/open-store';
import type { CliIo, InputReader } from './cli-io';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

/** What every command gets: the opened store, output helpers and passphrase access. */
export class CliSession {
  readonly store: Store;
  readonly logger: Logger;

  constructor(
    readonly io: CliIo,
    readonly input: InputReader,
    readonly options: GlobalOptions,
  ) {
    const dataDir = resolveDataDir({ flag: options.dataDir, env: io.env });
    this.logger = cliLogger(io);
    this.store = openStore({ dataDir, logger: this.logger });
    if (this.store.recovered !== null)
      io.stderr.write(`rackside: warning: ${this.store.recovered.message}\n`);
  }

  /** Unlocks the vault (first use: creates it) with RACKSIDE_PASSPHRASE or a prompt. */
  async unlock(): Promise<void> {
    const { vault } = this.store;
    if (vault.state() === 'unlocked') return;
    const fromEnv = this.io.env.RACKSIDE_PASSPHRASE;
    if (vault.state() === 'uninitialized') {
      let passphrase = fromEnv;
      if (passphrase === undefined) {
        passphrase = await this.input.secret('New vault passphrase: ');
        const again = await this.input.secret('Repeat the passphrase: ');
        if (again !== passphrase)
          throw new AppError('bad-request', 'The passphrases do not match.');
      }
      await vault.setup(passphrase, { useKeychain: false });
      this.io.stderr.write(`rackside: created a new vault in ${this.store.dataDir}\n`);
      return;
    }
    await vault.unlock(fromEnv ?? (await this.input.secret('Vault passphrase: ')));
  }

  async exportPassphrase(confirm: boolean): Promise<string> {
    const fromEnv = this.io.env.RACKSIDE_EXPORT_PASSPHRASE;
    if (fromEnv !== undefined) return fromEnv;
    const first = await this.input.secret('Export passphrase: ');
    if (confirm && (await this.input.secret('Repeat the export passphrase: ')) !== first) {
      throw new AppError('bad-request', 'The passphrases do not match.');
    }
    return first;
  }

  print(json: unknown, human: () => string): void {
    this.io.stdout.write(this.options.json ? `${JSON.stringify(json, null, 2)}\n` : `${human()}\n`);
  }

  close(): void {
    this.store.close();
  }
}

function cliLogger(io: CliIo): Logger {
  const level = io.env.RACKSIDE_LOG;
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error')
    return silentLogger;
  return createLogger({
    scope: 'cli',
    level,
    sink: (record) => io.stderr.write(`${JSON.stringify(record)}\n`),
  });
}
