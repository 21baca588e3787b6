import { AppError } from '../../../shared/errors';
import type { ProfileView } from '../../../shared/profiles';
import type { Logger } from '../../core/logger';
import { HttpClient, type HttpClientOptions } from '../../net/http-client';
import type { SecretValues } from '../../profiles/profile-service';

export const patchmonSystem = 'PatchMon';

export type PatchmonProfile = ProfileView & {
  connection: Extract<ProfileView['connection'], { kind: 'patchmon' }>;
};

export function patchmonProfile(profile: ProfileView): PatchmonProfile {
  if (profile.connection.kind !== 'patchmon') {
    throw new AppError('bad-request', `Profile "${profile.name}" is not a PatchMon profile.`);
  }
  return profile as PatchmonProfile;
}

/** `https://patchmon.example.com` (or one ending in `/api/v1`) → `…/api/v1`. */
export function apiBaseUrl(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${parsed.origin}${path}/api/v1`;
}

export interface PatchmonClientOptions {
  logger?: Logger;
  /** Overrides for the HTTP client (timeouts, retries, concurrency, counters). */
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'tls' | 'headers'>>;
}

/**
 * The HTTP client for a PatchMon profile: the integration API credential as HTTP Basic
 * `key:secret` (reference §4). Create one per sync or test; `close()` when done.
 */
export async function openPatchmon(
  profile: PatchmonProfile,
  secrets: SecretValues,
  options: PatchmonClientOptions = {},
): Promise<HttpClient> {
  const secret = secrets.apiSecret ?? '';
  if (secret === '') {
    throw new AppError(
      'bad-request',
      `Profile "${profile.name}" has no API secret stored; edit the profile to add it.`,
    );
  }
  const basic = Buffer.from(`${profile.connection.apiKey}:${secret}`).toString('base64');
  return HttpClient.create({
    ...options.http,
    system: patchmonSystem,
    baseUrl: apiBaseUrl(profile.connection.url),
    tls: profile.connection.tls,
    headers: { authorization: `Basic ${basic}` },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
