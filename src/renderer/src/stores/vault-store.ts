import { create } from 'zustand';
import type { VaultStatus } from '../../../shared/contract';
import type { AppErrorShape } from '../../../shared/errors';
import { bridge } from '../lib/bridge';

interface VaultStoreState {
  status: VaultStatus | undefined;
  /** When another unlock attempt will be accepted (ms since epoch); 0 when there is no wait. */
  waitUntil: number;
  loadError: AppErrorShape | undefined;
  load: () => Promise<void>;
  apply: (status: VaultStatus) => void;
  setup: (passphrase: string, useKeychain: boolean) => Promise<AppErrorShape | undefined>;
  unlock: (passphrase: string) => Promise<AppErrorShape | undefined>;
  unlockWithKeychain: () => Promise<AppErrorShape | undefined>;
  lock: () => Promise<AppErrorShape | undefined>;
  changePassphrase: (current: string, next: string) => Promise<AppErrorShape | undefined>;
  setKeychain: (enabled: boolean) => Promise<AppErrorShape | undefined>;
}

function waitUntil(status: VaultStatus): number {
  return status.unlockWaitMs > 0 ? Date.now() + status.unlockWaitMs : 0;
}

/** The vault's state as the renderer knows it; actions resolve to an error to show, or undefined. */
export const useVaultStore = create<VaultStoreState>()((set, get) => {
  const run = async (
    call: () => Promise<{ ok: true; data: VaultStatus } | { ok: false; error: AppErrorShape }>,
  ): Promise<AppErrorShape | undefined> => {
    const result = await call();
    if (!result.ok) {
      // A failed unlock may have started a wait; fetch it so the screen can show it.
      void get().load();
      return result.error;
    }
    set({ status: result.data, waitUntil: waitUntil(result.data) });
    return undefined;
  };
  return {
    status: undefined,
    waitUntil: 0,
    loadError: undefined,
    load: async () => {
      const result = await bridge().call('vault:status', {});
      if (result.ok)
        set({ status: result.data, waitUntil: waitUntil(result.data), loadError: undefined });
      else set({ loadError: result.error });
    },
    apply: (status) => {
      set({ status, waitUntil: waitUntil(status) });
    },
    setup: (passphrase, useKeychain) =>
      run(() => bridge().call('vault:setup', { passphrase, useKeychain })),
    unlock: (passphrase) => run(() => bridge().call('vault:unlock', { passphrase })),
    unlockWithKeychain: () => run(() => bridge().call('vault:unlock-keychain', {})),
    lock: () => run(() => bridge().call('vault:lock', {})),
    changePassphrase: (current, next) =>
      run(() => bridge().call('vault:change-passphrase', { current, next })),
    setKeychain: (enabled) => run(() => bridge().call('vault:set-keychain', { enabled })),
  };
});
