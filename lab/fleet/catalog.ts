/** Static catalogues the fleet generator draws from: operating systems, roles, sites, boards. */
import type { OsInfo } from './types';

const linux = (
  name: string,
  version: string,
  family: 'Debian' | 'Redhat',
  lxc: string,
  kernel: string,
): OsInfo => {
  const [major = version, minor = ''] = version.split('.');
  return {
    name,
    version,
    major,
    minor,
    family,
    pveOstypeLxc: lxc,
    pveOstypeQemu: 'l26',
    kernel,
    linux: true,
    pkg: family === 'Debian' ? 'apt' : 'dnf',
  };
};

/** Operating systems with weights for guests. */
export const osCatalog: readonly (readonly [OsInfo, number])[] = [
  [linux('Ubuntu', '22.04', 'Debian', 'ubuntu', '5.15.0-126-generic'), 25],
  [linux('Ubuntu', '24.04', 'Debian', 'ubuntu', '6.8.0-49-generic'), 20],
  [linux('Debian', '12', 'Debian', 'debian', '6.1.0-28-amd64'), 25],
  [linux('AlmaLinux', '9.4', 'Redhat', 'centos', '5.14.0-427.13.1.el9_4.x86_64'), 12],
  [linux('Rocky Linux', '9.5', 'Redhat', 'centos', '5.14.0-503.14.1.el9_5.x86_64'), 8],
  [
    {
      name: 'Windows Server',
      version: '2022',
      major: '2022',
      minor: '',
      family: 'Windows',
      pveOstypeLxc: 'unmanaged',
      pveOstypeQemu: 'win11',
      kernel: '10.0.20348',
      linux: false,
      pkg: 'none',
    },
    5,
  ],
];

export const debian12 = linux('Debian', '12', 'Debian', 'debian', '6.8.12-4-pve');

export const routerOs: OsInfo = {
  name: 'RouterOS',
  version: '7.20.7',
  major: '7',
  minor: '20',
  family: 'Debian',
  pveOstypeLxc: 'unmanaged',
  pveOstypeQemu: 'other',
  kernel: '5.6.3',
  linux: false,
  pkg: 'none',
};

export const roles = [
  'web',
  'app',
  'db',
  'cache',
  'dns',
  'mon',
  'ci',
  'k8s-worker',
  'mail',
  'proxy',
  'backup',
  'log',
  'vpn',
  'git',
  'files',
  'kafka',
  'es',
  'ldap',
] as const;

export const locationNames = ['Berlin', 'Frankfurt', 'Amsterdam', 'Vienna'] as const;
export const organizationNames = ['Default Organization', 'Platform', 'Retail'] as const;

/** Domains; the first three exist in every fleet so duplicate short names can span them. */
export const domainNames = [
  ['lab.example.com', 'Lab domain'],
  ['dmz.example.com', 'DMZ'],
  ['corp.example.net', null],
  ['ber.example.com', 'Berlin site'],
] as const;

export const pools = ['infra', 'prod', 'staging', 'dev', 'k8s'] as const;
export const tagWords = ['prod', 'staging', 'dev', 'web', 'db', 'infra', 'k8s', 'backup', 'legacy'];

export const serverModels = [
  ['Super Server', '3c:ec:ef', 'Supermicro'],
  ['PowerEdge R650', 'b0:7b:25', 'Dell Inc.'],
  ['ProLiant DL360 Gen10', '94:40:c9', 'HPE'],
] as const;

export const cpuModels = [
  'AMD EPYC 7313P 16-Core Processor',
  'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz',
  'AMD Ryzen 9 5950X 16-Core Processor',
];

export interface RouterBoard {
  boardName: string;
  model: string;
  architecture: 'arm' | 'arm64' | 'mmips' | 'x86_64';
  cpu: string;
  cpuCount: number;
  totalMemory: number;
  firmwareType: string | null;
  ports: number;
  sfp: number;
  wlan: boolean;
  routerboard: boolean;
}

export const routerBoards: readonly RouterBoard[] = [
  {
    boardName: 'hAP ac^2',
    model: 'RBD52G-5HacD2HnD',
    architecture: 'arm',
    cpu: 'ARM',
    cpuCount: 4,
    totalMemory: 268435456,
    firmwareType: 'ipq4000L',
    ports: 5,
    sfp: 0,
    wlan: true,
    routerboard: true,
  },
  {
    boardName: 'RB5009UG+S+',
    model: 'RB5009UG+S+IN',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    totalMemory: 1073741824,
    firmwareType: '88f3700',
    ports: 8,
    sfp: 1,
    wlan: false,
    routerboard: true,
  },
  {
    boardName: 'CCR2004-16G-2S+',
    model: 'CCR2004-16G-2S+',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    totalMemory: 4294967296,
    firmwareType: 'al2',
    ports: 16,
    sfp: 2,
    wlan: false,
    routerboard: true,
  },
  {
    boardName: 'CHR',
    model: 'CHR',
    architecture: 'x86_64',
    cpu: 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz',
    cpuCount: 2,
    totalMemory: 1073741824,
    firmwareType: null,
    ports: 2,
    sfp: 0,
    wlan: false,
    routerboard: false,
  },
];

export const routerVersions = [
  ['7.20.7', 'long-term'],
  ['7.21.1', 'stable'],
  ['7.19.6', 'stable'],
  ['7.16.2', 'stable'],
] as const;

export const latestOnChannel: Record<string, string> = {
  'long-term': '7.20.7',
  stable: '7.21.1',
  testing: '7.22beta3',
};

export const patchmonAgentVersions = ['1.3.4', '1.3.5', '2.0.2', '2.1.3'] as const;
