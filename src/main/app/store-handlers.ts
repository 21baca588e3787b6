import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VaultStatus } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Handlers } from '../contract/router';
import type { EventHub } from '../core/events';
import { exportFileText, importManifest, parseProfileFile } from '../profiles/import-export';
import { probeConnection, probeRefusal } from '../profiles/probe';
import { includeReader, sshConfigToManifest } from '../profiles/ssh-config-import';
import type { Store } from '../store/open-store';
import { isRealKeyring, type SecretBox } from '../vault/secret-box';

type StoreHandlerNames = Extract<keyof Handlers, `vault:${string}` | `profiles:${string}`>;

/**
 * The vault and profile commands: thin adapters over the store's services. Every change is
 * announced as an event so each window (and browser tab) stays current.
 */
export function storeHandlers(
  store: Store,
  events: EventHub,
  secretBox: SecretBox | undefined,
): Pick<Handlers, StoreHandlerNames> {
  const { vault, profiles } = store;

  const status = (): VaultStatus => ({
    state: vault.state(),
    keychain: { ...vault.keychainStatus(), available: isRealKeyring(secretBox) },
    unlockWaitMs: vault.unlockWaitMs(),
  });
  const profilesChanged = (reason: string): void => {
    events.emit('profiles:changed', { reason });
  };
  vault.onStateChange(() => {
    events.emit('vault:changed', status());
  });

  return {
    'vault:status': () => status(),
    'vault:setup': async ({ passphrase, useKeychain }) => {
      await vault.setup(passphrase, { useKeychain });
      return status();
    },
    'vault:unlock': async ({ passphrase }) => {
      await vault.unlock(passphrase);
      return status();
    },
    'vault:unlock-keychain': () => {
      if (!vault.unlockWithKeychain()) {
        throw new AppError(
          'forbidden',
          'The OS keychain cannot unlock the vault here; enter the passphrase.',
        );
      }
      return status();
    },
    'vault:lock': () => {
      vault.lock();
      return status();
    },
    'vault:active': () => {
      vault.touch();
      return {};
    },
    'vault:change-passphrase': async ({ current, next }) => {
      await vault.changePassphrase(current, next);
      return status();
    },
    'vault:set-keychain': ({ enabled }) => {
      if (enabled) vault.enableKeychain();
      else vault.disableKeychain();
      return status();
    },

    'profiles:list': () => profiles.list(),
    'profiles:save': (input) => {
      const saved = profiles.save(input);
      profilesChanged('saved');
      return saved;
    },
    'profiles:remove': ({ id }) => {
      profiles.remove(id);
      profilesChanged('removed');
      return null;
    },
    'profiles:probe': ({ id }) => {
      const { connection } = profiles.get(id);
      const refusal = probeRefusal(connection, (jump) => profiles.findById(jump)?.name);
      if (refusal !== null) throw new AppError('bad-request', refusal);
      return probeConnection(connection);
    },
    'profiles:pin': ({ id, sha256 }) => {
      const pinned = profiles.pinCertificate(id, sha256);
      profilesChanged('pinned');
      return pinned;
    },
    'profiles:export': async ({ ids, passphrase }) => {
      const content = await exportFileText(store.db, profiles, ids, passphrase);
      const stamp = new Date().toISOString().slice(0, 10);
      const fileName = `rackside-profiles-${stamp}${passphrase === null ? '' : '.encrypted'}.json`;
      return { fileName, content };
    },
    'profiles:import': async ({ content, passphrase }) => {
      // Without a passphrase an encrypted export is only checked: its envelope first, then
      // `wrong-passphrase` asks for one (the import dialog's first call).
      const manifest = await parseProfileFile(content, () => {
        if (passphrase === null) {
          return Promise.reject(
            new AppError('wrong-passphrase', 'This export is encrypted: enter its passphrase.'),
          );
        }
        return Promise.resolve(passphrase);
      });
      const summary = importManifest(store.db, profiles, manifest);
      profilesChanged('imported');
      return summary;
    },
    'profiles:import-ssh-config': async ({ content }) => {
      const own = content === null;
      const text = own ? await readOwnSshConfig() : content;
      const home = os.homedir();
      const { manifest, skipped, notes } = sshConfigToManifest(text, {
        defaultUser: os.userInfo().username,
        home,
        // Only the user's own config may include other files: text handed over may not.
        ...(own ? { include: includeReader(path.join(home, '.ssh'), home) } : {}),
      });
      const summary = importManifest(store.db, profiles, manifest);
      profilesChanged('imported');
      return { ...summary, skipped, notes };
    },
  };
}

async function readOwnSshConfig(): Promise<string> {
  const file = path.join(os.homedir(), '.ssh', 'config');
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('not-found', `There is no ${file} to import.`);
    }
    throw new AppError('unavailable', `${file} cannot be read: ${(error as Error).message}`);
  }
}
