/**
 * Ordinary third-party clients against the lab, with the manifest's credentials: curl for the
 * HTTP APIs (trusting the lab CA through `--cacert`, as an admin would) and node-routeros for the
 * RouterOS native API. Answers are checked against the fleet, not just for status codes.
 *
 * node-routeros 1.6.9 throws an uncatchable `UNKNOWNREPLY` on `!empty` (RouterOS ≥ 7.18, see
 * reference/routeros.md §4.1), so it talks to a device whose profile sends no `!empty`.
 */
import { execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RouterOSAPI } from 'node-routeros';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest } from '../src/shared/manifest';
import { startLab, type Lab } from '.';

const run = promisify(execFile);
let lab: Lab;
let dir: string;
let caFile: string;
let manifest: Manifest;

beforeAll(async () => {
  lab = await startLab({
    size: 40,
    seed: 5,
    tlsMode: 'ca',
    systems: { ssh: false },
    proxmox: { authFailureDelayMs: 10 },
    routeros: {
      configure: (_router, index) => (index === 0 ? { profile: { emptyReply: false } } : {}),
    },
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'rackside-third-party-'));
  caFile = path.join(dir, 'lab-ca.pem');
  await writeFile(caFile, lab.tls.ca.cert);
  manifest = Manifest.parse(lab.manifest(caFile));
});
afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

interface CurlResult {
  status: number;
  body: string;
}

async function curl(args: string[]): Promise<CurlResult> {
  const { stdout } = await run(
    '/usr/bin/curl',
    ['-sS', '--max-time', '15', '--cacert', caFile, '-w', '\n%{http_code}', ...args],
    { timeout: 20_000 },
  );
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

async function curlJson<T>(args: string[]): Promise<T> {
  const res = await curl(args);
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body) as T;
}

function profile<K extends Manifest['profiles'][number]['connection']['kind']>(kind: K) {
  const found = manifest.profiles.find((p) => p.connection.kind === kind);
  if (found?.connection.kind !== kind) throw new Error(`no ${kind} profile`);
  return found as Manifest['profiles'][number] & {
    connection: Extract<Manifest['profiles'][number]['connection'], { kind: K }>;
  };
}

