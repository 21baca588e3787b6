import crypto from 'node:crypto';
import type { VaultState } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { isRealKeyring, type SecretBox } from './secret-box';
import { UnlockLimiter, type UnlockLimitRecord } from './unlock-limiter';
import { deriveKey, newScryptParams, seal, tryOpen } from './vault-crypto';
import {
  createVaultHeader,
  keyCheckAad,
  readVaultHeader,
  vaultKeyAad,
  writeVaultHeader,
  type VaultHeader,
} from './vault-file';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface VaultOptions {
  /** The vault header file, e.g. `<dataDir>/vault.json`. */
  file: string;
  logger: Logger;
  secretBox?: SecretBox | undefined;
  now?: () => number;
  timers?: Timers;
  /** scrypt cost for new wraps; never below the floor (2^17), which is also the default. */
  kdfN?: number;
  /**
   * How many secrets the database holds. A vault file gone while they are stored (deleted,
   * not restored with the database) is not replaced: a new data key could never read them.
   */
  storedSecrets?: () => number;
  /**
   * Where wrong passphrases are counted: the database, shared by every Rackside process on the
   * data folder (`StoredUnlockLimit`). Without it, this object's memory.
   */
  unlockLimit?: UnlockLimitRecord;
}

export interface KeychainStatus {
  /** A keychain wrap is stored. */
  wrapped: boolean;
  recordedBackend: string | null;
  currentBackend: string | null;
  /** The stored wrap can unlock now (a real keyring with the same backend). */
  usable: boolean;
}

const minPassphrase = 8;
const maxPassphrase = 1024;
const recordAad = (recordId: string): string => `rackside-secret-v1:${recordId}`;

/**
 * The vault: a random 256-bit data key encrypts every secret record (AES-256-GCM, record id as
 * associated data). The key is wrapped by a passphrase key (scrypt) and optionally by the OS
 * keychain. Unlocked, the data key lives only in this object's memory.
 */
export class Vault {
  private dataKey: Buffer | null = null;
  private readonly listeners = new Set<(state: VaultState) => void>();
  private readonly limiter: UnlockLimiter;
  private readonly now: () => number;
  private readonly timers: Timers;
  private idleMs = 0;
  private idleHandle: unknown = null;
  /** The last passphrase attempt queued; the next one starts when it has ended. */
  private attempts: Promise<void> = Promise.resolve();

  constructor(private readonly options: VaultOptions) {
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.limiter = new UnlockLimiter(this.now, options.unlockLimit);
  }

  state(): VaultState {
    if (this.dataKey !== null) return 'unlocked';
    return readVaultHeader(this.options.file) === null ? 'uninitialized' : 'locked';
  }

