import { describe, expect, it } from 'vitest';
import type { AssetRow, LinkView } from '../../../../shared/inventory';
import type { ProfileView } from '../../../../shared/profiles';
import { flattenRaw, lxcConsoleOf, sshTargetOf, webUiUrl } from './web-links';

const profile = (connection: object, id = 'p1', name = 'lab'): ProfileView =>
  ({ id, name, connection }) as unknown as ProfileView;
const link = (over: Partial<LinkView>): LinkView =>
  ({ profileId: 'p1', externalId: '12', name: 'web01.example.net', raw: {}, ...over }) as LinkView;

describe('webUiUrl', () => {
  it('links Foreman hosts, PatchMon hosts and Proxmox guests over https only', () => {
    const host = link({ raw: { host: { name: 'web01.example.net' } } });
    expect(webUiUrl(host, profile({ kind: 'foreman', url: 'https://foreman.example/' }))).toBe(
      'https://foreman.example/hosts/web01.example.net',
    );
    expect(
      webUiUrl(
        link({ externalId: 'abc' }),
        profile({ kind: 'patchmon', url: 'https://pm.example' }),
      ),
    ).toBe('https://pm.example/hosts/abc');
    expect(
      webUiUrl(
        link({ externalId: 'pve-ber/qemu/101' }),
        profile({ kind: 'proxmox', url: 'https://pve.example:8006' }),
      ),
    ).toBe('https://pve.example:8006/#v1:0:=qemu%2F101:4:::::::');
    expect(
      webUiUrl(link({}), profile({ kind: 'foreman', url: 'http://foreman.example' })),
    ).toBeUndefined();
    expect(webUiUrl(link({}), undefined)).toBeUndefined();
  });

  it('links to the Proxmox web UI on the port its URL names, 443 behind a proxy too', () => {
    const guest = link({ externalId: 'pve-ber/qemu/101' });
    expect(webUiUrl(guest, profile({ kind: 'proxmox', url: 'https://pve.example:443' }))).toBe(
      'https://pve.example/#v1:0:=qemu%2F101:4:::::::',
    );
    expect(
      webUiUrl(guest, profile({ kind: 'proxmox', url: 'https://[fe80::1]:443/api2/json' })),
    ).toBe('https://[fe80::1]/#v1:0:=qemu%2F101:4:::::::');
    expect(webUiUrl(guest, profile({ kind: 'proxmox', url: 'https://[fe80::1]' }))).toBe(
      'https://[fe80::1]:8006/#v1:0:=qemu%2F101:4:::::::',
    );
    expect(webUiUrl(guest, profile({ kind: 'proxmox', url: 'https://pve.example:8443' }))).toBe(
      'https://pve.example:8443/#v1:0:=qemu%2F101:4:::::::',
    );
  });

  it("opens a Foreman host by the name Foreman knows it by, its FQDN, not the asset's short name", () => {
    const foreman = profile({ kind: 'foreman', url: 'https://foreman.example' });
    const short = link({ externalId: '13', name: 'app01', raw: { host: { name: 'app01.lab' } } });
    expect(webUiUrl(short, foreman)).toBe('https://foreman.example/hosts/app01.lab');
    // Without the host's name in the record, its id finds it too.
    expect(webUiUrl(link({ externalId: '13', name: 'app01', raw: {} }), foreman)).toBe(
      'https://foreman.example/hosts/13',
    );
  });

  it('links to the web UI when the profile URL names the API, and to Proxmox on 8006 by default', () => {
    const fm = link({ raw: { host: { name: 'web01.example.net' } } });
    for (const url of ['https://fm.example/api', 'https://fm.example/api/v2/']) {
      expect(webUiUrl(fm, profile({ kind: 'foreman', url }))).toBe(
        'https://fm.example/hosts/web01.example.net',
      );
    }
    expect(
      webUiUrl(
        link({ externalId: 'abc' }),
        profile({ kind: 'patchmon', url: 'https://pm.example/patchmon/api/v1' }),
      ),
    ).toBe('https://pm.example/patchmon/hosts/abc');
    const guest = link({ externalId: 'pve-ber/lxc/104' });
    expect(webUiUrl(guest, profile({ kind: 'proxmox', url: 'https://pve.example' }))).toBe(
      'https://pve.example:8006/#v1:0:=lxc%2F104:4:::::::',
    );
    expect(
      webUiUrl(guest, profile({ kind: 'proxmox', url: 'https://pve.example:8006/api2/json' })),
    ).toBe('https://pve.example:8006/#v1:0:=lxc%2F104:4:::::::');
  });
});

describe('sshTargetOf', () => {
  const asset = { name: 'web01', fqdn: 'web01.example.net', ips: ['10.0.0.5'] } as AssetRow;
  it('prefers an SSH profile for the asset, else a quick connection to its FQDN', () => {
    const ssh = profile({ kind: 'ssh', host: '10.0.0.5', port: 22, username: 'ops' }, 's1', 'web');
    expect(sshTargetOf(asset, [ssh])).toEqual({ kind: 'profile', profileId: 's1', label: 'web' });
    expect(sshTargetOf(asset, [])).toEqual({
      kind: 'quick',
      user: 'root',
      host: 'web01.example.net',
    });
    expect(sshTargetOf({ ...asset, fqdn: null, ips: [] }, [])).toBeUndefined();
  });

  it('falls back to an SSH profile named after the asset, as a whole name', () => {
    const tunnel = profile(
      { kind: 'ssh', host: '127.0.0.1', port: 2201, username: 'ops' },
      't',
      'Lab SSH web01',
    );
    expect(sshTargetOf(asset, [tunnel])).toEqual({
      kind: 'profile',
      profileId: 't',
      label: 'Lab SSH web01',
    });
    expect(sshTargetOf({ ...asset, name: 'web0' }, [tunnel])).toMatchObject({ kind: 'quick' });
    // The host wins over the name.
    const direct = profile(
      { kind: 'ssh', host: 'web01.example.net', port: 22, username: 'ops' },
      'd',
      'other',
    );
    expect(sshTargetOf(asset, [tunnel, direct])).toMatchObject({ profileId: 'd' });
  });
});

