import { describe, expect, it } from 'vitest';
import {
  Connection,
  ProfileSaveInput,
  ProfileView,
  Sha256Fingerprint,
  TlsOptions,
  endpointOf,
  secretFieldsFor,
  hostPortText,
} from '../../shared/profiles';
import { Manifest } from '../../shared/manifest';

const hex = 'ab'.repeat(32);

describe('profile schemas', () => {
  it('normalizes certificate fingerprints to the colon form', () => {
    const expected = Array(32).fill('AB').join(':');
    expect(Sha256Fingerprint.parse(hex)).toBe(expected);
    expect(Sha256Fingerprint.parse(`sha256:${expected.toLowerCase()}`)).toBe(expected);
    expect(Sha256Fingerprint.safeParse('abcd').success).toBe(false);
  });

  it('stores a folder path one way and a tag given twice once', () => {
    const saved = ProfileSaveInput.parse({
      name: 'web',
      folder: ' QA//Sub / ',
      tags: ['qa', 'test', 'QA', 'qa'],
      connection: { kind: 'ssh', host: 'web1.lab', username: 'root', auth: { mode: 'agent' } },
    });
    expect(saved.folder).toBe('QA/Sub');
    expect(saved.tags).toEqual(['qa', 'test']);
    expect(ProfileSaveInput.parse({ ...saved, folder: '///' }).folder).toBe('');
  });

  it('keeps an internationalised host name in the ASCII form ssh connects to', () => {
    const ssh = (host: string) =>
      ProfileSaveInput.safeParse({
        name: 'idn',
        connection: { kind: 'ssh', host, username: 'root', auth: { mode: 'agent' } },
      });
    const saved = ssh(' bücher.example ');
    expect(saved.success && saved.data.connection).toMatchObject({ host: 'xn--bcher-kva.example' });
    expect(ssh('xn--bcher-kva.example').data?.connection).toMatchObject({
      host: 'xn--bcher-kva.example',
    });
    // Letters outside host names, and spaces, are still refused with the host message.
    for (const bad of ['bü cher.example', '-oProxyCommand=x', 'a/b', '']) {
      const result = ssh(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message, bad).toMatch(/^Host (must|is required)/);
    }
  });

  it('verifies TLS by default and refuses insecure combined with a pin', () => {
    expect(TlsOptions.parse({})).toEqual({ insecure: false, caFile: null, pinnedSha256: null });
    expect(TlsOptions.safeParse({ insecure: true, pinnedSha256: hex }).success).toBe(false);
  });

  it('fills defaults and knows which secrets each auth mode uses', () => {
    const ssh = Connection.parse({
      kind: 'ssh',
      host: 'web1.lab',
      username: 'root',
      auth: { mode: 'key' },
    });
    expect(ssh).toMatchObject({ port: 22, hostKeyPolicy: 'ask', jumpHostId: null });
    expect(secretFieldsFor(ssh)).toEqual(['privateKey', 'keyPassphrase']);
    const pve = Connection.parse({
      kind: 'proxmox',
      url: 'https://pve.lab',
      auth: { mode: 'token', tokenId: 'root@pam!rackside' },
    });
    expect(endpointOf(pve)).toEqual({ host: 'pve.lab', port: 8006, tls: true });
    expect(secretFieldsFor(pve)).toEqual(['tokenSecret']);
  });

  it('rejects hostile and malformed values', () => {
    const bad = [
      { kind: 'ssh', host: '-oProxyCommand=x', username: 'u', auth: { mode: 'agent' } },
      { kind: 'foreman', url: 'file:///etc/passwd', auth: { mode: 'bearer' } },
      { kind: 'foreman', url: 'https://f', auth: { mode: 'bearer' }, extra: 1 },
      { kind: 'routeros', host: 'r1', username: 'admin', port: 70000 },
      { kind: 'proxmox', url: 'https://p', auth: { mode: 'token', tokenId: 'no-realm' } },
      { kind: 'telnet', host: 'x' },
    ];
    for (const value of bad) expect(Connection.safeParse(value).success).toBe(false);
    const longName = {
      name: 'x'.repeat(101),
      connection: { kind: 'ssh', host: 'h', username: 'u', auth: { mode: 'agent' } },
    };
    expect(ProfileSaveInput.safeParse(longName).success).toBe(false);
  });

  it('has no room for secret values in the renderer view', () => {
    const view = {
      id: '3b241101-e2bb-4255-8caa-4f9d4c1e5f6a',
      name: 'fm',
      folder: '',
      tags: [],
      notes: '',
      connection: { kind: 'foreman', url: 'https://fm', auth: { mode: 'bearer' } },
      hasSecret: { token: true },
      keptSecrets: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(ProfileView.safeParse(view).success).toBe(true);
    expect(ProfileView.safeParse({ ...view, secrets: { token: 'x' } }).success).toBe(false);
    expect(ProfileView.safeParse({ ...view, hasSecret: { token: 'x' } }).success).toBe(false);
    expect(ProfileView.safeParse({ ...view, keptSecrets: ['x'] }).success).toBe(false);
  });
});

describe('source URLs', () => {
  const save = (url: string) =>
    ProfileSaveInput.safeParse({
      name: 'fm',
      connection: { kind: 'foreman', url, auth: { mode: 'bearer' } },
    });
  const messageFor = (url: string) => save(url).error?.issues.map((i) => i.message);
  const credentials = "Put credentials in the profile's login fields, not in the URL";

  it('refuses a user name or password in the URL of every source kind, in saves and files', () => {
    for (const url of [
      'https://user:pw@127.0.0.1:44419/',
      'https://user@fm.lab',
      'https://:pw@fm.lab',
      'https://@fm.lab',
      'http://user:pw@[::1]:8080/api',
      'https://user:pw@fm.lab:99999',
    ])
      expect(messageFor(url), url).toEqual([credentials]);
    const kinds = [
      { kind: 'foreman', auth: { mode: 'bearer' } },
      { kind: 'proxmox', auth: { mode: 'token', tokenId: 'root@pam!rs' } },
      { kind: 'patchmon', apiKey: 'key' },
    ];
    for (const connection of kinds) {
      const withUrl = { ...connection, url: 'https://user:pw@127.0.0.1:44419/' };
      const result = ProfileSaveInput.safeParse({ name: 'p', connection: withUrl });
      expect(result.error?.issues[0]).toMatchObject({ path: ['connection', 'url'] });
      const manifest = { rackside: 'profile-manifest', version: 1, profiles: [] as unknown[] };
      manifest.profiles.push({ name: 'p', connection: withUrl });
      expect(Manifest.safeParse(manifest).error?.issues[0]?.message).toBe(credentials);
    }
  });

  it('says what is wrong with a URL instead of one message for everything', () => {
    expect(messageFor('')).toEqual(['URL is required']);
    expect(messageFor('ftp://fm.lab')).toEqual(['URL must start with https:// or http://']);
    expect(messageFor('fm.lab')).toEqual(['URL must start with https:// or http://']);
    expect(messageFor('https://127.0.0.1:99999')).toEqual([
      'Port 99999 is out of range: use 1 to 65535',
    ]);
    expect(messageFor('https://fm.lab:0')).toEqual(['Port 0 is out of range: use 1 to 65535']);
    expect(messageFor('https://fm.lab:abc')).toEqual(['The port in the URL must be a number']);
    for (const url of ['https://', 'http://', 'https://:8443', 'https:///', 'https://[]:443'])
      expect(messageFor(url), url).toEqual([
        'URL has no host name: write it as https://host or https://host:port',
      ]);
    expect(messageFor('https://fm lab')).toEqual(['URL is not valid: check the host name']);
  });

  it('keeps accepting the URLs it accepted before', () => {
    for (const url of [
      'https://fm.lab',
      'https://127.0.0.1:44419/',
      'http://10.0.0.5:8080/api/v2?x=1#top',
      'https://[::1]:8006',
      'HTTPS://PVE.LAB:8006/',
      '  https://fm.lab/  ',
      'https://fm.lab:65535/path@with-at',
      'https://xn--bcher-kva.example',
    ])
      expect(save(url).success, url).toBe(true);
  });

  it('still reads a stored URL with credentials, without the credentials', () => {
    const stored = Connection.parse({
      kind: 'patchmon',
      url: 'https://user:pw@127.0.0.1:44419/api',
      apiKey: 'key',
    });
    expect(stored).toMatchObject({ url: 'https://127.0.0.1:44419/api' });
    expect(JSON.stringify(stored)).not.toContain('pw');
    expect(
      Connection.parse({ kind: 'foreman', url: 'https://fm.lab', auth: { mode: 'bearer' } }),
    ).toMatchObject({ url: 'https://fm.lab' });
    expect(
      Connection.safeParse({ kind: 'foreman', url: 'https://fm', auth: { mode: 'bearer' }, x: 1 })
        .success,
    ).toBe(false);
  });
});

describe('manifest schema', () => {
  it('accepts a manifest with inline secrets and named jump hosts, refusing duplicate names', () => {
    const manifest = {
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'bastion',
          connection: {
            kind: 'ssh',
            host: '127.0.0.1',
            port: 2222,
            username: 'ops',
            auth: { mode: 'password' },
          },
          secrets: { password: 'pw' },
        },
        {
          name: 'web1',
          connection: {
            kind: 'ssh',
            host: 'web1',
            username: 'ops',
            auth: { mode: 'agent' },
            jumpHost: 'bastion',
          },
        },
      ],
    };
    expect(Manifest.parse(manifest).profiles[1]?.connection).toMatchObject({ jumpHost: 'bastion' });
    const dup = { ...manifest, profiles: [manifest.profiles[0], manifest.profiles[0]] };
    const result = Manifest.safeParse(dup);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['profiles', 1, 'name']);
    expect(Manifest.safeParse({ ...manifest, version: 2 }).success).toBe(false);
  });
});

describe('an address as it is shown', () => {
  it('puts an IPv6 host in brackets so that its port stays apart', () => {
    expect(hostPortText('::1', 22)).toBe('[::1]:22');
    expect(hostPortText('fd00:1::50', 2222)).toBe('[fd00:1::50]:2222');
    expect(hostPortText('bastion.example.net', 22)).toBe('bastion.example.net:22');
    expect(hostPortText('10.0.0.1', 8006)).toBe('10.0.0.1:8006');
  });
});
