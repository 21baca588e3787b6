import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../../lab/index';
import { Manifest } from '../../../shared/manifest';
import type { ProfileView } from '../../../shared/profiles';
import type { RequestEvent } from '../../net/http-client';
import { importManifest } from '../../profiles/import-export';
import type { SecretValues } from '../../profiles/profile-service';
import { unlockedTestStore } from '../../store/test-helpers';
import type { Store } from '../../store/open-store';
import { recordingContext, truthIds } from '../test-helpers';
import { syncCancelController } from '../../sync/sync-engine';
import type { SourceRecord } from '../types';
import { createPatchmonConnector, patchmonConnector } from './index';

let lab: Lab;
let store: Store;
let profile: ProfileView;
let secrets: SecretValues;
let first: SourceRecord[];
let firstRequests: RequestEvent[];

function counted(events: RequestEvent[]) {
  return createPatchmonConnector({ http: { onRequest: (e) => events.push(e) } });
}

const labStartedAt = Date.now();

beforeAll(async () => {
  lab = await startLab({
    size: 60,
    seed: 13,
    systems: { patchmon: true, foreman: false, proxmox: false, routeros: false, ssh: false },
    // A stopped clock: reporting states (reporting → overdue → stale) follow the lab's clock, and
    // a host crossing a threshold between two syncs would be a real change, not an unchanged fleet.
    patchmon: { clock: () => labStartedAt },
  });
  store = await unlockedTestStore();
  importManifest(store.db, store.profiles, Manifest.parse(lab.manifest()));
  const found = store.profiles.findByName('Lab PatchMon');
  if (!found) throw new Error('the lab manifest has no PatchMon profile');
  profile = found;
  secrets = store.profiles.getSecrets(found.id);
  firstRequests = [];
  first = await counted(firstRequests).sync(profile, secrets, recordingContext());
}, 60_000);

afterAll(async () => {
  store.close();
  await lab.close();
});

describe('PatchMon connector against the lab', () => {
  it('tests the credential: identity and the hosts it may see', async () => {
    const summary = await patchmonConnector.test(profile, secrets, syncCancelController().signal);
    const { hosts, hostGroups } = lab.fleet.patchmon;
    const used = new Set(hosts.flatMap((h) => h.hostGroupIds));
    expect(summary.identity).toBe(`API credential ${lab.patchmon!.credentials.api.key}`);
    expect(summary.permissions).toEqual([`Sees ${hosts.length} hosts in ${used.size} host groups`]);
    expect(used.size).toBeLessThanOrEqual(hostGroups.length);
    expect(summary.warnings).toEqual([]);
  });

  it('syncs every host with its identity, groups and patch summary', () => {
    const { fleet } = lab;
    expect(first).toHaveLength(fleet.patchmon.hosts.length);
    const truth = truthIds(lab.truth(), 'patchmon');
    expect(first.map((r) => r.externalId).sort()).toEqual(truth);
    const byId = new Map(first.map((r) => [r.externalId, r]));
    const groupName = new Map(fleet.patchmon.hostGroups.map((g) => [g.id, g.name]));
    for (const host of fleet.patchmon.hosts) {
      const record = byId.get(host.id)!;
      expect(record.system).toBe('patchmon');
      expect(record.name).toBe(
        (host.hostname === '' ? host.friendlyName : host.hostname).toLowerCase().split('.')[0],
      );
      if (host.ip !== '') expect(record.ips).toContain(host.ip);
      expect(record.machineId).toBe(
        host.reportedMachineId.startsWith('pending-') ? null : host.reportedMachineId,
      );
      expect(record.group).toBe(
        host.hostGroupIds.length === 0 ? null : groupName.get(host.hostGroupIds[0]!),
      );
      expect(record.patch).toMatchObject({
        updates: host.updatesCount,
        security: host.securityUpdatesCount,
        rebootNeeded: host.needsReboot,
      });
      if (host.status === 'pending') expect(record.status).toBe('pending');
      else expect(['running', 'offline']).toContain(record.status);
      expect(record.patch!.lastReportAt === null).toBe(host.status === 'pending');
    }
  });

  it("takes a Docker host's addresses from its own interfaces, not from docker0", () => {
    const docker = lab.fleet.patchmon.hosts.filter((host) => host.dockerEnabled && host.ip !== '');
    expect(docker.length).toBeGreaterThan(0);
    for (const host of docker) {
      const record = first.find((r) => r.externalId === host.id)!;
      expect(record.ips).toEqual([host.ip]);
    }
  });

  it('marks silent agents offline and keeps the raw details', () => {
    const record = first.find((r) => r.status === 'offline') ?? first[0]!;
    const raw = record.raw as { host: unknown; info: unknown; network: unknown; system: unknown };
    expect(raw.host).toBeTypeOf('object');
    expect(raw.info).toMatchObject({ id: record.externalId });
    expect(raw.system).toMatchObject({ id: record.externalId });
  });

  it('re-syncs an unchanged fleet with one request', async () => {
    const events: RequestEvent[] = [];
    const again = await counted(events).sync(profile, secrets, recordingContext(first));
    expect(again).toEqual(first);
    expect(events.map((e) => e.path)).toEqual(['/api/hosts']);
    expect(firstRequests.length).toBe(1 + 3 * first.length);
  });

  it('fetches details again for a host that reported since', async () => {
    const host = lab.patchmon!.state.hosts.find((h) => h.status === 'active')!;
    const before = host.lastUpdate;
    host.lastUpdate += 60_000;
    host.updatesCount += 1;
    try {
      const events: RequestEvent[] = [];
      const again = await counted(events).sync(profile, secrets, recordingContext(first));
      expect(events.map((e) => e.path).sort()).toEqual(
        [
          '/api/hosts',
          `/api/hosts/${host.id}/info`,
          `/api/hosts/${host.id}/network`,
          `/api/hosts/${host.id}/system`,
        ].sort(),
      );
      expect(again.find((r) => r.externalId === host.id)!.patch!.updates).toBe(host.updatesCount);
    } finally {
      host.lastUpdate = before;
      host.updatesCount -= 1;
    }
  });
});
