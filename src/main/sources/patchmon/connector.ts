import type { ProfileView } from '../../../shared/profiles';
import { HttpError } from '../../net/errors';
import type { HttpClient } from '../../net/http-client';
import type { SecretValues } from '../../profiles/profile-service';
import type { SourceConnector, SyncContext, TestSummary } from '../types';
import { openPatchmon, patchmonProfile, type PatchmonClientOptions } from './client';
import { HomepageStats, HostList } from './schemas';
import { hostsPath, syncPatchmon } from './sync';

export type PatchmonConnectorOptions = PatchmonClientOptions;

async function withClient<T>(
  profile: ProfileView,
  secrets: SecretValues,
  options: PatchmonConnectorOptions,
  run: (http: HttpClient) => Promise<T>,
): Promise<T> {
  const http = await openPatchmon(patchmonProfile(profile), secrets, options);
  try {
    return await run(http);
  } finally {
    await http.close();
  }
}

const version = 'PatchMon (integration API v1)';

/**
 * A gethomepage widget credential (reference §8) is refused by the host API with 401 "Invalid
 * API key type". It can read fleet statistics, so `test()` shows those and says why a sync would
 * fail, instead of a bare 401.
 */
async function testWidgetCredential(
  http: HttpClient,
  apiKey: string,
  signal: AbortSignal,
): Promise<TestSummary | null> {
  const stats = await http
    .getJson('/gethomepage/stats', HomepageStats, { signal })
    .catch(() => null);
  if (stats === null) return null;
  return {
    version,
    identity: `gethomepage widget credential ${apiKey}`,
    permissions: [
      `Fleet statistics: ${stats.total_hosts} hosts, ${stats.hosts_needing_updates ?? '?'} need updates, ${stats.security_updates ?? '?'} security updates`,
    ],
    warnings: [
      'This credential is for the gethomepage widget and cannot list hosts, so a sync fails. Create an API credential with the host:get scope in PatchMon (Settings → Integrations).',
    ],
  };
}

async function testPatchmon(
  http: HttpClient,
  apiKey: string,
  signal: AbortSignal,
): Promise<TestSummary> {
  let list: HostList;
  try {
    list = await http.getJson(hostsPath, HostList, { signal });
  } catch (error) {
    if (
      error instanceof HttpError &&
      error.reason === 'unauthorized' &&
      error.message.includes('Invalid API key type')
    ) {
      const widget = await testWidgetCredential(http, apiKey, signal);
      if (widget !== null) return widget;
    }
    throw error;
  }
  const groups = new Set(list.hosts.flatMap((h) => (h.host_groups ?? []).map((g) => g.id)));
  return {
    // The integration API does not tell the server's version.
    version,
    identity: `API credential ${apiKey}`,
    permissions: [`Sees ${list.total} hosts in ${groups.size} host groups`],
    warnings: [],
  };
}

/**
 * The PatchMon connector (integration API, HTTP Basic `key:secret`). Options carry HTTP tuning
 * and counters for tests and benchmarks. `patchmonConnector` is the default instance.
 */
export function createPatchmonConnector(options: PatchmonConnectorOptions = {}): SourceConnector {
  return {
    system: 'patchmon',
    test: (profile, secrets, signal) =>
      withClient(profile, secrets, options, (http) =>
        testPatchmon(http, patchmonProfile(profile).connection.apiKey, signal),
      ),
    sync: (profile, secrets, context: SyncContext) =>
      withClient(profile, secrets, options, (http) => syncPatchmon(http, context)),
  };
}

export const patchmonConnector: SourceConnector = createPatchmonConnector();
