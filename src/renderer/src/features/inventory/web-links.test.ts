import { describe, expect, it } from 'vitest';
import type { AssetRow, LinkView } from '../../../../shared/inventory';
import type { ProfileView } from '../../../../shared/profiles';
import { flattenRaw, sshTargetOf, webUiUrl } from './web-links';

const profile = (connection: object, id = 'p1', name = 'lab'): ProfileView =>
  ({ id, name, connection }) as unknown as ProfileView;
const link = (over: Partial<LinkView>): LinkView =>
  ({ profileId: 'p1', externalId: '12', name: 'web01.example.net', raw: {}, ...over }) as LinkView;

describe('webUiUrl', () => {
  it('links Foreman hosts, PatchMon hosts and Proxmox guests over https only', () => {
    expect(webUiUrl(link({}), profile({ kind: 'foreman', url: 'https://foreman.example/' }))).toBe(
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
});

describe('flattenRaw', () => {
  it('lists every leaf with its path', () => {
    expect(flattenRaw({ host: { name: 'a', ips: ['1', '2'], tags: [] }, n: null })).toEqual([
      { path: 'host.name', value: 'a' },
      { path: 'host.ips[0]', value: '1' },
      { path: 'host.ips[1]', value: '2' },
      { path: 'host.tags', value: '[]' },
      { path: 'n', value: 'null' },
    ]);
  });
});
