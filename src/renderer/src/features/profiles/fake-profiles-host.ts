import type { CommandName } from '../../../../shared/contract';
import type { ProfileView } from '../../../../shared/profiles';
import type { Result } from '../../../../shared/result';
import { createBridge } from '../../lib/bridge';
import { vaultStatus } from '../../test-support/vault-status';

const stamp = '2026-01-02T03:04:05.000Z';

/** Test data: a stored profile as `profiles:list` would return it. */
export function storedProfile(
  overrides: Partial<ProfileView> & Pick<ProfileView, 'id' | 'name' | 'connection'>,
): ProfileView {
  return {
    folder: '',
    tags: [],
    notes: '',
    hasSecret: {},
    keptSecrets: [],
    createdAt: stamp,
    updatedAt: stamp,
    ...overrides,
  };
}

/**
 * A fake host for jsdom tests: keeps profiles in memory, records every call, and lets a test
 * make one command fail.
 */
export function fakeProfilesHost(initial: ProfileView[] = []) {
  const calls: [CommandName, unknown][] = [];
  let profiles = [...initial];
  const failures = new Map<CommandName, { code: string; message: string }>();
  const held = new Map<CommandName, Promise<void>>();
  let nextId = 1;
  let vault: 'locked' | 'unlocked' = 'unlocked';
  const status = () => vaultStatus(vault);

  const answer = (channel: CommandName, payload: unknown): Result<unknown> => {
    const failure = failures.get(channel);
    if (failure) return { ok: false, error: failure } as Result<unknown>;
    switch (channel) {
      case 'profiles:list':
        return { ok: true, data: profiles };
      case 'profiles:save': {
        const input = payload as Omit<ProfileView, 'id'> & {
          id?: string;
          secrets?: unknown;
          editedFrom?: string;
        };
        // As the main side does: a save over a version changed since the form was filled fails.
        const stored = profiles.find((p) => p.id === input.id);
        if (stored && input.editedFrom !== undefined && stored.updatedAt !== input.editedFrom) {
          return {
            ok: false,
            error: { code: 'stale', message: `“${stored.name}” was changed elsewhere.` },
          };
        }
        const id = input.id ?? `00000000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`;
        const { secrets: _secrets, editedFrom: _editedFrom, ...rest } = input;
        const saved = storedProfile({ ...rest, id, hasSecret: {} });
        profiles = [...profiles.filter((p) => p.id !== id), saved];
        return { ok: true, data: saved };
      }
      case 'profiles:remove': {
        const { id } = payload as { id: string };
        profiles = profiles.filter((p) => p.id !== id);
        return { ok: true, data: null };
      }
      case 'sync:test-login': {
        const { profileId } = payload as { profileId: string };
        const name = profiles.find((p) => p.id === profileId)?.name ?? '?';
        return {
          ok: true,
          data: {
            version: 'Proxmox VE 8.4.1',
            identity: `svc@pve!${name}`,
            permissions: ['/: Sys.Audit, VM.Audit'],
            warnings: ['The token lacks VM.Monitor: no guest IPs.'],
          },
        };
      }
      case 'vault:status':
        return { ok: true, data: status() };
      case 'vault:lock':
        vault = 'locked';
        return { ok: true, data: status() };
      case 'vault:unlock':
        vault = 'unlocked';
        return { ok: true, data: status() };
      default:
        return { ok: false, error: { code: 'unknown-channel', message: channel } };
    }
  };

  const bridge = createBridge({
    invoke: async (channel, payload) => {
      calls.push([channel as CommandName, payload]);
      await held.get(channel as CommandName);
      return answer(channel as CommandName, payload);
    },
    on: () => () => undefined,
  });

  return {
    bridge,
    calls,
    /** What each `profiles:save` was asked to store. */
    saves: () => calls.filter(([c]) => c === 'profiles:save').map(([, p]) => p),
    /** Stores `profile` as another window or the command line would, without a call. */
    changeElsewhere: (profile: ProfileView) => {
      profiles = profiles.map((p) => (p.id === profile.id ? profile : p));
    },
    fail: (channel: CommandName, code: string, message: string) => {
      failures.set(channel, { code, message });
    },
    /** Keeps answers on `channel` waiting until the returned function is called. */
    hold: (channel: CommandName): (() => void) => {
      let release = (): void => undefined;
      held.set(
        channel,
        new Promise<void>((resolve) => {
          release = () => {
            held.delete(channel);
            resolve();
          };
        }),
      );
      return () => {
        release();
      };
    },
  };
}
