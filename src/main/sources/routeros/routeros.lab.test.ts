import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../../lab/index';
import type { RouterDevice } from '../../../../lab/fleet/types';
import { Manifest } from '../../../shared/manifest';
import type { ProfileView } from '../../../shared/profiles';
import { importManifest } from '../../profiles/import-export';
import { recordHash } from '../../inventory/record-store';
import type { Store } from '../../store/open-store';
import { unlockedTestStore } from '../../store/test-helpers';
import { recordingContext } from '../test-helpers';
import type { SourceRecord } from '../types';
import { routerosConnector } from './connector';

let lab: Lab;
let store: Store;
const devices = () => lab.fleet.routeros.devices;

beforeAll(async () => {
  // 300 assets give three routers, one of them a CHR identified by its system id. The first
  // runs a container, so it also lists the container's veth and gateway address.
  lab = await startLab({
    size: 300,
    seed: 1,
    systems: { routeros: true, proxmox: false, foreman: false, patchmon: false, ssh: false },
    routeros: { configure: (_router, index) => ({ container: index === 0 }) },
  });
  store = await unlockedTestStore();
  importManifest(store.db, store.profiles, Manifest.parse(lab.manifest()));
});

afterAll(async () => {
  store.close();
  await lab.close();
});

function labProfile(device: RouterDevice): { profile: ProfileView; password: string } {
  const profile = store.profiles.findByName(`Lab RouterOS ${device.identity}`);
  if (!profile) throw new Error(`no profile for ${device.identity}`);
  return { profile, password: store.profiles.getSecrets(profile.id).password ?? '' };
}

/** The same profile over another transport (plain api or REST) on the lab's port for it. */
function over(device: RouterDevice, transport: 'api' | 'rest'): ProfileView {
  const { profile } = labProfile(device);
  const endpoint = lab.routeros!.devices.find((d) => d.serial === device.serial)!;
  const port = transport === 'api' ? endpoint.apiPort : Number(new URL(endpoint.restUrl).port);
  return {
    ...profile,
    connection: { ...profile.connection, transport, port } as ProfileView['connection'],
  };
}

function expectMatchesFleet(record: SourceRecord, device: RouterDevice): void {
  const macs = [
    ...new Set(
      device.interfaces.filter((i) => i.type !== 'loopback').map((i) => i.mac.toLowerCase()),
    ),
  ];
  const ips = device.addresses.filter((a) => !a.disabled).map((a) => a.address.split('/')[0]);
  expect(record).toMatchObject({
    system: 'routeros',
    externalId: device.serial,
    serial: device.serial,
    kind: 'router',
    name: device.identity.toLowerCase(),
    status: 'running',
    os: `RouterOS ${device.version}`,
  });
  expect(record.macs).toEqual(macs);
  expect(record.ips).toEqual(ips);
  expect(record.patch?.updates).toBe(
    device.latestVersion === null || device.updateStatus === null
      ? null
      : device.latestVersion === device.version
        ? 0
        : 1,
  );
}

