import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { silentLogger } from '../core/logger';
import { InventoryService } from '../inventory/inventory-service';
import { unlockedTestStore } from '../store/test-helpers';
import { freePort } from '../test-support/free-port';
import { Reachability, tcpProbe, tcpReachable } from './reachability';
import { SyncEngine } from './sync-engine';
import { addFleetProfiles, fleetConnectors } from './test-fleet';

describe('tcpReachable', () => {
  it('answers null for a listening port and why not for the others, sending nothing', async () => {
    const received: Buffer[] = [];
    const server = net.createServer((socket) => socket.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await tcpReachable('127.0.0.1', port, 2000)).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(received).toEqual([]);
    expect(await tcpReachable('127.0.0.1', await freePort(), 2000)).toBe('connection refused');
    // `.invalid` never resolves (RFC 6761); without a DNS server the lookup fails as well.
    expect(await tcpReachable('rackside-test.invalid', 443, 2000)).toMatch(
      /^(name not found|name lookup failed|no answer within 2 s)/,
    );
  });

  it('tries every address of a name, as a sync would, before calling it unreachable', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const closed = await freePort();
    // `localhost` resolving to ::1 first, with the source listening on 127.0.0.1 only.
    const probe = tcpProbe((host) =>
      Promise.resolve(host === 'localhost' ? [{ address: '::1' }, { address: '127.0.0.1' }] : []),
    );
    try {
      expect(await probe('localhost', port, 2000)).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Every address refusing: the first one's reason is given.
    const refusing = tcpProbe(() =>
      Promise.resolve([{ address: '127.0.0.1' }, { address: '127.0.0.1' }]),
    );
    expect(await refusing('db.lab', closed, 2000)).toBe('connection refused');
    expect(await probe('nowhere.lab', port, 2000)).toBe('the name has no address');
  });
});

describe('Reachability', () => {
  it('gives up on a source that never answers and checks the others meanwhile', async () => {
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, generateFleet({ size: 10, seed: 2 }));
    const reachability = new Reachability(
      (host) => (host === 'foreman.lab' ? new Promise(() => undefined) : Promise.resolve(null)),
      { timeoutMs: 50 },
    );
    await reachability.check(store.profiles.list());
    expect([...reachability.unreachable().values()].map((u) => u.reason)).toEqual([
      'cannot reach foreman.lab:443: no answer within 0.05 s',
    ]);
    store.close();
  });
});

describe('Reachability checks that find nothing new', () => {
  it('wake no one: the same verdict again leaves the version, and the inventory, as they were', async () => {
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, generateFleet({ size: 10, seed: 2 }));
    let verdict: string | null = 'connection refused';
    const reachability = new Reachability((host) =>
      Promise.resolve(host === 'foreman.lab' ? verdict : null),
    );
    await reachability.check(store.profiles.list());
    const first = reachability.version();
    const since = reachability.unreachable().get(store.profiles.findByName('foreman')!.id)?.at;
    await reachability.check(store.profiles.list());
    await reachability.check(store.profiles.list());
    expect(reachability.version()).toBe(first);
    expect(reachability.unreachable().get(store.profiles.findByName('foreman')!.id)?.at).toBe(
      since,
    );
    verdict = 'no route to host';
    await reachability.check(store.profiles.list());
    expect(reachability.version()).toBe(first + 1);
    verdict = null;
    await reachability.check(store.profiles.list());
    expect(reachability.version()).toBe(first + 2);
    expect(reachability.unreachable().size).toBe(0);
    store.close();
  });
});

describe('Reachability and a sync ending during a check', () => {
  it("keeps the sync's answer over a check that started before it ended", async () => {
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, generateFleet({ size: 10, seed: 3 }));
    let answer = (): void => undefined;
    const reachability = new Reachability(
      () =>
        new Promise((resolve) => {
          answer = () => {
            resolve('connection refused');
          };
        }),
    );
    const foreman = store.profiles.list().find((p) => p.name === 'foreman')!;
    const checking = reachability.check([foreman]);
    await new Promise((resolve) => setImmediate(resolve));
    reachability.forget(foreman.id);
    answer();
    await checking;
    expect(reachability.unreachable().size).toBe(0);
    // The next check counts again.
    const again = reachability.check([foreman]);
    await new Promise((resolve) => setImmediate(resolve));
    answer();
    await again;
    expect(reachability.unreachable().get(foreman.id)?.reason).toBe(
      'cannot reach foreman.lab:443: connection refused',
    );
    store.close();
  });
});

describe('SyncEngine with reachability', () => {
  it('marks a source offline between syncs when it cannot be reached, until it syncs again', async () => {
    const fleet = generateFleet({ size: 40, seed: 5 });
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, fleet);
    const refusing = new Set<string>();
    const engine = new SyncEngine({
      db: store.db,
      profiles: store.profiles,
      connectors: fleetConnectors(() => fleet),
      logger: silentLogger,
      reachability: new Reachability((host) =>
        Promise.resolve(refusing.has(host) ? 'connection refused' : null),
      ),
    });
    const inventory = new InventoryService(
      store.db,
      () => engine.freshness(),
      () => engine.freshnessKey(),
    );
    await engine.sync('all');
    await engine.checkReachability();
    expect(engine.freshness().every((s) => !s.offline)).toBe(true);
    const before = inventory.query({ query: 'source:foreman', limit: 5 });

    refusing.add('foreman.lab');
    await engine.checkReachability();
    const foreman = engine.freshness().find((s) => s.system === 'foreman');
    expect(foreman).toMatchObject({
      offline: true,
      lastStatus: 'ok',
      lastError: null,
      offlineReason: 'cannot reach foreman.lab:443: connection refused',
    });
    expect(foreman?.message).toMatch(/^offline — data from \d{4}-.*connection refused\)$/);
    expect(engine.freshness().filter((s) => s.offline)).toHaveLength(1);
    const offline = inventory.query({ query: 'source:foreman', limit: 5 });
    expect(offline.rows.map((r) => r.name)).toEqual(before.rows.map((r) => r.name));
    expect(offline.rows[0]?.freshness.message).toMatch(
      /^offline — data from .*\(foreman: cannot reach foreman\.lab:443: connection refused\)$/,
    );
    expect(inventory.query({ query: 'offline:yes', limit: 1 }).total).toBe(before.total);

    // Reachable again and synced: the sync's answer replaces the check's.
    refusing.clear();
    await engine.sync('all');
    expect(engine.freshness().every((s) => !s.offline && s.offlineReason === null)).toBe(true);
    store.close();
  });
});
