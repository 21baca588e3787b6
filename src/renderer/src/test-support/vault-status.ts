import type { VaultStatus } from '../../../shared/contract';

/** A vault status as the host reports it, without a keychain, for tests. */
export function vaultStatus(state: VaultStatus['state'], unlockWaitMs = 0): VaultStatus {
  return {
    state,
    keychain: {
      wrapped: false,
      recordedBackend: null,
      currentBackend: null,
      usable: false,
      available: false,
    },
    unlockWaitMs,
  };
}
