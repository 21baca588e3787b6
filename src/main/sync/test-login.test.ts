import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { ProfileView } from '../../shared/profiles';
import { sampleProfiles } from '../profiles/fixtures';
import type { SecretValues } from '../profiles/profile-service';
import type { SourceConnector } from '../sources/types';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { testLogin } from './test-login';

let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

async function withProfiles(): Promise<Store> {
  store = await unlockedTestStore();
  for (const input of sampleProfiles) store.profiles.save(input);
  return store;
}

/** A Foreman connector whose `test` is `answer`; it records what it was given. */
function foreman(answer: (signal: AbortSignal) => Promise<unknown>) {
  const seen: { profile?: ProfileView; secrets?: SecretValues; signal?: AbortSignal } = {};
  const connector: SourceConnector = {
    system: 'foreman',
    test: (profile, secrets, signal) => {
      Object.assign(seen, { profile, secrets, signal });
      return answer(signal) as never;
    },
    sync: () => Promise.reject(new Error('not used')),
  };
  return { connectors: { foreman: connector }, seen };
}

const summary = {
  version: 'Foreman 3.12.1',
  identity: 'rackside-sync',
  permissions: ['Sees 276 hosts'],
  warnings: ['Cannot list fact values (needs view_facts).'],
};

describe('testing a source login', () => {
  it('logs in with the profile’s stored credential and returns what the source says', async () => {
    const { profiles } = await withProfiles();
    const { connectors, seen } = foreman(() => Promise.resolve(summary));
    await expect(testLogin(profiles, connectors, 'FOREMAN-LAB')).resolves.toEqual(summary);
    expect(seen.profile?.name).toBe('foreman-lab');
    expect(Object.keys(seen.secrets ?? {})).not.toHaveLength(0);
  });

  it('refuses profiles that are no source, unknown names and a locked vault, clearly', async () => {
    const { profiles, vault } = await withProfiles();
    const { connectors, seen } = foreman(() => Promise.resolve(summary));
    await expect(testLogin(profiles, connectors, 'bastion')).rejects.toThrow(
      /"bastion" is not an inventory source/,
    );
    await expect(testLogin(profiles, connectors, 'nope')).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(testLogin(profiles, connectors, 'pve-lab')).rejects.toThrow(
      /No proxmox connector/,
    );
    vault.lock();
    await expect(testLogin(profiles, connectors, 'foreman-lab')).rejects.toMatchObject({
      code: 'vault-locked',
    });
    expect(seen.profile).toBeUndefined();
  });

  it('gives up on a source that does not answer, and stops when cancelled', async () => {
    const { profiles } = await withProfiles();
    const hanging = (signal: AbortSignal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reject(new AppError('cancelled', 'The request was cancelled.'));
        });
      });
    const slow = foreman(hanging);
    await expect(
      testLogin(profiles, slow.connectors, 'foreman-lab', { timeoutMs: 50 }),
    ).rejects.toThrow(/foreman-lab did not finish the login test within 0.05 s/);
    expect(slow.seen.signal?.aborted).toBe(true);

    const cancel = new AbortController();
    const cancelled = foreman(hanging);
    const pending = testLogin(profiles, cancelled.connectors, 'foreman-lab', {
      signal: cancel.signal,
    });
    cancel.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
