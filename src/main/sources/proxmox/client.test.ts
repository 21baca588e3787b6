import { describe, expect, it } from 'vitest';
import { apiBaseUrl } from './client';

describe('apiBaseUrl', () => {
  it('reaches Proxmox VE on 8006 when the profile URL names no port', () => {
    expect(apiBaseUrl('https://pve.example.com')).toBe('https://pve.example.com:8006/api2/json');
    expect(apiBaseUrl('https://[fe80::1]/')).toBe('https://[fe80::1]:8006/api2/json');
  });

  it('keeps the port the profile URL names: 443 behind a reverse proxy, or any other', () => {
    // An origin without a port is https's own 443: that is where the requests go.
    expect(apiBaseUrl('https://pve.example.com:443')).toBe('https://pve.example.com/api2/json');
    expect(apiBaseUrl('HTTPS://pve.example.com:443/api2/json/')).toBe(
      'https://pve.example.com/api2/json',
    );
    expect(apiBaseUrl('https://[fe80::1]:443')).toBe('https://[fe80::1]/api2/json');
    expect(apiBaseUrl('https://pve.example.com:8443/pve/')).toBe(
      'https://pve.example.com:8443/pve/api2/json',
    );
    expect(apiBaseUrl('https://pve.example.com:8006/api2/json')).toBe(
      'https://pve.example.com:8006/api2/json',
    );
  });
});
