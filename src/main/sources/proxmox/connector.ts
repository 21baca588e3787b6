import { AppError } from '../../../shared/errors';
import type { ProfileView } from '../../../shared/profiles';
import type { SecretValues } from '../../profiles/profile-service';
import type { SourceConnector, SourceRecord, SyncContext, TestSummary } from '../types';
import type { OtpProvider } from './auth';
import {
  isProxmoxProfile,
  ProxmoxClient,
  type ProxmoxClientOptions,
  type ProxmoxProfile,
} from './client';
import { summarizePermissions } from './permissions';
import { ClusterStatus, Permissions, PveVersion } from './schemas';
import { defaultSyncOptions, syncProxmox, type ProxmoxSyncOptions } from './sync';

export interface ProxmoxConnectorOptions extends ProxmoxClientOptions {
  sync?: Partial<ProxmoxSyncOptions>;
  otp?: OtpProvider;
}

function proxmoxProfile(profile: ProfileView): ProxmoxProfile {
  if (!isProxmoxProfile(profile)) {
    throw new AppError('bad-request', `Profile "${profile.name}" is not a Proxmox VE profile.`);
  }
  return profile;
}

async function withClient<T>(
  profile: ProfileView,
  secrets: SecretValues,
  options: ProxmoxConnectorOptions,
  run: (client: ProxmoxClient) => Promise<T>,
): Promise<T> {
  const client = await ProxmoxClient.open(proxmoxProfile(profile), secrets, options);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** `test()`: version, who we are, and what the credential may see. */
async function testProxmox(client: ProxmoxClient, signal: AbortSignal): Promise<TestSummary> {
  const version = await client.get('/version', PveVersion, signal);
  const permissions = await client.get('/access/permissions', Permissions, signal);
  const major = Number(version.version.split('.')[0]);
  const summary = summarizePermissions(permissions, Number.isFinite(major) ? major : 8);
  const status = await client.attempt('/cluster/status', ClusterStatus, signal);
  let where = '';
  if (status.ok) {
    const cluster = status.value.find((entry) => entry.type === 'cluster');
    const nodes = status.value.filter((entry) => entry.type === 'node');
    where =
      cluster?.name !== undefined
        ? ` on cluster ${cluster.name} (${nodes.length} nodes)`
        : ` on standalone node ${nodes[0]?.name ?? '?'}`;
  }
  return {
    version: `Proxmox VE ${version.version}`,
    identity: `${client.auth.identity}${where}`,
    permissions: summary.lines,
    warnings: summary.warnings,
  };
}

/**
 * A Proxmox VE connector. Options carry what a profile cannot: a TOTP prompt, test clocks and
 * HTTP tuning. `proxmoxConnector` is the default instance (no TOTP prompt: a profile that needs
 * a one-time code fails with a clear message).
 */
export function createProxmoxConnector(options: ProxmoxConnectorOptions = {}): SourceConnector {
  const syncOptions: ProxmoxSyncOptions = {
    ...defaultSyncOptions,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...options.sync,
  };
  return {
    system: 'proxmox',
    test: (profile, secrets, signal) =>
      withClient(profile, secrets, options, (client) => testProxmox(client, signal)),
    sync: (profile, secrets, context: SyncContext): Promise<SourceRecord[]> =>
      withClient(profile, secrets, options, (client) => syncProxmox(client, context, syncOptions)),
  };
}

export const proxmoxConnector: SourceConnector = createProxmoxConnector();
