import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../../lab/index';
import { machineById } from '../../../../lab/fleet';
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
import { createForemanConnector, foremanConnector } from './index';

let lab: Lab;
let store: Store;
let profile: ProfileView;
let secrets: SecretValues;
let first: SourceRecord[];
let firstRequests: RequestEvent[];
const firstContext = recordingContext();

/** A connector that records every request it sends. */
function counted(events: RequestEvent[]) {
  return createForemanConnector({ http: { onRequest: (e) => events.push(e) } });
}

beforeAll(async () => {
  lab = await startLab({
    size: 60,
    seed: 11,
    systems: { foreman: true, proxmox: false, patchmon: false, routeros: false, ssh: false },
  });
  store = await unlockedTestStore();
  importManifest(store.db, store.profiles, Manifest.parse(lab.manifest()));
  const found = store.profiles.findByName('Lab Foreman');
  if (!found) throw new Error('the lab manifest has no Foreman profile');
  profile = found;
  secrets = store.profiles.getSecrets(found.id);
  firstRequests = [];
  first = await counted(firstRequests).sync(profile, secrets, firstContext);
}, 60_000);

afterAll(async () => {
  store.close();
  await lab.close();
});

describe('Foreman connector against the lab', () => {
  it('tests the credential: version, identity and what it may see', async () => {
    const summary = await foremanConnector.test(profile, secrets, syncCancelController().signal);
    expect(summary.version).toBe('Foreman 3.13.0');
    expect(summary.identity).toBe('admin (Admin User), administrator');
    expect(summary.permissions).toContain(`Sees ${lab.fleet.foreman.hosts.length} hosts`);
    expect(summary.permissions).toContain(
      `Sees ${lab.fleet.foreman.hostgroups.length} host groups`,
    );
    // Facts' subtotal counts hosts on the page, so no number is made up for them.
    expect(summary.permissions).toContain('Sees host facts');
    const resources = lab.fleet.foreman.computeResources.length;
    expect(summary.permissions).toContain(
      resources === 1 ? 'Sees 1 compute resource' : `Sees ${String(resources)} compute resources`,
    );
    expect(summary.warnings).toEqual([]);
  });

  it('syncs every host with the identity the fleet gives it', () => {
    const { fleet } = lab;
    expect(first).toHaveLength(fleet.foreman.hosts.length);
    const truth = truthIds(lab.truth(), 'foreman');
    expect(first.map((r) => r.externalId).sort()).toEqual(truth);
    const byId = new Map(first.map((r) => [r.externalId, r]));
    let withFacts = 0;
    for (const host of fleet.foreman.hosts) {
      const record = byId.get(String(host.id))!;
      const machine = machineById(fleet, host.machine)!;
      expect(record.system).toBe('foreman');
      expect(record.fqdn).toBe(host.name);
      expect(record.name).toBe(host.name.split('.')[0]);
      expect(record.macs).toContain(host.mac);
      expect(record.ips).toContain(host.ip);
      const group =
        host.hostgroupId === null
          ? null
          : fleet.foreman.hostgroups.find((g) => g.id === host.hostgroupId)!.title;
      expect(record.group).toBe(group);
      expect(record.organization).toBe(fleet.organizations[host.organizationId - 1]!.name);
      expect(record.location).toBe(fleet.locations[host.locationId - 1]!.name);
      expect(record.os).toBe(
        fleet.foreman.operatingsystems.find((o) => o.id === host.operatingsystemId)!.title,
      );
      expect(record.changeStamp).not.toBeNull();
      if (host.hasFacts) {
        withFacts += 1;
        expect(record.machineId).toBe(machine.machineId);
        expect(record.smbiosUuid).toBe(machine.smbiosUuid);
        for (const nic of machine.interfaces) expect(record.macs).toContain(nic.mac);
        const expectedKind =
          machine.kind === 'qemu' ? 'vm' : machine.kind === 'lxc' ? 'container' : 'bare-metal';
        expect(record.kind).toBe(expectedKind);
      } else {
        expect(record.machineId).toBeNull();
        expect(record.smbiosUuid).toBeNull();
      }
    }
    expect(withFacts).toBeGreaterThan(0);
  });

  it('keeps the raw host, interfaces and facts for offline views', () => {
    const record = first.find((r) => (r.raw.facts as Record<string, string> | null) !== null)!;
    const raw = record.raw as { host: Record<string, unknown>; facts: Record<string, string> };
    expect(Array.isArray(raw.host.interfaces)).toBe(true);
    expect(raw.facts['networking::fqdn']).toBe(record.fqdn);
  });

  it('reports progress per page of hosts and over the details', () => {
    const hostPages = firstContext.progressLog.filter((p) => p.phase === 'hosts');
    expect(hostPages.length).toBeGreaterThan(0);
    expect(hostPages.at(-1)!.records).toBe(lab.fleet.foreman.hosts.length);
    const details = firstContext.progressLog.filter((p) => p.phase === 'details');
    expect(details.at(-1)).toMatchObject({ done: first.length, total: first.length });
  });

  it('re-syncs an unchanged fleet with far fewer requests and the same records', async () => {
    const events: RequestEvent[] = [];
    const again = await counted(events).sync(profile, secrets, recordingContext(first));
    expect(again).toEqual(first);
    expect(events.filter((e) => e.path.startsWith('/hosts/'))).toEqual([]);
    expect(events.some((e) => e.path === '/hosts')).toBe(true);
    expect(events.length * 5).toBeLessThan(firstRequests.length);
  });

  it('fetches details again only for a host whose updated_at moved', async () => {
    const host = lab.foreman!.sim.hosts[5]!;
    host.updatedAt += 60_000;
    try {
      const events: RequestEvent[] = [];
      const again = await counted(events).sync(profile, secrets, recordingContext(first));
      const details = events.filter((e) => e.path.startsWith('/hosts/')).map((e) => e.path);
      expect(details.sort()).toEqual([`/hosts/${host.id}`, `/hosts/${host.id}/facts`]);
      expect(again.find((r) => r.externalId === String(host.id))!.changeStamp).not.toBe(
        first.find((r) => r.externalId === String(host.id))!.changeStamp,
      );
    } finally {
      host.updatedAt -= 60_000;
    }
  });

  it('syncs what a restricted user may see and warns that facts are missing', async () => {
    const { restricted } = lab.foreman!.credentials;
    const auditor = {
      ...profile,
      connection: {
        ...profile.connection,
        auth: { mode: 'password' as const, username: restricted.username },
      },
    } as ProfileView;
    const context = recordingContext();
    const records = await foremanConnector.sync(
      auditor,
      { password: restricted.password },
      context,
    );
    const inOrg1 = lab.fleet.foreman.hosts.filter((h) => h.organizationId === 1);
    expect(records).toHaveLength(inOrg1.length);
    expect(records.every((r) => r.machineId === null)).toBe(true);
    expect(context.warnings.join('\n')).toMatch(/view_facts/);
    expect(context.warnings.join('\n')).toMatch(/compute_resources.*access denied/);
    const summary = await foremanConnector.test(
      auditor,
      { password: restricted.password },
      syncCancelController().signal,
    );
    expect(summary.warnings).toContain('Cannot list host facts (needs view_facts).');
    expect(summary.permissions.join('\n')).not.toMatch(/facts/);
  });

  it('fetches the facts it could not see before once the credential may see them', async () => {
    const { restricted } = lab.foreman!.credentials;
    const auditor = {
      ...profile,
      connection: {
        ...profile.connection,
        auth: { mode: 'password' as const, username: restricted.username },
      },
    } as ProfileView;
    const withoutFacts = await foremanConnector.sync(
      auditor,
      { password: restricted.password },
      recordingContext(),
    );
    expect(withoutFacts.every((r) => r.machineId === null)).toBe(true);
    // view_facts granted (here: the admin's credential), the hosts themselves unchanged.
    const events: RequestEvent[] = [];
    const again = await counted(events).sync(profile, secrets, recordingContext(withoutFacts));
    const ids = new Set(withoutFacts.map((r) => r.externalId));
    const machineIds = (records: readonly SourceRecord[]) =>
      records.filter((r) => ids.has(r.externalId)).map((r) => [r.externalId, r.machineId]);
    expect(machineIds(again)).toEqual(machineIds(first));
    expect(machineIds(first).some(([, machineId]) => machineId !== null)).toBe(true);
    // Only the facts were missing: the unchanged hosts' details are not fetched again.
    expect(events.filter((e) => /^\/hosts\/\d+$/.test(e.path))).toHaveLength(
      first.length - withoutFacts.length,
    );
  });

  it('syncs only the hosts its host filter matches, and Test login says how many', async () => {
    const { fleet } = lab;
    const berlin = fleet.locations.find((l) => l.name === 'Berlin');
    if (berlin === undefined) throw new Error('the lab fleet has no Berlin');
    const inBerlin = fleet.foreman.hosts.filter((h) => h.locationId === berlin.id);
    expect(inBerlin.length).toBeGreaterThan(0);
    expect(inBerlin.length).toBeLessThan(fleet.foreman.hosts.length);
    const filtered = (hostFilter: string): ProfileView =>
      ({ ...profile, connection: { ...profile.connection, hostFilter } }) as ProfileView;

    const records = await foremanConnector.sync(
      filtered('location = Berlin'),
      secrets,
      recordingContext(),
    );
    expect(records.map((r) => r.fqdn).sort()).toEqual(inBerlin.map((h) => h.name).sort());
    expect(records.every((r) => r.location === 'Berlin')).toBe(true);
    const summary = await foremanConnector.test(
      filtered('location = Berlin'),
      secrets,
      syncCancelController().signal,
    );
    expect(summary.permissions).toContain(
      `${String(inBerlin.length)} ${inBerlin.length === 1 ? 'host matches' : 'hosts match'} the host filter`,
    );

    // A filter Foreman cannot read: its own reason, on Test login and on sync.
    const wrong = filtered('rack = 3');
    await expect(
      foremanConnector.test(wrong, secrets, syncCancelController().signal),
    ).rejects.toThrow(/Field 'rack' not recognized for searching/);
    await expect(foremanConnector.sync(wrong, secrets, recordingContext())).rejects.toThrow(
      /Field 'rack' not recognized for searching/,
    );

    // A filter that matches nothing (a typo in a value) fails rather than empty the inventory.
    await expect(
      foremanConnector.sync(filtered('location = Berlni'), secrets, recordingContext()),
    ).rejects.toThrow(
      'Foreman\'s host filter "location = Berlni" matches no hosts, which would remove every host synced from this profile; nothing was changed. Check the filter (Test login shows how many hosts it matches).',
    );
  });
});
