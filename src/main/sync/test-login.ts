import { AppError } from '../../shared/errors';
import type { LoginTest } from '../../shared/inventory';
import type { ProfileService } from '../profiles/profile-service';
import { syncCancelController, type ConnectorSet } from './sync-engine';
import { isSourceProfile } from './sync-history';

/** How long a login test may take before it is given up. */
export const loginTestMs = 30_000;

/**
 * Logs in to a source with a profile's credential and asks what it may see — the source's
 * version, who the credential is, one item of each index it reads — without syncing anything.
 * Unlike the probe (DNS, TCP, TLS), this sends the credential, so it needs the vault open.
 */
export async function testLogin(
  profiles: ProfileService,
  connectors: ConnectorSet,
  ref: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<LoginTest> {
  const profile = profiles.resolve(ref);
  if (!isSourceProfile(profile)) {
    throw new AppError(
      'bad-request',
      `"${profile.name}" is not an inventory source; probe it to check the SSH host key.`,
    );
  }
  const connector = connectors[profile.connection.kind];
  if (connector === undefined) {
    throw new AppError('unavailable', `No ${profile.connection.kind} connector in this build.`);
  }
  const secrets = profiles.getSecrets(profile.id);
  const timeoutMs = options.timeoutMs ?? loginTestMs;
  const controller = syncCancelController();
  const timedOut = new AppError(
    'timeout',
    `${profile.name} did not finish the login test within ${String(timeoutMs / 1000)} s.`,
  );
  const timer = setTimeout(() => {
    controller.abort(timedOut);
  }, timeoutMs);
  const onCancel = (): void => {
    controller.abort();
  };
  options.signal?.addEventListener('abort', onCancel, { once: true });
  try {
    return await connector.test(profile, secrets, controller.signal);
  } catch (error) {
    throw controller.signal.reason === timedOut ? timedOut : error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }
}
