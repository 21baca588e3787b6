import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../../lab/index';
import type { PveGuest } from '../../../../lab/fleet/types';
import { Manifest } from '../../../shared/manifest';
import type { ProfileView } from '../../../shared/profiles';
import { recordHash } from '../../inventory/record-store';
import { importManifest } from '../../profiles/import-export';
import type { SecretValues } from '../../profiles/profile-service';
import { unlockedTestStore } from '../../store/test-helpers';
import type { Store } from '../../store/open-store';
import type { SourceRecord } from '../types';
import { createProxmoxConnector, noGuestIpsWarning, proxmoxConnector } from './index';
import { recordingContext } from '../test-helpers';

let lab: Lab;
let store: Store;
let profile: ProfileView;
let secrets: SecretValues;
let first: SourceRecord[];
const cluster = 'pve-ber';

beforeAll(async () => {
  lab = await startLab({
    size: 60,
    seed: 7,
    systems: { proxmox: true, foreman: false, patchmon: false, routeros: false, ssh: false },
    proxmox: { authFailureDelayMs: 0 },
  });
  store = await unlockedTestStore();
  importManifest(store.db, store.profiles, Manifest.parse(lab.manifest()));
  const found = store.profiles.findByName(`Lab Proxmox ${cluster}`);
  if (!found) throw new Error('the lab manifest has no Proxmox profile');
  profile = found;
  secrets = store.profiles.getSecrets(found.id);
  first = await proxmoxConnector.sync(profile, secrets, recordingContext());
}, 60_000);

afterAll(async () => {
  store.close();
  await lab.close();
});

const server = () => lab.proxmox[0]!;

/** Addresses the lab serves for a guest, the way the connector can learn them. */
function expectedIps(guest: PveGuest): string[] {
  const all = guest.interfaces.flatMap((nic) => (nic.ip === null ? [] : [nic.ip]));
  if (guest.status === 'running') {
    if (guest.type === 'lxc' || (guest.agent && guest.agentRunning)) return all;
  }
  if (guest.type === 'lxc') {
    return guest.interfaces.flatMap((nic) => (nic.ip === null || nic.dhcp ? [] : [nic.ip]));
  }
  return [];
}

function unknownGuests(): Set<number> {
  const state = server().state;
  return new Set(
    [...state.guests.values()].filter((g) => state.guestUnknown(g)).map((g) => g.vmid),
  );
}

