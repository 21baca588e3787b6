import { randomUUID } from 'node:crypto';
import type { Connection, ProfileView } from '../../shared/profiles';
import { syncCancelController } from '../sync/sync-engine';
import type { PreviousRecord, SourceRecord, SyncContext, SyncProgress } from './types';

/** A profile view as the profile service would return it, for connector tests. */
export function profileView(name: string, connection: Connection): ProfileView {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    name,
    folder: '',
    tags: [],
    notes: '',
    connection,
    hasSecret: {},
    keptSecrets: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** A running Proxmox VM record with nothing else known, plus `fields`, for inventory tests. */
export function proxmoxGuest(fields: Partial<SourceRecord> = {}): SourceRecord {
  return {
    system: 'proxmox',
    externalId: 'pve-ber/qemu/101',
    kind: 'vm',
    name: 'web01',
    fqdn: null,
    status: 'running',
    os: null,
    ips: [],
    macs: [],
    machineId: null,
    smbiosUuid: null,
    serial: null,
    cluster: 'pve-ber',
    site: 'ber-pve01',
    group: null,
    organization: null,
    location: null,
    tags: [],
    patch: null,
    lastSeenAt: null,
    changeStamp: null,
    raw: {},
    ...fields,
  };
}

export interface RecordingContext extends SyncContext {
  warnings: string[];
  progressLog: SyncProgress[];
}

/** A sync context that records warnings and progress and serves `previous` from a last run. */
export function recordingContext(
  previous: readonly SourceRecord[] = [],
  signal: AbortSignal = syncCancelController().signal,
): RecordingContext {
  const byId = new Map<string, PreviousRecord>(
    previous.map((record) => [
      record.externalId,
      { changeStamp: record.changeStamp, raw: JSON.parse(JSON.stringify(record.raw)) as never },
    ]),
  );
  const warnings: string[] = [];
  const progressLog: SyncProgress[] = [];
  return {
    signal,
    warnings,
    progressLog,
    progress: (update) => progressLog.push(update),
    previous: (externalId) => byId.get(externalId),
    warn: (message) => warnings.push(message),
  };
}

/** The external ids the lab's ground truth lists for one system, sorted. */
export function truthIds(
  truth: readonly { records: readonly { system: string; externalId: string }[] }[],
  system: string,
): string[] {
  return truth
    .flatMap((entry) => entry.records)
    .filter((r) => r.system === system)
    .map((r) => r.externalId)
    .sort();
}
