import { describe, expect, it } from 'vitest';
import { canonicalOsName } from './os-name';

describe('operating system names', () => {
  it('spell a distribution one way, whichever source named it', () => {
    const same: [string, string][] = [
      ['Rocky 9.5', 'Rocky Linux 9.5'],
      ['Rocky Linux 9.5', 'Rocky Linux 9.5'],
      ['RedHat 9.4', 'Red Hat Enterprise Linux 9.4'],
      ['Red Hat Enterprise Linux Server release 7.9 (Maipo)', 'Red Hat Enterprise Linux 7.9'],
      ['RHEL 8.10', 'Red Hat Enterprise Linux 8.10'],
      ['CentOS_Stream 9', 'CentOS Stream 9'],
      ['CentOS Linux 7.9', 'CentOS 7.9'],
      ['Debian GNU/Linux 12 (bookworm)', 'Debian 12'],
      ['Ubuntu 22.04.3 LTS', 'Ubuntu 22.04.3'],
      ['OracleLinux 8.9', 'Oracle Linux 8.9'],
      ['Oracle Linux Server 9.3', 'Oracle Linux 9.3'],
      ['SLES 15.5', 'SUSE Linux Enterprise Server 15.5'],
      ['Alma 9.4', 'AlmaLinux 9.4'],
      ['  debian   12 ', 'Debian 12'],
      ['Rocky', 'Rocky Linux'],
    ];
    for (const [given, shown] of same) expect(canonicalOsName(given), given).toBe(shown);
  });

  it('leave other names as they are, and only change whole words', () => {
    for (const name of [
      'Windows 2022',
      'Proxmox VE 8.2.7',
      'RouterOS 7.20.7',
      'CentOS/RHEL family',
      'Rockyou 1',
      'Olive 2',
      'Debianish 3',
    ]) {
      expect(canonicalOsName(name)).toBe(name);
    }
    expect(canonicalOsName(null)).toBeNull();
    expect(canonicalOsName('   ')).toBeNull();
  });
});
