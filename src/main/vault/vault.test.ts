import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { fakeSecretBox, manualTimers } from './test-helpers';
import { Vault, type VaultOptions } from './vault';
import { deriveKey, newScryptParams } from './vault-crypto';
import { readVaultHeader, writeVaultHeader } from './vault-file';

const passphrase = 'correct horse battery';
let template: string;

/** One real setup (scrypt at the floor) copied into each test's own directory. */
beforeAll(async () => {
  template = path.join(tempDir(), 'vault.json');
  await new Vault({ file: template, logger: silentLogger }).setup(passphrase, {
    useKeychain: false,
  });
});

function lockedVault(options: Partial<VaultOptions> = {}): Vault {
  const file = path.join(tempDir(), 'vault.json');
  fs.copyFileSync(template, file);
  return new Vault({ file, logger: silentLogger, ...options });
}

async function unlockedVault(options: Partial<VaultOptions> = {}): Promise<Vault> {
  const file = path.join(tempDir(), 'vault.json');
  const vault = new Vault({ file, logger: silentLogger, ...options });
  await vault.setup(passphrase, { useKeychain: false });
  return vault;
}

describe('vault', () => {
  it('goes through setup, lock and unlock, and secrets survive the round trip', async () => {
    const file = path.join(tempDir(), 'vault.json');
    const vault = new Vault({ file, logger: silentLogger });
    const states: string[] = [];
    vault.onStateChange((state) => states.push(state));
    expect(vault.state()).toBe('uninitialized');
    await expect(vault.unlock(passphrase)).rejects.toMatchObject({ code: 'vault-uninitialized' });
    await vault.setup(passphrase, { useKeychain: false });
    const blob = vault.sealRecord('p1/password', 's3cret-value');
    vault.lock();
    expect(vault.state()).toBe('locked');
    expect(() => vault.openRecord('p1/password', blob)).toThrow(/vault is locked/);
    await vault.unlock(passphrase);
    expect(vault.openRecord('p1/password', blob)).toBe('s3cret-value');
    expect(states).toEqual(['unlocked', 'locked', 'unlocked']);
    const header = fs.readFileSync(file, 'utf8');
    expect(header).not.toContain(passphrase);
    expect(readVaultHeader(file)?.kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    await expect(vault.setup(passphrase)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('is set up once when two setups run at once: the later one unlocks that vault, never replaces it', async () => {
    const file = path.join(tempDir(), 'vault.json');
    const first = new Vault({ file, logger: silentLogger });
    const second = new Vault({ file, logger: silentLogger });
    const outcomes = await Promise.all([
      first.setup(passphrase, { useKeychain: false }),
      second.setup(passphrase, { useKeychain: false }),
    ]);
    expect([...outcomes].sort()).toEqual(['created', 'opened']);
    // Both hold the one data key: what either seals, the other opens.
    expect(second.openRecord('p1/password', first.sealRecord('p1/password', 'one'))).toBe('one');
    expect(first.openRecord('p2/password', second.sealRecord('p2/password', 'two'))).toBe('two');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['vault.json']);
  });

  it('keeps the keychain wrap asked for by either of two setups run at once', async () => {
    const file = path.join(tempDir(), 'vault.json');
    const secretBox = fakeSecretBox('gnome_libsecret');
    const outcomes = await Promise.all(
      [false, true].map((useKeychain) =>
        new Vault({ file, logger: silentLogger, secretBox }).setup(passphrase, { useKeychain }),
      ),
    );
    expect([...outcomes].sort()).toEqual(['created', 'opened']);
    expect(readVaultHeader(file)?.keychainWrap?.backend).toBe('gnome_libsecret');
    expect(new Vault({ file, logger: silentLogger, secretBox }).unlockWithKeychain()).toBe(true);
  });

  it('refuses a setup that meets a vault just made with another passphrase, and keeps that vault', async () => {
    const file = path.join(tempDir(), 'vault.json');
    const passphrases = [passphrase, 'another passphrase'];
    const vaults = passphrases.map(() => new Vault({ file, logger: silentLogger }));
    const results = await Promise.allSettled(
      vaults.map((vault, i) => vault.setup(passphrases[i] ?? '', { useKeychain: false })),
    );
    const won = results.findIndex((result) => result.status === 'fulfilled');
    expect(results[won]).toEqual({ status: 'fulfilled', value: 'created' });
    expect(results[1 - won]).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'wrong-passphrase',
        message:
          'Another Rackside process set up the vault at the same moment, with a different passphrase; nothing was changed. Unlock the vault with that passphrase.',
      },
    });
    expect(vaults[1 - won]?.state()).toBe('locked');
    const blob = vaults[won]?.sealRecord('p1/password', 'kept') ?? Buffer.alloc(0);
    const reopened = new Vault({ file, logger: silentLogger });
    await reopened.unlock(passphrases[won] ?? '');
    expect(reopened.openRecord('p1/password', blob)).toBe('kept');
  });

  it('refuses a wrong passphrase clearly and changes nothing', async () => {
    const vault = lockedVault();
    const file = (vault as unknown as { options: VaultOptions }).options.file;
    const before = fs.readFileSync(file);
    await expect(vault.unlock('wrong passphrase')).rejects.toMatchObject({
      code: 'wrong-passphrase',
      message: 'Wrong passphrase; the vault stays locked.',
    });
    expect(vault.state()).toBe('locked');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('rate-limits repeated wrong passphrases and says how long to wait', async () => {
    let now = 1_000_000;
    const vault = lockedVault({ now: () => now });
    for (let i = 0; i < 2; i += 1) {
      await expect(vault.unlock(`wrong-${i}-xx`)).rejects.toMatchObject({
        code: 'wrong-passphrase',
      });
    }
    await expect(vault.unlock('wrong-3-xx')).rejects.toThrow(/Next attempt allowed in 1 s/);
    // Even the right passphrase waits: nothing is derived until the delay has passed.
    await expect(vault.unlock(passphrase)).rejects.toMatchObject({
      code: 'rate-limited',
      message: 'Too many wrong passphrases. Try again in 1 s.',
    });
    now += 1000;
    await vault.unlock(passphrase);
    expect(vault.state()).toBe('unlocked');
  });

  it.each([
    ['unlock', (vault: Vault, guess: string) => vault.unlock(guess)],
    [
      'change the passphrase',
      (vault: Vault, guess: string) => vault.changePassphrase(guess, 'new passphrase 2'),
    ],
  ] as const)(
    'holds the limit for wrong passphrases sent all at once to %s',
    async (_what, attempt) => {
      const now = 1_000_000;
      const vault = lockedVault({ now: () => now });
      const guesses = Array.from({ length: 8 }, (_, i) => `wrong passphrase ${String(i)}`);
      const results = await Promise.allSettled(guesses.map((guess) => attempt(vault, guess)));
      // Each failure is counted before the next attempt is checked: three are tried, then it waits.
      expect(
        results.map((result) =>
          result.status === 'rejected' ? (result.reason as { code: unknown }).code : 'ok',
        ),
      ).toEqual([
        ...Array<string>(3).fill('wrong-passphrase'),
        ...Array<string>(5).fill('rate-limited'),
      ]);
      expect(vault.state()).toBe('locked');
    },
    60_000,
  );

  it('detects tampered ciphertext and ciphertexts swapped between records', async () => {
    const vault = await unlockedVault();
    const a = vault.sealRecord('p1/password', 'alpha');
    const b = vault.sealRecord('p2/password', 'bravo');
    const tampered = Buffer.from(a);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 1;
    expect(() => vault.openRecord('p1/password', tampered)).toThrow(/altered or does not belong/);
    expect(() => vault.openRecord('p1/password', b)).toThrow(/altered or does not belong/);
    expect(() => vault.openRecord('p2/password', a)).toThrow(/altered or does not belong/);
    expect(vault.openRecord('p2/password', b)).toBe('bravo');
    const again = vault.sealRecord('p1/password', 'alpha');
    expect(again.subarray(1, 13).equals(a.subarray(1, 13))).toBe(false);
  });

  it('refuses key-derivation parameters below the floor', async () => {
    expect(() => newScryptParams(2 ** 16)).toThrow(/below the minimum/);
    await expect(deriveKey(passphrase, { ...newScryptParams(), r: 4 })).rejects.toThrow(
      /below the minimum/,
    );
    const vault = lockedVault();
    const file = (vault as unknown as { options: VaultOptions }).options.file;
    const header = readVaultHeader(file)!;
    writeVaultHeader(file, { ...header, kdf: { ...header.kdf, N: 2 ** 14 } });
    await expect(vault.unlock(passphrase)).rejects.toMatchObject({ code: 'data-corrupt' });
    expect(vault.state()).toBe('locked');
  });

  it('uses the keychain only with a real keyring and falls back to the passphrase when it changes', async () => {
    const plain = fakeSecretBox('basic_text');
    const first = lockedVault({ secretBox: plain });
    const file = (first as unknown as { options: VaultOptions }).options.file;
    await first.unlock(passphrase);
    expect(() => {
      first.enableKeychain();
    }).toThrow(/plain-text storage is refused/);
    expect(readVaultHeader(file)?.keychainWrap).toBeNull();

    const keyring = fakeSecretBox('gnome_libsecret');
    const withKeyring = new Vault({ file, logger: silentLogger, secretBox: keyring });
    expect(withKeyring.unlockWithKeychain()).toBe(false);
    (first as unknown as { options: VaultOptions }).options.secretBox = keyring;
    first.enableKeychain();
    const secret = first.sealRecord('p/token', 'tok');
    expect(withKeyring.unlockWithKeychain()).toBe(true);
    expect(withKeyring.openRecord('p/token', secret)).toBe('tok');

    keyring.backendName = 'basic_text';
    const changed = new Vault({ file, logger: silentLogger, secretBox: keyring });
    expect(changed.keychainStatus()).toMatchObject({
      usable: false,
      recordedBackend: 'gnome_libsecret',
    });
    expect(changed.unlockWithKeychain()).toBe(false);
    expect(readVaultHeader(file)?.keychainWrap?.backend).toBe('gnome_libsecret');
    await changed.unlock(passphrase);
    expect(changed.openRecord('p/token', secret)).toBe('tok');
  });

  it('changes the passphrase by re-wrapping only', async () => {
    const vault = lockedVault();
    const file = (vault as unknown as { options: VaultOptions }).options.file;
    await expect(
      vault.changePassphrase('not the passphrase', 'new passphrase 2'),
    ).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    await vault.changePassphrase(passphrase, 'new passphrase 2');
    const secret = vault.sealRecord('p/password', 'kept');
    const reopened = new Vault({ file, logger: silentLogger });
    await expect(reopened.unlock(passphrase)).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await reopened.unlock('new passphrase 2');
    expect(reopened.openRecord('p/password', secret)).toBe('kept');
    // Unlocked, a wrong current passphrase is said to be that, not a vault left locked.
    await expect(
      reopened.changePassphrase('not the passphrase', 'third passphrase'),
    ).rejects.toThrow('The current passphrase is wrong; the passphrase was not changed.');
    await expect(reopened.changePassphrase('new passphrase 2', 'new passphrase 2')).rejects.toThrow(
      'The new passphrase is the current one; choose another.',
    );
    expect(reopened.state()).toBe('unlocked');
  });

  it('locks itself after the idle timeout unless touched', async () => {
    const timers = manualTimers();
    const vault = lockedVault({ timers });
    await vault.unlock(passphrase);
    vault.setIdleTimeout(60_000);
    timers.advance(59_000);
    vault.touch();
    timers.advance(59_000);
    expect(vault.state()).toBe('unlocked');
    timers.advance(1_000);
    expect(vault.state()).toBe('locked');
    expect(timers.pending()).toBe(0);
  });
});