describe('curl', () => {
  it('lists every Foreman host with a personal access token over Basic auth', async () => {
    const p = profile('foreman');
    if (p.connection.auth.mode !== 'token') throw new Error('expected a token profile');
    const user = `${p.connection.auth.username}:${p.secrets.token ?? ''}`;
    const body = await curlJson<{
      total: number;
      subtotal: number;
      results: { name: string; ip: string | null }[];
    }>(['-u', user, `${p.connection.url}/api/hosts?per_page=all`]);
    const fleet = lab.fleet.foreman.hosts;
    expect(body.total).toBe(fleet.length);
    expect(body.results.map((h) => h.name).sort()).toEqual(fleet.map((h) => h.name).sort());
    const first = fleet[0]!;
    expect(body.results.find((h) => h.name === first.name)?.ip).toBe(first.ip);
    expect((await curl(['-u', `${user}x`, `${p.connection.url}/api/hosts`])).status).toBe(401);
  });

  it('reads Proxmox cluster resources with an API token header', async () => {
    const p = profile('proxmox');
    if (p.connection.auth.mode !== 'token') throw new Error('expected a token profile');
    const header = `Authorization: PVEAPIToken=${p.connection.auth.tokenId}=${p.secrets.tokenSecret ?? ''}`;
    const body = await curlJson<{ data: { type: string; vmid?: number; name?: string }[] }>([
      '-H',
      header,
      `${p.connection.url}/api2/json/cluster/resources`,
    ]);
    const nodes = lab.proxmox[0]!.state.nodes;
    const guests = lab.fleet.proxmox.guests.filter((g) => nodes.has(g.node));
    const served = body.data.filter((r) => r.type === 'qemu' || r.type === 'lxc');
    expect(served.map((r) => r.vmid).sort()).toEqual(guests.map((g) => g.vmid).sort());
    const running = guests.find((g) => g.status === 'running')!;
    expect(served.find((r) => r.vmid === running.vmid)?.name).toBe(running.name);
  });

  it('logs in to Proxmox with a ticket and writes with the cookie and CSRF token', async () => {
    const pve = lab.proxmox[0]!;
    const api = `${pve.url}/api2/json`;
    const login = await curlJson<{ data: { ticket: string; CSRFPreventionToken: string } }>([
      '--data-urlencode',
      'username=root@pam',
      '--data-urlencode',
      `password=${pve.root.password}`,
      `${api}/access/ticket`,
    ]);
    const cookie = `PVEAuthCookie=${login.data.ticket}`;
    const create = ['--data-urlencode', 'userid=curl@pve', '--data-urlencode', 'comment=from curl'];
    const noCsrf = await curl(['-b', cookie, ...create, `${api}/access/users`]);
    expect(noCsrf.status).toBe(401);
    const csrf = `CSRFPreventionToken: ${login.data.CSRFPreventionToken}`;
    const created = await curl(['-b', cookie, '-H', csrf, ...create, `${api}/access/users`]);
    expect(created.status, created.body).toBe(200);
    const users = await curlJson<{ data: { userid: string; comment?: string }[] }>([
      '-b',
      cookie,
      `${api}/access/users`,
    ]);
    expect(users.data.find((u) => u.userid === 'curl@pve')?.comment).toBe('from curl');
  });

  it('lists PatchMon hosts through the integration API with key:secret', async () => {
    const p = profile('patchmon');
    const body = await curlJson<{
      total: number;
      hosts: { id: string; friendly_name: string; updates_count: number }[];
    }>([
      '-u',
      `${p.connection.apiKey}:${p.secrets.apiSecret ?? ''}`,
      `${p.connection.url}/api/v1/api/hosts?include=stats`,
    ]);
    const fleet = lab.fleet.patchmon.hosts;
    expect(body.total).toBe(fleet.length);
    expect(body.hosts.map((h) => h.id).sort()).toEqual(fleet.map((h) => h.id).sort());
    const withUpdates = fleet.find((h) => h.updatesCount > 0)!;
    expect(body.hosts.find((h) => h.id === withUpdates.id)).toMatchObject({
      friendly_name: withUpdates.friendlyName,
      updates_count: withUpdates.updatesCount,
    });
  });

  it('reads RouterOS identity and addresses over REST with Basic auth', async () => {
    const router = lab.routeros!.devices[1] ?? lab.routeros!.devices[0]!;
    const user = `${router.username}:${router.password}`;
    const identity = await curlJson<{ name: string }>([
      '-u',
      user,
      `${router.restUrl}/system/identity`,
    ]);
    expect(identity).toEqual({ name: router.identity });
    const addresses = await curlJson<{ address: string; interface: string }[]>([
      '-u',
      user,
      `${router.restUrl}/ip/address`,
    ]);
    const fleet = lab.fleet.routeros.devices.find((d) => d.identity === router.identity)!;
    expect(addresses.map((a) => a.address)).toEqual(fleet.addresses.map((a) => a.address));
    expect((await curl(['-u', `${user}x`, `${router.restUrl}/system/identity`])).status).toBe(401);
  });
});

describe('node-routeros', () => {
  it('logs in over api-ssl and prints identity, interfaces and an empty query', async () => {
    const router = lab.routeros!.devices[0]!;
    const p = manifest.profiles.find((x) => x.name === `Lab RouterOS ${router.identity}`);
    if (p?.connection.kind !== 'routeros') throw new Error('no RouterOS profile');
    const api = new RouterOSAPI({
      host: p.connection.host,
      port: p.connection.port ?? 8729,
      user: p.connection.username,
      password: p.secrets.password ?? '',
      timeout: 10,
      tls: { ca: lab.tls.ca.cert },
    });
    const errors: unknown[] = [];
    api.on('error', (error: unknown) => errors.push(error));
    await api.connect();
    try {
      expect(await api.write('/system/identity/print')).toEqual([{ name: router.identity }]);
      const interfaces = (await api.write('/interface/print')) as { name: string }[];
      const fleet = lab.fleet.routeros.devices.find((d) => d.identity === router.identity)!;
      expect(interfaces.map((i) => i.name)).toEqual(fleet.interfaces.map((i) => i.name));
      expect(await api.write('/ip/address/print', ['?interface=no-such-interface'])).toEqual([]);
    } finally {
      await api.close();
    }
    expect(errors).toEqual([]);
  });
});
