/**
 * Test fixtures for the Proxmox simulator: a small hand-written cluster covering every case the
 * reference describes (offline node, unknown guest, template, agent states, failing start) and
 * a client that trusts the lab certificate through an undici Agent.
 */
import { type Dispatcher, fetch } from 'undici';
import { type LabTls, createLabTls, trustingDispatcher } from '../common';
import type { SimCluster } from './model';
import { type ProxmoxOptions, type ProxmoxServer, startProxmox } from './server';

export const FIXTURE_NOW = Date.UTC(2026, 10, 22, 16, 0, 0);

export function fixtureCluster(): SimCluster {
  const nic = (
    index: number,
    mac: string,
    ipConfig: string,
    extra: object = {},
  ): SimCluster['guests'][number]['nics'][number] => ({
    index,
    mac,
    bridge: 'vmbr0',
    ipConfig,
    firewall: true,
    ...extra,
  });
  return {
    name: 'lab',
    seed: 7,
    nodes: [
      {
        name: 'pve1',
        ip: '192.168.50.11',
        online: true,
        level: 'c',
        cpuModel: 'AMD Ryzen 9 5950X 16-Core Processor',
        sockets: 1,
        cores: 16,
        threads: 32,
        memoryBytes: 134959439872,
        rootfsBytes: 100861726720,
        kernel: '6.8.12-4-pve',
      },
      {
        name: 'pve2',
        ip: '192.168.50.12',
        online: true,
        level: '',
        cpuModel: 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz',
        sockets: 1,
        cores: 16,
        threads: 16,
        memoryBytes: 68719476736,
        rootfsBytes: 100861726720,
        kernel: '6.8.12-4-pve',
      },
      {
        name: 'pve3',
        ip: '192.168.50.13',
        online: false,
        level: '',
        cpuModel: 'AMD EPYC 7313P 16-Core Processor',
        sockets: 1,
        cores: 16,
        threads: 32,
        memoryBytes: 134959439872,
        rootfsBytes: 100861726720,
        kernel: '6.8.12-4-pve',
      },
    ],
    guests: [
      {
        vmid: 100,
        type: 'qemu',
        node: 'pve1',
        name: 'win-ad01',
        status: 'running',
        tags: ['prod', 'windows'],
        pool: 'infra',
        cores: 4,
        memoryMiB: 8192,
        diskGiB: 100,
        ostype: 'win11',
        agent: 'running',
        smbiosUuid: '5b0f0c7e-2f7e-4a59-9d1e-3c9a8c1b2d40',
        nics: [nic(0, 'BC:24:11:A1:B2:C3', 'dhcp', { address: '192.168.50.40', prefix: 24 })],
      },
      {
        vmid: 101,
        type: 'lxc',
        node: 'pve1',
        name: 'dns01',
        status: 'running',
        tags: ['infra'],
        cores: 2,
        memoryMiB: 1024,
        diskGiB: 8,
        ostype: 'debian',
        onboot: true,
        unprivileged: true,
        nameserver: '192.168.50.1',
        searchdomain: 'lab.example.com',
        description: 'DNS resolver\n',
        nics: [
          nic(0, 'BC:24:11:5E:7A:01', '192.168.50.53/24', {
            address: '192.168.50.53',
            prefix: 24,
            gateway: '192.168.50.1',
          }),
          nic(1, 'BC:24:11:0C:33:9D', 'dhcp', {
            address: '10.20.0.5',
            prefix: 24,
            vlan: 20,
            bridge: 'vmbr1',
            firewall: false,
          }),
        ],
      },
      {
        vmid: 102,
        type: 'qemu',
        node: 'pve1',
        name: 'web01',
        status: 'running',
        tags: [],
        cores: 2,
        memoryMiB: 2048,
        diskGiB: 32,
        ostype: 'l26',
        agent: 'not-running',
        nics: [
          nic(0, 'BC:24:11:00:00:02', '192.168.50.60/24', { address: '192.168.50.60', prefix: 24 }),
        ],
      },
      {
        vmid: 103,
        type: 'qemu',
        node: 'pve2',
        name: 'db01',
        status: 'running',
        tags: ['prod'],
        cores: 8,
        memoryMiB: 16384,
        diskGiB: 200,
        ostype: 'l26',
        agent: 'none',
        nics: [
          nic(0, 'BC:24:11:00:00:03', '192.168.50.61/24', { address: '192.168.50.61', prefix: 24 }),
        ],
      },
      {
        vmid: 104,
        type: 'qemu',
        node: 'pve2',
        name: 'app01',
        status: 'stopped',
        tags: [],
        cores: 2,
        memoryMiB: 4096,
        diskGiB: 32,
        ostype: 'l26',
        agent: 'running',
        nics: [],
      },
      {
        vmid: 105,
        type: 'lxc',
        node: 'pve2',
        name: 'build-ct',
        status: 'stopped',
        tags: [],
        cores: 4,
        memoryMiB: 4096,
        diskGiB: 32,
        ostype: 'ubuntu',
        nics: [nic(0, 'BC:24:11:00:00:05', 'dhcp')],
      },
      {
        vmid: 106,
        type: 'lxc',
        node: 'pve2',
        name: 'broken-ct',
        status: 'stopped',
        tags: [],
        cores: 1,
        memoryMiB: 512,
        diskGiB: 8,
        ostype: 'alpine',
        failStart: "startup for container '106' failed",
        nics: [],
      },
      {
        vmid: 107,
        type: 'lxc',
        node: 'pve2',
        name: 'rrd-lag',
        status: 'running',
        unknown: true,
        tags: ['dev'],
        pool: 'infra',
        cores: 1,
        memoryMiB: 512,
        diskGiB: 8,
        ostype: 'debian',
        nics: [],
      },
      {
        vmid: 120,
        type: 'qemu',
        node: 'pve3',
        name: 'old',
        status: 'stopped',
        tags: [],
        cores: 2,
        memoryMiB: 2048,
        diskGiB: 32,
        ostype: 'l26',
        agent: 'none',
        nics: [],
      },
      {
        vmid: 9000,
        type: 'qemu',
        node: 'pve2',
        name: 'debian12-tpl',
        status: 'stopped',
        template: true,
        tags: [],
        cores: 2,
        memoryMiB: 2048,
        diskGiB: 4,
        ostype: 'l26',
        agent: 'none',
        nics: [],
      },
    ],
    storages: [
      {
        id: 'local-lvm',
        type: 'lvmthin',
        content: 'images,rootdir',
        shared: false,
        totalBytes: 1796997120000,
      },
      { id: 'nfs-backup', type: 'nfs', content: 'backup', shared: true, totalBytes: 8796093022208 },
    ],
    pools: [{ id: 'infra' }],
  };
}