describe('Proxmox VE connector against the lab', () => {
  it('lists every guest and node of the fleet with names, MACs, IPs, pools and tags', () => {
    const { guests, nodes } = lab.fleet.proxmox;
    expect(first).toHaveLength(guests.length + nodes.length);
    const byId = new Map(first.map((record) => [record.externalId, record]));
    const truth = lab.truth().flatMap((entry) => entry.records);
    for (const { externalId } of truth.filter((r) => r.system === 'proxmox')) {
      expect(byId.has(externalId), externalId).toBe(true);
    }
    const unknown = unknownGuests();
    for (const guest of guests) {
      const record = byId.get(`${cluster}/${guest.type}/${guest.vmid}`)!;
      expect(record.kind).toBe(guest.type === 'qemu' ? 'vm' : 'container');
      expect(record.name).toBe(guest.name.toLowerCase());
      expect(record.macs).toEqual(guest.interfaces.map((nic) => nic.mac));
      expect(record.site).toBe(guest.node);
      expect(record.group).toBe(guest.pool);
      expect(record.tags).toEqual(guest.tags);
      if (unknown.has(guest.vmid)) {
        expect(record.status).toBe('unknown');
        continue;
      }
      expect(record.status).toBe(guest.status);
      expect(record.ips.sort()).toEqual(expectedIps(guest).sort());
      if (guest.type === 'qemu') expect(record.smbiosUuid).toBe(guest.smbiosUuid);
    }
    for (const node of nodes) {
      const record = byId.get(`${cluster}/node/${node.name}`)!;
      expect(record.kind).toBe('node');
      expect(record.ips).toEqual([node.ip]);
      expect(record.status).toBe(node.status === 'online' ? 'running' : 'offline');
      if (node.status === 'online') expect(record.os).toMatch(/^Proxmox VE \d/);
    }
  });

  it("takes a Docker VM's addresses from its own NICs, not from docker0 and its veths", () => {
    const state = server().state;
    const docker = [...state.guests.values()].filter(
      (g) => g.docker === true && g.status === 'running' && g.agent === 'running',
    );
    expect(docker.length).toBeGreaterThan(0);
    for (const guest of docker) {
      const record = first.find((r) => r.externalId === `${cluster}/qemu/${guest.vmid}`)!;
      expect(record.ips).not.toContain('172.17.0.1');
      expect(record.macs).toEqual(guest.nics.map((nic) => nic.mac.toLowerCase()));
    }
  });

  it('re-syncs an unchanged cluster without per-guest requests and with the same records', async () => {
    const paths: string[] = [];
    const connector = createProxmoxConnector({ http: { onRequest: (e) => paths.push(e.path) } });
    const again = await connector.sync(profile, secrets, recordingContext(first));
    expect(paths.filter((path) => /\/(qemu|lxc)\//.test(path))).toEqual([]);
    const strip = (records: SourceRecord[]) =>
      records
        .map((record) => ({ ...record, raw: {} }))
        .sort((a, b) => a.externalId.localeCompare(b.externalId));
    expect(strip(again)).toEqual(strip(first));
    // Only the poll time and counters moved, so the store sees nothing to write.
    expect(again.map(recordHash).sort()).toEqual(first.map(recordHash).sort());
  });

  it('fetches details again for a guest that rebooted or was renamed', async () => {
    const state = server().state;
    const target = [...state.guests.values()].find(
      (g) => g.type === 'lxc' && g.status === 'running' && !state.guestUnknown(g),
    )!;
    const paths: string[] = [];
    const connector = createProxmoxConnector({ http: { onRequest: (e) => paths.push(e.path) } });
    const before = target.name;
    target.name = `${before}-renamed`;
    try {
      const again = await connector.sync(profile, secrets, recordingContext(first));
      const record = again.find((r) => r.externalId === `${cluster}/lxc/${target.vmid}`)!;
      expect(record.name).toBe(`${before}-renamed`.toLowerCase());
      expect(paths.filter((path) => /\/(qemu|lxc)\//.test(path))).toEqual([
        `/nodes/${target.node}/lxc/${target.vmid}/config`,
        `/nodes/${target.node}/lxc/${target.vmid}/interfaces`,
      ]);
    } finally {
      target.name = before;
    }
  });

  it('keeps the last known name, MACs and IPs of guests whose node went offline', async () => {
    // An offline node's guests are listed as `unknown`, without name or stats (reference
    // §5.3), and every request for their details ends in 595.
    const state = server().state;
    const node = [...state.nodes.values()].find(
      (candidate) =>
        candidate.online &&
        first.some(
          (record) =>
            record.kind === 'container' && record.site === candidate.name && record.ips.length > 0,
        ),
    )!;
    const before = first.filter((record) => record.kind !== 'node' && record.site === node.name);
    node.online = false;
    try {
      const context = recordingContext(first);
      const again = await proxmoxConnector.sync(profile, secrets, context);
      for (const old of before) {
        const record = again.find((r) => r.externalId === old.externalId)!;
        expect(record.status).toBe('unknown');
        expect({ name: record.name, macs: record.macs, ips: record.ips }).toEqual({
          name: old.name,
          macs: old.macs,
          ips: old.ips,
        });
      }
      expect(context.warnings).toEqual([
        expect.stringMatching(
          `^node ${node.name} is unreachable; \\d+ guest\\(s\\) keep their last known details$`,
        ),
      ]);
    } finally {
      node.online = true;
    }
  });

  it('degrades to a warning when the token may not read guest-agent addresses', async () => {
    const monitoring: ProfileView = {
      ...profile,
      connection: {
        ...profile.connection,
        auth: { mode: 'token', tokenId: server().auditorToken.tokenid },
      } as ProfileView['connection'],
    };
    const context = recordingContext();
    const records = await proxmoxConnector.sync(
      monitoring,
      { tokenSecret: server().auditorToken.secret },
      context,
    );
    expect(context.warnings).toEqual([noGuestIpsWarning]);
    expect(records).toHaveLength(first.length);
    const vms = records.filter((record) => record.kind === 'vm');
    expect(vms.every((vm) => vm.ips.length === 0)).toBe(true);
    expect(vms.some((vm) => vm.macs.length > 0)).toBe(true);
    const summary = await proxmoxConnector.test(
      monitoring,
      { tokenSecret: server().auditorToken.secret },
      AbortSignal.timeout(10_000),
    );
    expect(summary.identity).toBe(`monitor@pve!monitoring on cluster ${cluster} (2 nodes)`);
    expect(summary.warnings).toEqual([
      'no QEMU guest IPs — the credential lacks VM.Monitor on /vms',
    ]);
  });

  it('tests a token: version, identity and what it may see', async () => {
    const summary = await proxmoxConnector.test(profile, secrets, AbortSignal.timeout(10_000));
    expect(summary.version).toMatch(/^Proxmox VE 8\.\d+/);
    expect(summary.identity).toBe(`svc-rackside@pve!rackside on cluster ${cluster} (2 nodes)`);
    expect(summary.permissions.find((line) => line.startsWith('/vms:'))).toContain('VM.Monitor');
    expect(summary.warnings).toEqual([]);
  });
});

describe('Proxmox VE ticket auth against the lab', () => {
  const ticketProfile = (totp = false): ProfileView => ({
    ...profile,
    connection: {
      ...profile.connection,
      auth: { mode: 'password', username: 'root', realm: 'pam', totp },
    } as ProfileView['connection'],
  });

  it('logs in with user, realm and password and syncs the same fleet', async () => {
    const records = await proxmoxConnector.sync(
      ticketProfile(),
      { password: server().root.password },
      recordingContext(),
    );
    expect(records).toHaveLength(first.length);
  });

  it('renews the ticket an hour into a long sync', async () => {
    let clock = Date.now();
    const tickets: string[] = [];
    const connector = createProxmoxConnector({
      now: () => clock,
      http: { onRequest: (e) => e.method === 'POST' && tickets.push(e.path) },
    });
    const prof = ticketProfile();
    const pass = { password: server().root.password };
    await connector.test(prof, pass, AbortSignal.timeout(10_000));
    expect(tickets).toHaveLength(1);
    // The client clock only decides when to renew; the lab checks the ticket with its own.
    const records = await connector.sync(prof, pass, {
      ...recordingContext(),
      progress: () => {
        clock += 61 * 60_000;
      },
    });
    expect(records).toHaveLength(first.length);
    expect(tickets.length).toBeGreaterThan(2);
  });

  it('refuses a TOTP profile without a one-time code, with a clear message', async () => {
    await expect(
      proxmoxConnector.test(
        ticketProfile(true),
        { password: server().root.password },
        AbortSignal.timeout(10_000),
      ),
    ).rejects.toMatchObject({ code: 'bad-request', message: /one-time code \(TOTP\)/ });
  });

  it('reports a wrong password as refused credentials', async () => {
    await expect(
      proxmoxConnector.test(ticketProfile(), { password: 'wrong' }, AbortSignal.timeout(10_000)),
    ).rejects.toMatchObject({ code: 'forbidden', message: /refused the login of root@pam/ });
  });
});
