import { describe, expect, it } from 'vitest';
import {
  Connection,
  endpointOf,
  explicitUrlPort,
  sourceUrlPort,
  withoutCredentials,
} from '../../shared/profiles';

describe('explicitUrlPort', () => {
  it('reads the port a URL names, its scheme’s own port included', () => {
    expect(explicitUrlPort('https://pve.example.com:443')).toBe(443);
    expect(explicitUrlPort('https://pve.example.com:443/api2/json')).toBe(443);
    expect(explicitUrlPort('HTTPS://PVE.example.com:443/')).toBe(443);
    expect(explicitUrlPort('http://proxy.example.com:80')).toBe(80);
    expect(explicitUrlPort('https://pve.example.com:8443')).toBe(8443);
    expect(explicitUrlPort('https://[fe80::1]:443')).toBe(443);
    expect(explicitUrlPort('https://[fe80::1]:8006/api2/json')).toBe(8006);
    expect(explicitUrlPort('  https://pve.example.com:443  ')).toBe(443);
  });

  it('finds no port in a URL that names none, whatever colons its address or path hold', () => {
    expect(explicitUrlPort('https://pve.example.com')).toBeUndefined();
    expect(explicitUrlPort('https://pve.example.com/')).toBeUndefined();
    expect(explicitUrlPort('HTTPS://PVE.EXAMPLE.COM')).toBeUndefined();
    expect(explicitUrlPort('https://[fe80::1]')).toBeUndefined();
    expect(explicitUrlPort('https://[fe80::1]/api2/json')).toBeUndefined();
    expect(explicitUrlPort('https://pve.example.com/a:443')).toBeUndefined();
    expect(explicitUrlPort('https://pve.example.com?at=:443')).toBeUndefined();
    expect(explicitUrlPort('https://pve.example.com#:443')).toBeUndefined();
    expect(explicitUrlPort('https://pve.example.com:')).toBeUndefined();
  });
});

describe('sourceUrlPort', () => {
  it('sends Proxmox VE to 8006 without a port and to the named port, 443 too, with one', () => {
    expect(sourceUrlPort('proxmox', 'https://pve.example.com')).toBe(8006);
    expect(sourceUrlPort('proxmox', 'https://[fe80::1]')).toBe(8006);
    expect(sourceUrlPort('proxmox', 'https://pve.example.com:443')).toBe(443);
    expect(sourceUrlPort('proxmox', 'HTTPS://[fe80::1]:443/api2/json')).toBe(443);
    expect(sourceUrlPort('proxmox', 'https://pve.example.com:8443')).toBe(8443);
    // Proxmox itself only redirects plain http to https: a plain-http URL is a proxy on 80.
    expect(sourceUrlPort('proxmox', 'http://pve-proxy.example.com')).toBe(80);
  });

  it("gives Foreman and PatchMon their scheme's port when the URL names none", () => {
    expect(sourceUrlPort('foreman', 'https://foreman.example.com')).toBe(443);
    expect(sourceUrlPort('patchmon', 'http://patchmon.example.com')).toBe(80);
    expect(sourceUrlPort('patchmon', 'https://patchmon.example.com:3000')).toBe(3000);
  });
});

describe('endpointOf a Proxmox VE profile', () => {
  const pve = (url: string) =>
    Connection.parse({ kind: 'proxmox', url, auth: { mode: 'token', tokenId: 'root@pam!rs' } });

  it('probes the port the URL names, 443 behind a proxy, and 8006 when it names none', () => {
    expect(endpointOf(pve('https://pve.example.com:443'))).toEqual({
      host: 'pve.example.com',
      port: 443,
      tls: true,
    });
    expect(endpointOf(pve('https://[fe80::1]:443'))).toEqual({
      host: 'fe80::1',
      port: 443,
      tls: true,
    });
    expect(endpointOf(pve('https://[fe80::1]')).port).toBe(8006);
    expect(endpointOf(pve('https://pve.example.com:8443/api2/json')).port).toBe(8443);
    expect(endpointOf(pve('https://pve.example.com')).port).toBe(8006);
  });
});

describe('withoutCredentials', () => {
  it('keeps an explicit port the URL parser would drop when it takes credentials out', () => {
    expect(withoutCredentials('https://root:pw@pve.example.com:443/')).toBe(
      'https://pve.example.com:443/',
    );
    expect(withoutCredentials('https://root:pw@[fe80::1]:443')).toBe('https://[fe80::1]:443/');
    expect(withoutCredentials('https://root:pw@pve.example.com:8006')).toBe(
      'https://pve.example.com:8006/',
    );
    expect(withoutCredentials('https://root:pw@pve.example.com')).toBe('https://pve.example.com/');
  });
});