describe('RouterOS connector against the lab', () => {
  it('syncs every router over api-ssl with a pinned certificate', async () => {
    expect(devices().some((device) => !device.routerboard)).toBe(true);
    const truth = lab
      .truth()
      .flatMap((entry) => entry.records)
      .filter((r) => r.system === 'routeros');
    for (const device of devices()) {
      const { profile, password } = labProfile(device);
      const records = await routerosConnector.sync(profile, { password }, recordingContext());
      expect(records).toHaveLength(1);
      expectMatchesFleet(records[0]!, device);
      expect(truth.map((r) => r.externalId)).toContain(records[0]!.externalId);
    }
  });

  it("takes a router's MACs and addresses from its own interfaces, not from a container's veth", async () => {
    const device = devices()[0]!;
    const { profile, password } = labProfile(device);
    for (const connection of [profile, over(device, 'rest')]) {
      const [record] = await routerosConnector.sync(connection, { password }, recordingContext());
      // The router did list them, as RouterOS does for a container.
      const raw = record!.raw as {
        interfaces: { name: string; type?: string; 'mac-address'?: string }[];
        addresses: { address: string; interface?: string }[];
      };
      const veth = raw.interfaces.find((item) => item.type === 'veth')!;
      expect(veth).toBeDefined();
      expect(raw.addresses).toContainEqual(
        expect.objectContaining({ address: '172.17.0.1/24', interface: veth.name }),
      );
      expect(record!.macs).not.toContain(veth['mac-address']!.toLowerCase());
      expect(record!.ips).not.toContain('172.17.0.1');
      expectMatchesFleet(record!, device);
    }
  });

  it('gives the same record over plain api and REST', async () => {
    const device = devices()[0]!;
    const { profile, password } = labProfile(device);
    const strip = ({ raw: _raw, lastSeenAt: _seen, ...rest }: SourceRecord) => rest;
    const native = await routerosConnector.sync(profile, { password }, recordingContext());
    const plain = await routerosConnector.sync(
      over(device, 'api'),
      { password },
      recordingContext(),
    );
    const rest = await routerosConnector.sync(
      over(device, 'rest'),
      { password },
      recordingContext(),
    );
    expect(strip(plain[0]!)).toEqual(strip(native[0]!));
    expect(strip(rest[0]!)).toEqual(strip(native[0]!));
  });

  it('polls an unchanged router twice to the same record: a quiet re-sync changes nothing', async () => {
    const device = devices()[0]!;
    const { profile, password } = labProfile(device);
    const first = await routerosConnector.sync(profile, { password }, recordingContext());
    // Long enough for the router's uptime and counters to move, and for any clock time taken
    // during the poll to differ.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await routerosConnector.sync(profile, { password }, recordingContext());
    expect(second[0]?.raw).not.toEqual(first[0]?.raw);
    expect(recordHash(second[0]!)).toBe(recordHash(first[0]!));
  });

  it('tests a router: version, identity, board and transport', async () => {
    const device = devices().find((d) => d.routerboard)!;
    const { profile, password } = labProfile(device);
    const summary = await routerosConnector.test(
      profile,
      { password },
      AbortSignal.timeout(10_000),
    );
    expect(summary).toEqual({
      version: `RouterOS ${device.version} (${device.channel})`,
      identity: `admin on ${device.identity} (${device.model}, native api-ssl)`,
      // The lab's user may not read /user: a warning, never something it may do.
      permissions: [],
      warnings: ["the user's group and policies are not visible to it (it cannot read /user)"],
    });
    const rest = await routerosConnector.test(
      over(device, 'rest'),
      { password },
      AbortSignal.timeout(10_000),
    );
    expect(rest.identity).toContain('REST');
    const plain = await routerosConnector.test(
      over(device, 'api'),
      { password },
      AbortSignal.timeout(10_000),
    );
    expect(plain.warnings).toEqual([
      'plain api (8728) sends the password and all data unencrypted',
      "the user's group and policies are not visible to it (it cannot read /user)",
    ]);
  });

  it('refuses a wrong password on every transport', async () => {
    const device = devices()[0]!;
    const { profile } = labProfile(device);
    await expect(
      routerosConnector.sync(profile, { password: 'nope' }, recordingContext()),
    ).rejects.toMatchObject({ code: 'forbidden', message: /refused the login of admin/ });
    await expect(
      routerosConnector.sync(over(device, 'rest'), { password: 'nope' }, recordingContext()),
    ).rejects.toMatchObject({ code: 'forbidden', reason: 'unauthorized' });
  });

  it('refuses a certificate that does not match the pinned fingerprint, sending nothing', async () => {
    const device = devices()[0]!;
    const { profile, password } = labProfile(device);
    const wrong: ProfileView = {
      ...profile,
      connection: {
        ...profile.connection,
        tls: { insecure: false, caFile: null, pinnedSha256: `AA${':AA'.repeat(31)}` },
      } as ProfileView['connection'],
    };
    await expect(
      routerosConnector.sync(wrong, { password }, recordingContext()),
    ).rejects.toMatchObject({ code: 'unavailable', reason: 'tls-pin-mismatch' });
  });
});
