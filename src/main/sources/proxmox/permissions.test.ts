import { describe, expect, it } from 'vitest';
import { summarizePermissions } from './permissions';

const audit = { 'Sys.Audit': 1, 'VM.Audit': 1 };
// The value is the propagate flag: 0 is still held, only not inherited below.
const guest = { 'VM.Audit': 1, 'VM.Monitor': 0 };

describe('a Proxmox VE credential in a person’s words', () => {
  it('writes one line per set of privileges, naming a few paths and counting the rest', () => {
    const permissions = {
      '/': audit,
      '/nodes': audit,
      ...Object.fromEntries(
        Array.from({ length: 26 }, (_, i) => [`/vms/${String(100 + i)}`, guest]),
      ),
      '/storage/local': {},
    };
    const { lines, warnings } = summarizePermissions(permissions, 8);
    expect(lines).toEqual([
      '/, /nodes: Sys.Audit, VM.Audit',
      '/storage/local: (none)',
      '/vms/100, /vms/101, /vms/102, /vms/103 and 22 more paths: VM.Audit, VM.Monitor',
    ]);
    expect(warnings).toEqual([]);
  });

  it('says what a sync will miss without the privileges it needs', () => {
    const { lines, warnings } = summarizePermissions({ '/vms': { 'VM.Audit': 1 } }, 9);
    expect(lines).toEqual(['/vms: VM.Audit']);
    expect(warnings).toEqual([
      'cluster status and node details are hidden — needs Sys.Audit on /',
      'no QEMU guest IPs — the credential lacks VM.GuestAgent.Audit on /vms',
    ]);
    expect(summarizePermissions({}, 8).lines).toEqual(['no privileges at all']);
    // Not propagated from /vms, the privilege stops there; held on a guest, it counts.
    const onVmsOnly = { '/': audit, '/vms': { 'VM.Monitor': 0 } };
    expect(summarizePermissions(onVmsOnly, 8).warnings).toEqual([
      'no QEMU guest IPs — the credential lacks VM.Monitor on /vms',
    ]);
    const onAGuest = { '/': audit, '/vms/100': { 'VM.Monitor': 0 } };
    expect(summarizePermissions(onAGuest, 8).warnings).toEqual([]);
  });
});
