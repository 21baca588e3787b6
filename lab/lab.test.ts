import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { Manifest } from '../src/shared/manifest';
import { trustingDispatcher } from './common';
import { connect, exec } from './ssh/test-client';
import { startLab, type Lab } from '.';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ size: 60, seed: 4, proxmox: { authFailureDelayMs: 10 } });
});
afterAll(() => lab.close());

describe('startLab', () => {
  it('starts every simulator on 127.0.0.1 with the run certificate', async () => {
    expect(lab.foreman?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lab.patchmon?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lab.proxmox).toHaveLength(lab.fleet.proxmox.clusters.length);
    expect(lab.routeros?.devices).toHaveLength(lab.fleet.routeros.devices.length);
    const dispatcher = trustingDispatcher(lab.tls.selfSigned);
    const ping = await fetch(`${lab.foreman!.url}/api/ping`, { dispatcher });
    expect(ping.status).toBe(200);
    const pve = lab.proxmox[0]!;
    const version = await fetch(`${pve.url}/api2/json/version`, {
      dispatcher,
      headers: { authorization: pve.token.authorization },
    });
    expect(version.status).toBe(200);
  });

  it('writes a manifest the profile schema accepts, one profile per endpoint', () => {
    const parsed = Manifest.safeParse(lab.manifest());
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const kinds = parsed.data!.profiles.map((p) => p.connection.kind);
    expect(kinds.filter((k) => k === 'foreman')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'patchmon')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'proxmox')).toHaveLength(lab.proxmox.length);
    expect(kinds.filter((k) => k === 'routeros')).toHaveLength(lab.routeros!.devices.length);
    const foreman = parsed.data!.profiles.find((p) => p.connection.kind === 'foreman')!;
    expect(foreman.secrets.token).toBe(lab.foreman!.credentials.personalAccessToken);
    expect('tls' in foreman.connection ? foreman.connection.tls.pinnedSha256 : null).toBe(
      lab.tls.selfSigned.fingerprint256,
    );
  });

  it('writes SSH profiles: bastions with the lab key, a jump-host chain, a node, routers, MFA', () => {
    const ssh = Manifest.parse(lab.manifest()).profiles.flatMap((p) =>
      p.connection.kind === 'ssh' ? [{ ...p, connection: p.connection }] : [],
    );
    const names = new Set(ssh.map((p) => p.name));
    const bastions = ssh.filter((p) => p.connection.auth.mode === 'key');
    expect(bastions).toHaveLength(lab.ssh!.sites.length);
    expect(bastions[0]!.secrets.privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    const chained = ssh.filter((p) => p.connection.jumpHost !== null);
    expect(chained).toHaveLength(1);
    expect(names.has(chained[0]!.connection.jumpHost!)).toBe(true);
    expect(chained[0]!.connection.port).toBe(22);
    expect(chained[0]!.connection.host).toMatch(/^10\./);
    expect(ssh.some((p) => /^root:.*pve/.test(p.connection.username))).toBe(true);
    expect(ssh.filter((p) => p.connection.username.startsWith('admin:'))).toHaveLength(
      lab.fleet.routeros.devices.length,
    );
    expect(ssh.filter((p) => p.connection.auth.mode === 'keyboard-interactive')).toHaveLength(1);
  });

  it('logs in to a Proxmox node over SSH with its cluster root@pam password', async () => {
    const pve = lab.proxmox[0]!;
    const node = [...pve.state.nodes.keys()][0]!;
    const target = lab.ssh!.login(node)!;
    const client = await connect({
      host: target.host,
      port: target.port,
      username: target.username,
      password: pve.root.password,
    });
    try {
      expect(await exec(client, 'hostname')).toMatchObject({ stdout: `${node}\n`, code: 0 });
    } finally {
      client.end();
    }
  });

  it('names the same machine in every system in its ground truth', () => {
    const truth = lab.truth();
    expect(truth).toHaveLength(60);
    const multi = truth.filter((e) => new Set(e.records.map((r) => r.system)).size >= 3);
    expect(multi.length).toBeGreaterThan(10);
  });

  it('writes CA-bundle profiles for a CA-signed run and stops cleanly', async () => {
    const ca = await startLab({
      size: 10,
      seed: 1,
      tlsMode: 'ca',
      systems: { proxmox: false, routeros: false, ssh: false },
    });
    try {
      expect(() => ca.manifest()).toThrow();
      const manifest = Manifest.parse(ca.manifest('/tmp/lab-ca.pem'));
      expect(
        manifest.profiles.every(
          (p) => 'tls' in p.connection && p.connection.tls.caFile === '/tmp/lab-ca.pem',
        ),
      ).toBe(true);
      const res = await fetch(`${ca.patchmon!.url}/api/v1/nonexistent`, {
        dispatcher: trustingDispatcher({ trust: ca.tls.ca.cert }),
      });
      expect(res.headers.get('content-type')).toContain('text/html');
    } finally {
      await ca.close();
    }
    await expect(fetch(`${ca.patchmon!.url}/`)).rejects.toThrow();
  });
});
