/** A PatchMon host (list item with stats, info, network, system) → the normalized `SourceRecord`. */
import { addUnique, isPlumbingInterface, normalizeIp, normalizeMac } from '../identity';
import { normalizeMachineId } from '../identity';
import type { RecordStatus, SourceRecord } from '../types';
import type { StoredHost } from './schemas';

/** PatchMon's "is the agent reporting" as a run state: silent agents are offline, not stopped. */
function status(host: StoredHost['host']): RecordStatus {
  switch (host.effective_status ?? host.status) {
    case 'active':
      return 'running';
    case 'inactive':
      return 'offline';
    case 'pending':
      return 'pending';
    default:
      return 'unknown';
  }
}

/** RFC 3339 → ISO; null when absent or unreadable. */
function isoTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function known(value: string | null | undefined): string | null {
  const text = value?.trim() ?? '';
  return text === '' || text.toLowerCase() === 'unknown' ? null : text;
}

export function normalizeHost(stored: StoredHost): SourceRecord {
  const { host, info, network, system } = stored;
  const hostname = (known(host.hostname) ?? known(info.hostname) ?? host.friendly_name)
    .toLowerCase()
    .replace(/\.$/, '');
  const ips: string[] = [];
  // The agent reports every interface with an address, Docker's bridge (172.17.0.1 on every
  // Docker host) included; such plumbing says nothing about which machine this is.
  const nics = (network.network_interfaces ?? []).filter(
    (nic) => !isPlumbingInterface(nic.name ?? ''),
  );
  addUnique(
    ips,
    [
      host.ip,
      info.ip,
      network.ip,
      ...nics.flatMap((nic) => [
        nic.ip,
        ...(nic.addresses ?? []).map((a) => (typeof a === 'string' ? a : a.address)),
      ]),
    ],
    normalizeIp,
  );
  const macs: string[] = [];
  addUnique(
    macs,
    nics.flatMap((nic) => [nic.mac, nic.macAddress, nic.mac_address]),
    normalizeMac,
  );
  const osType = known(host.os_type) ?? known(info.os_type);
  const osVersion = known(host.os_version) ?? known(info.os_version);
  const groups = (host.host_groups ?? []).map((g) => g.name);
  const reported = host.status !== 'pending';
  return {
    system: 'patchmon',
    externalId: host.id,
    kind: 'host',
    name: hostname.split('.')[0] ?? hostname,
    fqdn: hostname.includes('.') ? hostname : null,
    status: status(host),
    os: osType === null ? null : [osType, osVersion].filter((part) => part !== null).join(' '),
    ips,
    macs,
    // A host enrolled but never reported has `pending-<uuid>`, which is no machine id.
    machineId: normalizeMachineId(info.machine_id),
    smbiosUuid: null,
    serial: null,
    cluster: null,
    site: null,
    // Several groups are possible; the first names the group, all are in `raw.host.host_groups`.
    group: groups[0] ?? null,
    organization: null,
    location: null,
    tags: [],
    patch: {
      updates: host.updates_count ?? null,
      security: host.security_updates_count ?? null,
      rebootNeeded: host.needs_reboot ?? system.needs_reboot ?? null,
      lastReportAt: reported ? isoTime(host.last_update) : null,
    },
    lastSeenAt: reported ? isoTime(host.last_update) : null,
    changeStamp: changeStamp(host),
    raw: stored,
  };
}

/** What moves when a host's details may have changed: each agent report, and enrollment. */
export function changeStamp(host: StoredHost['host']): string | null {
  if (host.last_update === null || host.last_update === undefined) return null;
  return `${host.last_update}|${host.status ?? ''}`;
}