  onStateChange(listener: (state: VaultState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * First run: creates the data key and the passphrase wrap (plus a keychain wrap if asked).
   * Resolves `created`, or `opened` when another Rackside process (the app, the CLI) created the
   * vault meanwhile: that vault is kept and unlocked with this passphrase, which must be its own.
   */
  async setup(
    passphrase: string,
    options: { useKeychain?: boolean } = {},
  ): Promise<'created' | 'opened'> {
    checkPassphrase(passphrase);
    if (readVaultHeader(this.options.file) !== null) {
      throw new AppError('conflict', 'The vault is already set up; unlock it instead.');
    }
    const stored = this.options.storedSecrets?.() ?? 0;
    if (stored > 0) {
      throw new AppError(
        'conflict',
        `The vault file ${this.options.file} is missing, but the database holds ` +
          `${String(stored)} ${stored === 1 ? 'secret' : 'secrets'} that its key encrypted. ` +
          'Restore that file from a backup to read them: a new vault could not. Nothing was changed.',
      );
    }
    const dataKey = crypto.randomBytes(32);
    const kdf = newScryptParams(this.options.kdfN);
    const kek = await deriveKey(passphrase, kdf);
    const time = new Date(this.now()).toISOString();
    const header: VaultHeader = {
      format: 'rackside-vault',
      version: 1,
      kdf,
      passphraseWrap: seal(kek, dataKey, vaultKeyAad).toString('base64'),
      keyCheck: seal(dataKey, Buffer.alloc(0), keyCheckAad).toString('base64'),
      keychainWrap: options.useKeychain === false ? null : this.keychainWrap(dataKey),
      createdAt: time,
      updatedAt: time,
    };
    if (!createVaultHeader(this.options.file, header)) {
      dataKey.fill(0);
      this.options.logger.info('vault created by another process meanwhile; unlocking it');
      await this.unlockWith(
        passphrase,
        'Another Rackside process set up the vault at the same moment, with a different ' +
          'passphrase; nothing was changed. Unlock the vault with that passphrase.',
      );
      // The keychain wrap asked for here is added to that vault if it has none.
      if (options.useKeychain !== false && this.keychainStatus().recordedBackend === null) {
        const wrap = this.keychainWrap(this.requireKey());
        if (wrap !== null) this.rewriteHeader({ keychainWrap: wrap });
      }
      return 'opened';
    }
    this.options.logger.info('vault created', { keychain: header.keychainWrap?.backend ?? null });
    this.becomeUnlocked(dataKey);
    return 'created';
  }

  /** Unlocks with the passphrase. Wrong passphrase → `wrong-passphrase`, nothing changed. */
  async unlock(passphrase: string): Promise<void> {
    await this.unlockWith(passphrase, 'Wrong passphrase; the vault stays locked.');
  }

  /**
   * Unlocks through the OS keychain when its wrap exists and the keyring backend is the same real
   * one that made it. Returns false (and changes nothing) otherwise: the passphrase still works.
   */
  unlockWithKeychain(): boolean {
    const header = this.requireHeader();
    const status = this.keychainStatus(header);
    if (!status.usable || header.keychainWrap === null || this.options.secretBox === undefined) {
      if (status.wrapped && status.recordedBackend !== status.currentBackend) {
        this.options.logger.warn('keychain backend changed; passphrase needed', {
          recorded: status.recordedBackend,
          current: status.currentBackend,
        });
      }
      return false;
    }
    try {
      const key = this.options.secretBox.decrypt(Buffer.from(header.keychainWrap.blob, 'base64'));
      if (
        key.length !== 32 ||
        tryOpen(key, Buffer.from(header.keyCheck, 'base64'), keyCheckAad) === null
      ) {
        return false;
      }
      this.becomeUnlocked(key);
      return true;
    } catch (error) {
      this.options.logger.warn('keychain unlock failed; passphrase needed', { error });
      return false;
    }
  }

  keychainStatus(header: VaultHeader | null = readVaultHeader(this.options.file)): KeychainStatus {
    const box = this.options.secretBox;
    const currentBackend = box?.isAvailable() ? box.backend() : null;
    const recordedBackend = header?.keychainWrap?.backend ?? null;
    return {
      wrapped: recordedBackend !== null,
      recordedBackend,
      currentBackend,
      usable: recordedBackend !== null && isRealKeyring(box) && currentBackend === recordedBackend,
    };
  }

  /** Adds (or replaces) the keychain wrap with the current real keyring. Needs the vault unlocked. */
  enableKeychain(): void {
    const dataKey = this.requireKey();
    const wrap = this.keychainWrap(dataKey);
    if (wrap === null) {
      throw new AppError(
        'unavailable',
        'No secure OS keychain is available (plain-text storage is refused).',
      );
    }
    this.rewriteHeader({ keychainWrap: wrap });
  }

  disableKeychain(): void {
    this.rewriteHeader({ keychainWrap: null });
  }

  lock(): void {
    if (this.dataKey === null) return;
    this.dataKey.fill(0);
    this.dataKey = null;
    this.clearIdle();
    this.options.logger.info('vault locked');
    this.emit('locked');
  }

  /** Re-wraps the data key under a new passphrase; secrets are not re-encrypted. */
  async changePassphrase(current: string, next: string): Promise<void> {
    checkPassphrase(next);
    if (next === current) {
      throw new AppError('bad-request', 'The new passphrase is the current one; choose another.');
    }
    await this.oneAttemptAtATime(async () => {
      const header = this.requireHeader();
      this.limiter.attempt();
      const dataKey = await this.unwrapWithPassphrase(
        header,
        current,
        this.dataKey === null
          ? 'Wrong passphrase; the vault stays locked.'
          : 'The current passphrase is wrong; the passphrase was not changed.',
      );
      const kdf = newScryptParams(this.options.kdfN);
      const kek = await deriveKey(next, kdf);
      this.rewriteHeader({
        kdf,
        passphraseWrap: seal(kek, dataKey, vaultKeyAad).toString('base64'),
      });
      this.options.logger.info('vault passphrase changed');
      if (this.dataKey === null) this.becomeUnlocked(dataKey);
    });
  }

  /** Locks after `ms` without `touch()`; 0 turns the idle lock off. */
  setIdleTimeout(ms: number): void {
    this.idleMs = Math.max(0, ms);
    this.touch();
  }

  /** Records activity: restarts the idle timer while unlocked. */
  touch(): void {
    this.clearIdle();
    if (this.dataKey === null || this.idleMs === 0) return;
    this.idleHandle = this.timers.setTimeout(() => {
      this.idleHandle = null;
      this.options.logger.info('vault idle timeout');
      this.lock();
    }, this.idleMs);
  }

  /** Milliseconds before another unlock attempt is accepted. */
  unlockWaitMs(): number {
    return this.limiter.waitMs();
  }

  // Sealing and opening records is no sign of anyone at the window (a background sync reads
  // its secrets): neither postpones the idle lock.
  sealRecord(recordId: string, plaintext: string): Buffer {
    const key = this.requireKey();
    return seal(key, Buffer.from(plaintext, 'utf8'), recordAad(recordId));
  }

  openRecord(recordId: string, blob: Buffer): string {
    const key = this.requireKey();
    const plain = tryOpen(key, blob, recordAad(recordId));
    if (plain === null) {
      throw new AppError(
        'data-corrupt',
        `The stored secret ${recordId} cannot be decrypted: it was altered or does not belong to this record.`,
      );
    }
    return plain.toString('utf8');
  }

  private async unlockWith(passphrase: string, refusal: string): Promise<void> {
    await this.oneAttemptAtATime(async () => {
      const header = this.requireHeader();
      this.limiter.attempt();
      const dataKey = await this.unwrapWithPassphrase(header, passphrase, refusal);
      this.becomeUnlocked(dataKey);
    });
  }

  /**
   * Runs passphrase attempts one after another. Each is counted by the limiter before the slow
   * key derivation, and the count cleared after it when the passphrase was right: attempts sent
   * together (a script calling `vault:unlock` many times at once, or several processes on one
   * data folder) never all pass the check before a failure is counted.
   */
  private oneAttemptAtATime(attempt: () => Promise<void>): Promise<void> {
    const run = this.attempts.then(attempt);
    this.attempts = run.catch(() => undefined);
    return run;
  }

  private async unwrapWithPassphrase(
    header: VaultHeader,
    passphrase: string,
    refusal = 'Wrong passphrase; the vault stays locked.',
  ): Promise<Buffer> {
    const kek = await deriveKey(passphrase, header.kdf);
    const dataKey = tryOpen(kek, Buffer.from(header.passphraseWrap, 'base64'), vaultKeyAad);
    if (dataKey === null) {
      this.limiter.failed();
      const wait = this.limiter.waitMs();
      const suffix = wait > 0 ? ` Next attempt allowed in ${Math.ceil(wait / 1000)} s.` : '';
      this.options.logger.warn('wrong vault passphrase');
      throw new AppError('wrong-passphrase', `${refusal}${suffix}`);
    }
    this.limiter.succeeded();
    return dataKey;
  }

  private keychainWrap(dataKey: Buffer): VaultHeader['keychainWrap'] {
    const box = this.options.secretBox;
    if (!isRealKeyring(box)) return null;
    return { backend: box.backend(), blob: box.encrypt(dataKey).toString('base64') };
  }

  private rewriteHeader(patch: Partial<VaultHeader>): void {
    const header = this.requireHeader();
    writeVaultHeader(this.options.file, {
      ...header,
      ...patch,
      updatedAt: new Date(this.now()).toISOString(),
    });
  }

  private becomeUnlocked(dataKey: Buffer): void {
    const was = this.dataKey;
    this.dataKey = dataKey;
    if (was !== null && was !== dataKey) was.fill(0);
    this.touch();
    if (was === null) {
      this.options.logger.info('vault unlocked');
      this.emit('unlocked');
    }
  }

  private requireHeader(): VaultHeader {
    const header = readVaultHeader(this.options.file);
    if (header === null) {
      throw new AppError(
        'vault-uninitialized',
        'The vault is not set up yet; choose a passphrase first.',
      );
    }
    return header;
  }

  private requireKey(): Buffer {
    if (this.dataKey === null) {
      throw new AppError('vault-locked', 'The vault is locked; unlock it to use secrets.');
    }
    return this.dataKey;
  }

  private clearIdle(): void {
    if (this.idleHandle !== null) this.timers.clearTimeout(this.idleHandle);
    this.idleHandle = null;
  }

  private emit(state: VaultState): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.options.logger.error('vault state listener failed', { error });
      }
    }
  }
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < minPassphrase) {
    throw new AppError(
      'bad-request',
      `The passphrase must have at least ${minPassphrase} characters.`,
    );
  }
  if (passphrase.length > maxPassphrase) {
    throw new AppError(
      'bad-request',
      `The passphrase must have at most ${maxPassphrase} characters.`,
    );
  }
}
