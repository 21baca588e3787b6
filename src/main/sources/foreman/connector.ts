import { z } from 'zod';
import type { ProfileView } from '../../../shared/profiles';
import type { SecretValues } from '../../profiles/profile-service';
import type { SourceConnector, SyncContext, TestSummary } from '../types';
import { ForemanClient, foremanProfile, type ForemanClientOptions } from './client';
import { CurrentUser, Status } from './schemas';
import { defaultSyncOptions, permitted, syncForeman, type ForemanSyncOptions } from './sync';

export interface ForemanConnectorOptions extends ForemanClientOptions {
  sync?: Partial<ForemanSyncOptions>;
}

async function withClient<T>(
  profile: ProfileView,
  secrets: SecretValues,
  options: ForemanConnectorOptions,
  run: (client: ForemanClient) => Promise<T>,
): Promise<T> {
  const client = await ForemanClient.open(foremanProfile(profile), secrets, options);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** Only the counts matter; facts' `results` is an object, other indexes' an array. */
const Counts = z.looseObject({ subtotal: z.number().int().nonnegative() });

/** What the credential may see, one index at a time (one item per request). */
const visibility = [
  { path: '/hosts', what: 'hosts', permission: 'view_hosts' },
  // Its `subtotal` counts the hosts on the page, not facts (reference/foreman.md §6.6).
  { path: '/fact_values', what: 'host facts', permission: 'view_facts', uncounted: true },
  { path: '/hostgroups', what: 'host groups', permission: 'view_hostgroups' },
  { path: '/organizations', what: 'organizations', permission: 'view_organizations' },
  { path: '/locations', what: 'locations', permission: 'view_locations' },
  { path: '/compute_resources', what: 'compute resources', permission: 'view_compute_resources' },
  { path: '/operatingsystems', what: 'operating systems', permission: 'view_operatingsystems' },
] as const;

/** `test()`: version, who we are, and how much of each index the credential may see. */
async function testForeman(
  client: ForemanClient,
  signal: AbortSignal,
  hostFilter: string | null,
): Promise<TestSummary> {
  const [status, user, filtered] = await Promise.all([
    client.get('/status', Status, signal),
    client.get('/current_user', CurrentUser, signal),
    // A filter Foreman cannot read fails here, with its reason, rather than at the first sync.
    hostFilter === null
      ? Promise.resolve(null)
      : permitted(() => client.get('/hosts', Counts, signal, { per_page: 1, search: hostFilter })),
  ]);
  const answers = await Promise.all(
    visibility.map(async (v) => ({
      ...v,
      answer: await permitted(() => client.get(v.path, Counts, signal, { per_page: 1 })),
    })),
  );
  const permissions: string[] = [];
  const warnings: string[] = [];
  for (const entry of answers) {
    const { what, permission, answer } = entry;
    if (!answer.ok) warnings.push(`Cannot list ${what} (needs ${permission}).`);
    else if ('uncounted' in entry) permissions.push(`Sees ${what}`);
    else {
      const n = answer.value.subtotal;
      // "1 compute resource", "1 host group": every index name here is plural in its last "s".
      permissions.push(`Sees ${String(n)} ${n === 1 ? what.replace(/s$/, '') : what}`);
    }
  }
  if (filtered?.ok === true) {
    const n = filtered.value.subtotal;
    permissions.push(`${String(n)} ${n === 1 ? 'host matches' : 'hosts match'} the host filter`);
  }
  if (answers.some((a) => a.permission === 'view_facts' && !a.answer.ok)) {
    warnings.push('Without facts, hosts carry no machine id or SMBIOS UUID for matching.');
  }
  const name = [user.firstname, user.lastname].filter((part) => part).join(' ');
  return {
    version: `Foreman ${status.version}`,
    identity: `${user.login}${name === '' ? '' : ` (${name})`}${user.admin === true ? ', administrator' : ''}`,
    permissions,
    warnings,
  };
}

/**
 * The Foreman connector. Options carry what a profile cannot: HTTP tuning and counters for tests
 * and benchmarks, page sizes. `foremanConnector` is the default instance.
 */
export function createForemanConnector(options: ForemanConnectorOptions = {}): SourceConnector {
  const syncOptions: ForemanSyncOptions = { ...defaultSyncOptions, ...options.sync };
  return {
    system: 'foreman',
    test: (profile, secrets, signal) =>
      withClient(profile, secrets, options, (client) =>
        testForeman(client, signal, hostFilterOf(profile)),
      ),
    sync: (profile, secrets, context: SyncContext) =>
      withClient(profile, secrets, options, (client) =>
        syncForeman(client, context, { ...syncOptions, search: hostFilterOf(profile) }),
      ),
  };
}

/** The profile's host filter: Foreman's scoped search, or null for every host. */
function hostFilterOf(profile: ProfileView): string | null {
  const { connection } = profile;
  if (connection.kind !== 'foreman') return null;
  const filter = connection.hostFilter?.trim() ?? '';
  return filter === '' ? null : filter;
}

export const foremanConnector: SourceConnector = createForemanConnector();