let tlsOnce: Promise<LabTls> | undefined;
export function labTls(): Promise<LabTls> {
  tlsOnce ??= createLabTls();
  return tlsOnce;
}

export interface TestLab {
  server: ProxmoxServer;
  client: PveTestClient;
  clock: { now: number };
}

/** Starts the fixture cluster with a controllable clock and a short 401 delay. */
export async function startFixture(options: Partial<ProxmoxOptions> = {}): Promise<TestLab> {
  const tls = await labTls();
  const clock = { now: FIXTURE_NOW };
  const server = await startProxmox({
    cluster: fixtureCluster(),
    tls: tls.selfSigned,
    authFailureDelayMs: 0,
    taskDurationMs: 2000,
    now: () => clock.now,
    rootPassword: 'lab-root-pw',
    ...options,
  });
  const client = new PveTestClient(server.url, trustingDispatcher(tls.selfSigned));
  return { server, client, clock };
}

export interface Reply {
  status: number;
  statusText: string;
  contentType: string | null;
  text: string;
  /** Parsed JSON body (undefined when the body is not JSON). */
  json: unknown;
}

export type Credentials =
  { token: string } | { ticket: string; csrf?: string } | { header: string } | undefined;

export class PveTestClient {
  constructor(
    readonly baseUrl: string,
    readonly dispatcher: Dispatcher,
  ) {}

  async request(
    method: string,
    path: string,
    auth?: Credentials,
    form?: Record<string, string>,
    extraHeaders: Record<string, string> = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (auth && 'token' in auth) headers.authorization = auth.token;
    if (auth && 'header' in auth) headers.authorization = auth.header;
    if (auth && 'ticket' in auth) {
      headers.cookie = `PVEAuthCookie=${encodeURIComponent(auth.ticket)}`;
      if (auth.csrf !== undefined) headers.csrfpreventiontoken = auth.csrf;
    }
    const init: Parameters<typeof fetch>[1] = { method, headers, dispatcher: this.dispatcher };
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(form).toString();
    }
    const url = path.startsWith('/api2/') || path === '/' ? path : `/api2/json${path}`;
    const res = await fetch(`${this.baseUrl}${url}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      statusText: res.statusText,
      contentType: res.headers.get('content-type'),
      text,
      json,
    };
  }

  get(path: string, auth?: Credentials): Promise<Reply> {
    return this.request('GET', path, auth);
  }

  post(path: string, auth: Credentials, form: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', path, auth, form);
  }

  put(path: string, auth: Credentials, form: Record<string, string> = {}): Promise<Reply> {
    return this.request('PUT', path, auth, form);
  }

  /** Logs in with a password and returns ticket credentials. */
  async login(username: string, password: string): Promise<{ ticket: string; csrf: string }> {
    const r = await this.post('/access/ticket', undefined, { username, password });
    const data = (r.json as { data: { ticket: string; CSRFPreventionToken: string } }).data;
    return { ticket: data.ticket, csrf: data.CSRFPreventionToken };
  }
}

/** `data` of a successful reply, typed as the test expects it. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the expected shape
export function data<T = unknown>(r: Reply): T {
  return (r.json as { data: T }).data;
}

export function tokenAuth(t: { authorization: string }): { token: string } {
  return { token: t.authorization };
}
