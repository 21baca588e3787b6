import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabTls, tlsFor, type FaultRule, type TlsMaterial } from '../../../../lab/common';
import { generateFleet, type Fleet } from '../../../../lab/fleet';
import { startProxmox, type ProxmoxServer } from '../../../../lab/proxmox';
import type { ProfileView } from '../../../shared/profiles';
import { createProxmoxConnector, type ProxmoxConnectorOptions } from './index';
import { profileView, recordingContext } from '../test-helpers';
import { syncCancelController } from '../../sync/sync-engine';
import type { RequestEvent } from '../../net/http-client';
import type { SourceRecord } from '../types';

/**
 * Every fault the lab can inject, each on its own small simulated cluster (one TLS identity for
 * all), asserting the typed error a person sees — or, for per-guest calls, a degraded sync.
 */
let fleet: Fleet;
let tls: TlsMaterial;
const servers: ProxmoxServer[] = [];

beforeAll(async () => {
  fleet = generateFleet({ size: 30, seed: 3 });
  tls = tlsFor(await createLabTls(), 'self-signed');
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(
  rules: FaultRule[],
  options: { legacy?: boolean | 'before-8.1'; of?: Fleet } = {},
) {
  const { of = fleet, ...rest } = options;
  const server = await startProxmox({
    cluster: { fleet: of, name: of.proxmox.clusters[0]!.name },
    tls,
    faults: { seed: 1, systems: { proxmox: rules } },
    authFailureDelayMs: 0,
    ...rest,
  });
  servers.push(server);
  const profile: ProfileView = profileView('faulty', {
    kind: 'proxmox',
    url: server.url,
    auth: { mode: 'token', tokenId: server.token.tokenid },
    tls: { insecure: false, caFile: null, pinnedSha256: tls.fingerprint256 },
  });
  return { server, profile, secrets: { tokenSecret: server.token.secret } };
}

const quick: ProxmoxConnectorOptions = {
  http: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10, headersTimeoutMs: 500 },
};

async function syncError(rules: FaultRule[], options: ProxmoxConnectorOptions = quick) {
  const { profile, secrets } = await serve(rules);
  return createProxmoxConnector(options)
    .sync(profile, secrets, recordingContext())
    .then(
      () => {
        throw new Error('the sync should have failed');
      },
      (error: unknown) => error as { code: string; reason: string; message: string },
    );
}

const resources = '/api2/json/cluster/resources';

describe('Proxmox VE connector under faults', () => {
  it('reports a persistent 5xx after retrying', async () => {
    const error = await syncError([{ route: resources, error5xx: 1, status5xx: 503 }]);
    expect(error).toMatchObject({ code: 'unavailable', reason: 'server-error' });
    expect(error.message).toMatch(
      /Proxmox VE GET \/cluster\/resources: server error \(503.*after 2 attempts/,
    );
  });

  it('reports 429 with the wait the server asked for', async () => {
    const error = await syncError(
      [{ route: resources, tooManyRequests: 1, retryAfterSeconds: 120 }],
      { http: { maxRetryAfterMs: 1000 } },
    );
    expect(error).toMatchObject({ code: 'rate-limited', reason: 'rate-limited' });
    expect(error.message).toContain('wait 120 s');
  });

  it('gives up on a hanging server after its timeout', async () => {
    const error = await syncError([{ route: resources, hang: 1 }], {
      http: { maxRetries: 0, headersTimeoutMs: 200 },
    });
    expect(error).toMatchObject({ code: 'timeout', reason: 'headers-timeout' });
  });

  it('rejects invalid and truncated JSON', async () => {
    const invalid = await syncError([{ route: resources, invalidJson: 1 }]);
    expect(invalid).toMatchObject({ code: 'protocol-error', reason: 'invalid-json' });
    const truncated = await syncError([{ route: resources, truncatedJson: 1 }]);
    expect(truncated).toMatchObject({ code: 'protocol-error', reason: 'invalid-json' });
  });

  it('rejects an HTML answer as not the API', async () => {
    const error = await syncError([{ route: resources, wrongContentType: 1 }]);
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'not-api' });
  });

  it('names the node and guest whose answer was not the API', async () => {
    const node = fleet.proxmox.nodes.find((n) => n.cluster === fleet.proxmox.clusters[0]!.name)!;
    const status = await syncError([
      { route: `/api2/json/nodes/${node.name}/status`, wrongContentType: 1 },
    ]);
    expect(status).toMatchObject({ code: 'protocol-error', reason: 'not-api' });
    expect(status.message).toContain(`Proxmox VE GET /nodes/${node.name}/status:`);
    const config = await syncError([{ route: /\/qemu\/\d+\/config$/, wrongContentType: 1 }]);
    expect(config.message).toMatch(/Proxmox VE GET \/nodes\/[\w-]+\/qemu\/\d+\/config:/);
  });

  it('refuses an oversized body', async () => {
    const error = await syncError([], { http: { maxBodyBytes: 2048 } });
    expect(error).toMatchObject({ code: 'payload-too-large', reason: 'too-large' });
  });

  it('names the endpoint and field of a wrongly typed value', async () => {
    const { server, profile, secrets } = await serve([]);
    const guest = [...server.state.guests.values()][0]!;
    Object.assign(guest, { name: 12345 });
    const error = await createProxmoxConnector()
      .sync(profile, secrets, recordingContext())
      .then(
        () => ({ code: 'none', reason: 'none', message: 'the sync should have failed' }),
        (e: unknown) => e as { code: string; reason: string; message: string },
      );
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'invalid-data' });
    expect(error.message).toMatch(
      /Proxmox VE GET \/cluster\/resources: unexpected data at data\[\d+\]\.name: .*string/,
    );
  });

  it('reports expired credentials as refused', async () => {
    const error = await syncError([{ credentials: 'expired' }]);
    expect(error).toMatchObject({ code: 'forbidden', reason: 'unauthorized' });
    expect(error.message).toMatch(/refused the credentials/);
  });

  it('lists VMs without addresses when guest agents hang or fail, and still succeeds', async () => {
    const { profile, secrets } = await serve([{ route: /\/agent\//, hang: 0.5, error5xx: 0.5 }]);
    const context = recordingContext();
    const records = await createProxmoxConnector({
      ...quick,
      sync: { agentTimeoutMs: 200 },
    }).sync(profile, secrets, context);
    const vms = records.filter((record) => record.kind === 'vm');
    expect(vms.length).toBeGreaterThan(0);
    expect(vms.every((vm) => vm.ips.length === 0)).toBe(true);
    expect(context.warnings).toEqual([]);
  });

  it('lists a VM whose agent refuses the interfaces command inside a 200 without addresses', async () => {
    const { server, profile, secrets } = await serve([]);
    const agents = [...server.state.guests.values()].filter(
      (guest) => guest.type === 'qemu' && guest.status === 'running' && guest.agent === 'running',
    );
    expect(agents.length).toBeGreaterThan(0);
    for (const guest of agents) guest.agent = 'command-disabled';
    const records = await createProxmoxConnector().sync(profile, secrets, recordingContext());
    for (const guest of agents) {
      const record = records.find((r) => r.externalId.endsWith(`/qemu/${guest.vmid}`))!;
      expect(record.ips).toEqual([]);
      expect(record.macs.length).toBeGreaterThan(0);
      expect(record.raw).toMatchObject({ interfacesNote: 'agent error CommandDisabled' });
    }
  });

  it('stops with a cancelled error when the sync is cancelled', async () => {
    const { profile, secrets } = await serve([{ latencyMs: 20 }]);
    const controller = syncCancelController();
    const context = recordingContext([], controller.signal);
    context.progress = (update) => {
      if (update.phase === 'guests') controller.abort();
    };
    await expect(createProxmoxConnector().sync(profile, secrets, context)).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('reads a pre-8.4 server (string vmids, no interface addresses list)', async () => {
    const { profile, secrets } = await serve([], { legacy: true });
    const records = await createProxmoxConnector().sync(profile, secrets, recordingContext());
    const containers = records.filter((record) => record.kind === 'container');
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.some((ct) => ct.status === 'running' && ct.ips.length > 0)).toBe(true);
  });
});

describe('Proxmox VE connector against PVE 8.0, before the LXC interfaces endpoint', () => {
  it('lists containers with the MACs and addresses of their config, and shows no error', async () => {
    const { server, profile, secrets } = await serve([], { legacy: 'before-8.1' });
    const answers: RequestEvent[] = [];
    const context = recordingContext();
    const records = await createProxmoxConnector({
      http: { onRequest: (event) => answers.push(event) },
    }).sync(profile, secrets, context);

    const asked = answers.filter((event) => event.path.endsWith('/interfaces'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((event) => event.status === 501)).toBe(true);
    expect(context.warnings).toEqual([]);
    const cluster = server.name;
    const containers = [...server.state.guests.values()].filter((guest) => guest.type === 'lxc');
    expect(containers.some((ct) => ct.status === 'running')).toBe(true);
    for (const ct of containers) {
      const record = records.find((r) => r.externalId === `${cluster}/lxc/${ct.vmid}`)!;
      expect(record.macs).toEqual(ct.nics.map((nic) => nic.mac.toLowerCase()));
      expect(record.ips).toEqual(
        ct.nics
          .filter((nic) => nic.ipConfig !== 'dhcp')
          .map((nic) => nic.ipConfig.replace(/\/\d+$/, '')),
      );
    }
    const nodes = records.filter((record) => record.kind === 'node' && record.status === 'running');
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.os).toBe('Proxmox VE 8.0.4');
  });
});

/** The interfaces note of every running container, as the asset detail panel shows it. */
function runningContainerNotes(records: SourceRecord[]): unknown[] {
  return records
    .filter((record) => record.kind === 'container' && record.status === 'running')
    .map((record) => record.raw.interfacesNote);
}

describe('Proxmox VE connector when a server cannot list container interfaces', () => {
  it('tells every running container of a PVE 8.0 server the same thing: its version cannot', async () => {
    const { profile, secrets } = await serve([], { legacy: 'before-8.1' });
    const records = await createProxmoxConnector().sync(profile, secrets, recordingContext());
    const notes = runningContainerNotes(records);
    expect(notes.length).toBeGreaterThan(2);
    expect(new Set(notes)).toEqual(
      new Set([
        "this Proxmox VE version (before 8.1) cannot list a container's interfaces; addresses come from its config",
      ]),
    );
  });

  it('tells every running container the same thing when the token may not list them', async () => {
    const { server, profile, secrets } = await serve([]);
    // The token loses VM.Audit on each container right after its config was read, as when an
    // admin narrows its ACL while the sync runs: the interfaces request that follows gets 403.
    const forbidden: string[] = [];
    const onRequest = (event: RequestEvent) => {
      const config = /\/lxc\/(\d+)\/config$/.exec(event.path);
      if (config !== null && event.status === 200) {
        server.state.store.setAcl(
          `/vms/${config[1]!}`,
          'tokens',
          server.token.tokenid,
          'NoAccess',
          true,
        );
      }
      if (event.path.endsWith('/interfaces') && event.status === 403) forbidden.push(event.path);
    };
    const context = recordingContext();
    const records = await createProxmoxConnector({ http: { onRequest } }).sync(
      profile,
      secrets,
      context,
    );
    expect(forbidden.length).toBeGreaterThan(0);
    const notes = runningContainerNotes(records);
    expect(notes.length).toBeGreaterThan(2);
    expect(new Set(notes)).toEqual(
      new Set([
        'the token lacks VM.Audit on the container, which listing its interfaces needs; addresses come from its config',
      ]),
    );
    expect(context.warnings).toEqual([
      'container interfaces hidden — the token lacks VM.Audit on the containers; their addresses come from their configs',
    ]);
    for (const ct of server.state.guests.values()) {
      if (ct.type !== 'lxc' || ct.status !== 'running') continue;
      const record = records.find((r) => r.externalId === `${server.name}/lxc/${ct.vmid}`)!;
      expect(record.ips).toEqual(
        ct.nics.filter((nic) => nic.ipConfig !== 'dhcp').map((nic) => nic.ipConfig.split('/')[0]),
      );
    }
  });
});

describe('Proxmox VE connector when guests are deleted or migrated during a sync', () => {
  /** Every request's path and attempt, through the HTTP client's hook. */
  function counting() {
    const requests: RequestEvent[] = [];
    const onRequest = (event: RequestEvent) => {
      requests.push(event);
    };
    const to = (path: string) => requests.filter((event) => event.path === path);
    return { onRequest, to };
  }

  it.each([
    { pve: 'PVE 8.4 and later (the message in the body too)', legacy: false },
    { pve: 'PVE before 8.4 (the message in the reason phrase only)', legacy: true },
  ])(
    'asks once for a guest that is gone, keeps its last known details and says so: $pve',
    async ({ legacy }) => {
      // A cluster of two nodes, so that a guest can move to the other.
      const { server, profile, secrets } = await serve([], {
        legacy,
        of: generateFleet({ size: 60, seed: 3 }),
      });
      const first = await createProxmoxConnector().sync(profile, secrets, recordingContext());
      const guests = [...server.state.guests.values()];
      const deleted = guests.find((guest) => guest.type === 'qemu')!;
      const migrated = guests.find((guest) => guest.type === 'lxc')!;
      const target = [...server.state.nodes.keys()].find((node) => node !== migrated.node);
      expect(target).toBeDefined();
      const from = { deleted: deleted.node, migrated: migrated.node };

      const context = recordingContext(first);
      context.progress = (update) => {
        // After the cluster listing, before any guest's details: done in the web UI meanwhile.
        if (update.phase === 'guests' && update.done === 0) {
          server.state.guests.delete(deleted.vmid);
          migrated.node = target!;
        }
      };
      const { onRequest, to } = counting();
      const records = await createProxmoxConnector({
        http: { baseDelayMs: 5, maxDelayMs: 10, onRequest },
        // Every guest's details are fetched again, none taken from the first sync.
        sync: { reuse: { maxAgeMs: 0, bootToleranceMs: 0 } },
      }).sync(profile, secrets, context);

      for (const path of [
        `/nodes/${from.deleted}/qemu/${deleted.vmid}/config`,
        `/nodes/${from.migrated}/lxc/${migrated.vmid}/config`,
      ]) {
        expect(to(path).map((event) => event.status)).toEqual([500]);
      }
      expect(records.map((record) => record.externalId).sort()).toEqual(
        first.map((record) => record.externalId).sort(),
      );
      for (const guest of [deleted, migrated]) {
        const id = (list: typeof first) =>
          list.find((record) => record.externalId.endsWith(`/${guest.type}/${guest.vmid}`))!;
        expect(id(records).macs).toEqual(id(first).macs);
        expect(id(records).macs.length).toBeGreaterThan(0);
      }
      const gone = [deleted, migrated]
        .sort((x, y) => x.vmid - y.vmid)
        .map((guest) => `${guest.vmid} on ${guest === deleted ? from.deleted : from.migrated}`);
      expect(context.warnings).toEqual([
        `2 guest(s) were deleted or migrated while the sync ran (${gone.join(', ')}): ` +
          'listed as the cluster showed them when the sync began; the next sync shows where they are now',
      ]);
    },
  );

  it('still retries a guest config that fails with any other 500', async () => {
    const { server, profile, secrets } = await serve([
      { route: /\/qemu\/\d+\/config$/, error5xx: 1, status5xx: 500 },
    ]);
    const { onRequest, to } = counting();
    const context = recordingContext();
    await createProxmoxConnector({ http: { ...quick.http, onRequest } }).sync(
      profile,
      secrets,
      context,
    );
    const vm = [...server.state.guests.values()].find((guest) => guest.type === 'qemu')!;
    expect(to(`/nodes/${vm.node}/qemu/${vm.vmid}/config`).map((e) => e.attempt)).toEqual([1, 2]);
    expect(context.warnings.join('\n')).toMatch(/guest config\(s\) could not be read/);
  });
});