describe('lxcConsoleOf', () => {
  const container = link({
    system: 'proxmox',
    externalId: 'pve-ber/lxc/104',
    raw: { resource: { node: 'Ber-PVE01', vmid: 104, type: 'lxc' } },
  });
  const ssh = (host: string, id: string, name: string): ProfileView =>
    profile({ kind: 'ssh', host, port: 22, username: 'root' }, id, name);

  it("opens a container's console through the SSH profile of its node", () => {
    expect(
      lxcConsoleOf(
        [container],
        [ssh('10.0.0.9', 'a', 'web'), ssh('ber-pve01.example.net', 'n', 'x')],
      ),
    ).toEqual({
      kind: 'lxc',
      nodeProfileId: 'n',
      profileName: 'x',
      node: 'ber-pve01',
      vmid: 104,
      hostname: null,
    });
    // No profile on the node's name: one named after the node, not one with a longer name.
    expect(
      lxcConsoleOf(
        [container],
        [ssh('127.0.0.1', 'b', 'Lab SSH ber-pve011'), ssh('127.0.0.1', 'c', 'Lab SSH ber-pve01')],
      ),
    ).toEqual({
      kind: 'lxc',
      nodeProfileId: 'c',
      profileName: 'Lab SSH ber-pve01',
      node: 'ber-pve01',
      vmid: 104,
      hostname: null,
    });
  });

  it("takes the node of the container's own cluster where node names repeat, and names the container", () => {
    const inB = link({
      system: 'proxmox',
      externalId: 'cluster-b/lxc/101',
      raw: { resource: { node: 'pve1', vmid: 101, type: 'lxc', name: 'billing-db' } },
    });
    const profiles = [
      ssh('10.1.0.1', 'a', 'pve1 cluster-a'),
      ssh('10.2.0.1', 'b', 'pve1 cluster-b'),
    ];
    expect(lxcConsoleOf([inB], profiles)).toMatchObject({
      kind: 'lxc',
      nodeProfileId: 'b',
      hostname: 'billing-db',
    });
    const byHost = [
      ssh('pve1.cluster-a.example', 'a', 'x'),
      ssh('pve1.cluster-b.example', 'b', 'y'),
    ];
    expect(lxcConsoleOf([inB], byHost)).toMatchObject({ nodeProfileId: 'b' });
    // Only the other cluster's node has a profile: offered, and the node checks the name first.
    expect(lxcConsoleOf([inB], [profiles[0]!])).toMatchObject({
      nodeProfileId: 'a',
      hostname: 'billing-db',
    });
    // A name that is no host name is not put in a command line.
    const odd = { ...inB, raw: { resource: { node: 'pve1', name: "db'; reboot" } } };
    expect(lxcConsoleOf([odd], profiles)).toMatchObject({ hostname: null });
  });

  it('says which node lacks a profile, and offers nothing for VMs or assets Proxmox lacks', () => {
    expect(lxcConsoleOf([container], [ssh('10.0.0.9', 'a', 'web')])).toEqual({
      kind: 'no-node-profile',
      node: 'ber-pve01',
      vmid: 104,
    });
    const vm = { ...container, externalId: 'pve-ber/qemu/104' };
    expect(lxcConsoleOf([vm], [ssh('ber-pve01', 'n', 'x')])).toBeUndefined();
    expect(
      lxcConsoleOf([link({ system: 'foreman' })], [ssh('ber-pve01', 'n', 'x')]),
    ).toBeUndefined();
    expect(
      lxcConsoleOf([{ ...container, raw: { resource: null } }], [ssh('ber-pve01', 'n', 'x')]),
    ).toBeUndefined();
  });
});

describe('flattenRaw', () => {
  it('lists every leaf with its path', () => {
    expect(flattenRaw({ host: { name: 'a', ips: ['10.0.0.1'], tags: [] }, n: 5 })).toEqual([
      { path: 'host.name', value: 'a', literal: false },
      { path: 'host.ips[0]', value: '10.0.0.1', literal: false },
      { path: 'host.tags', value: '[]', literal: true },
      { path: 'n', value: '5', literal: true },
    ]);
  });

  it('never shows a null like the text "null", nor an empty text as nothing', () => {
    const shown = flattenRaw({
      a: null,
      b: 'null',
      c: '',
      d: '""',
      e: 42,
      f: '42',
      g: true,
      h: 'true',
      i: '[]',
      j: {},
    }).map((f) => f.value);
    expect(shown).toEqual([
      'null',
      '"null"',
      '""',
      '"\\"\\""',
      '42',
      '"42"',
      'true',
      '"true"',
      '"[]"',
      '{}',
    ]);
    expect(new Set(shown).size).toBe(shown.length);
  });
});
