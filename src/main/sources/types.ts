import type { ProfileView } from '../../shared/profiles';
import type { SecretValues } from '../profiles/profile-service';

/**
 * What every source connector (Foreman, Proxmox VE, PatchMon, RouterOS) has in common: a `test`
 * that says who we are and what the credential may see, and a `sync` that yields normalized
 * records. The sync engine stores records per profile in one transaction and correlates them
 * into assets; connectors never touch the database.
 */

export const sourceSystems = ['foreman', 'proxmox', 'patchmon', 'routeros'] as const;
export type SourceSystem = (typeof sourceSystems)[number];

/** What a record describes. `host` is a machine whose nature the source does not tell. */
export type RecordKind = 'vm' | 'container' | 'node' | 'bare-metal' | 'router' | 'host';

/** Normalized run state; the raw value stays in `raw`. */
export type RecordStatus = 'running' | 'stopped' | 'paused' | 'offline' | 'pending' | 'unknown';

export interface PatchSummary {
  /** Packages with an update available. */
  updates: number | null;
  /** Of those, security updates. */
  security: number | null;
  rebootNeeded: boolean | null;
  /** When the source last heard from the host's agent (ISO time). */
  lastReportAt: string | null;
}

/**
 * One machine as one system reports it. Identity fields are normalized so correlation can compare
 * them across systems: MACs lower-case colon-separated, IPs canonical text, machine ids and SMBIOS
 * UUIDs lower-case without braces, names lower-case.
 */
export interface SourceRecord {
  system: SourceSystem;
  /**
   * Stable id within the profile, the same scheme the lab's ground truth uses:
   * Proxmox `<cluster>/<qemu|lxc>/<vmid>` and `<cluster>/node/<node>`, Foreman the numeric host id,
   * PatchMon the host UUID, RouterOS the serial number (CHR: its system id).
   */
  externalId: string;
  kind: RecordKind;
  /** Short host name as the system shows it (lower-case). */
  name: string;
  fqdn: string | null;
  status: RecordStatus;
  os: string | null;
  ips: string[];
  macs: string[];
  machineId: string | null;
  smbiosUuid: string | null;
  serial: string | null;
  /** Proxmox cluster, or the hypervisor a guest runs on. */
  cluster: string | null;
  /** Proxmox node, Foreman location, RouterOS site: where it runs. */
  site: string | null;
  /** Foreman hostgroup, PatchMon host group, Proxmox pool. */
  group: string | null;
  organization: string | null;
  location: string | null;
  tags: string[];
  patch: PatchSummary | null;
  /** When the source last saw the machine (its own timestamp), ISO time. */
  lastSeenAt: string | null;
  /**
   * A value that changes whenever the source's record changes (e.g. Foreman `updated_at`), used to
   * skip detail requests for unchanged records on re-sync. Null when the source has none.
   */
  changeStamp: string | null;
  /** Every field the source returned (summary plus details), for offline detail views. */
  raw: Record<string, unknown>;
}

export interface SyncProgress {
  /** A short phase name a person can read: "hosts", "facts", "guests", "packages"… */
  phase: string;
  done: number;
  /** Null when the total is not known yet. */
  total: number | null;
  records: number;
}

/** The previous sync's record, so a connector can skip details that did not change. */
export interface PreviousRecord {
  changeStamp: string | null;
  raw: Record<string, unknown>;
}

export interface SyncContext {
  signal: AbortSignal;
  progress(update: SyncProgress): void;
  /** The last stored record with this external id, if any. */
  previous(externalId: string): PreviousRecord | undefined;
  /** Something the user should know that does not fail the sync (e.g. a missing privilege). */
  warn(message: string): void;
}

export interface TestSummary {
  /** e.g. "Foreman 3.12.1", "Proxmox VE 8.4.1", "RouterOS 7.18.2 (stable)". */
  version: string;
  /** Who we are: the user or token the credential maps to. */
  identity: string;
  /** What the credential is allowed to see, in a person's words. */
  permissions: string[];
  warnings: string[];
}

export interface SourceConnector {
  system: SourceSystem;
  test(profile: ProfileView, secrets: SecretValues, signal: AbortSignal): Promise<TestSummary>;
  /** Resolves with every record of the source; throws a typed AppError on failure. */
  sync(profile: ProfileView, secrets: SecretValues, context: SyncContext): Promise<SourceRecord[]>;
}
