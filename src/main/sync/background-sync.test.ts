import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import type { OtpRequestEvent } from '../../shared/contract';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import type { SourceConnector } from '../sources/types';
import { BackgroundSync } from './background-sync';
import { OtpBroker } from './otp-broker';
import { SyncEngine, type ConnectorSet } from './sync-engine';
import { addFleetProfiles, fleetConnectors } from './test-fleet';

const fleet = generateFleet({ size: 30, seed: 4 });
const minute = 60_000;
const opened: { store: Store; engine: SyncEngine }[] = [];

afterEach(() => {
  for (const { store, engine } of opened.splice(0)) {
    engine.cancel();
    store.close();
  }
});

/**
 * A store with the fleet's source profiles and a Proxmox profile that logs in with a password
 * (TOTP off for now), an engine and a background sync sharing one clock the test moves, and
 * connectors that note every profile they sync. The Proxmox connector asks the broker for a
 * one-time code when the profile wants one, as the real one does.
 */
async function setup() {
  const store = await unlockedTestStore();
  const ids = addFleetProfiles(store.profiles, fleet);
  const cluster = fleet.proxmox.clusters[0]?.name ?? '';
  const totpConnection = (totp: boolean) => ({
    kind: 'proxmox',
    url: 'https://pve-otp.lab',
    auth: { mode: 'password', username: 'root', realm: 'pam', totp },
  });
  const totpProfile = store.profiles.save({
    name: 'pve-otp',
    tags: [`cluster:${cluster}`],
    connection: totpConnection(false),
  });
  const asked: OtpRequestEvent[] = [];
  const broker = new OtpBroker({ ask: (request) => asked.push(request), closed: () => undefined });
  const synced: string[] = [];
  /** Syncs of these profile names wait until the test lets them go. */
  const held = new Map<string, Promise<void>>();
  const fleetSet = fleetConnectors(() => fleet);
  const wrap = (inner: SourceConnector | undefined): SourceConnector | undefined =>
    inner && {
      ...inner,
      sync: async (profile, secrets, context) => {
        synced.push(profile.name);
        const connection = profile.connection;
        if (connection.kind === 'proxmox' && connection.auth.mode === 'password') {
          if (connection.auth.totp) await broker.provider(profile);
        }
        await held.get(profile.name);
        return inner.sync(profile, secrets, context);
      },
    };
  const connectors: ConnectorSet = {
    foreman: wrap(fleetSet.foreman),
    proxmox: wrap(fleetSet.proxmox),
    patchmon: wrap(fleetSet.patchmon),
    routeros: wrap(fleetSet.routeros),
  };
  let now = Date.parse('2026-11-22T10:00:00Z');
  const clock = () => new Date(now);
  const logs: LogRecord[] = [];
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors,
    logger: silentLogger,
    clock,
  });
  opened.push({ store, engine });
  const background = new BackgroundSync({
    engine,
    profiles: store.profiles,
    canSync: () => store.vault.state() === 'unlocked',
    logger: createLogger({ sink: (record) => logs.push(record), clock }),
    clock,
  });
  const id = (name: string): string => {
    const found = name === 'pve-otp' ? totpProfile.id : ids.get(name);
    if (found === undefined) throw new Error(`no profile ${name}`);
    return found;
  };
  return {
    store,
    engine,
    background,
    broker,
    asked,
    synced,
    held,
    logs,
    id,
    enableTotp: () =>
      store.profiles.save({
        id: totpProfile.id,
        name: 'pve-otp',
        tags: [`cluster:${cluster}`],
        connection: totpConnection(true),
      }),
    advance: (ms: number) => {
      now += ms;
    },
    /** Waits (generously) until no sync runs any more. */
    settled: () =>
      vi.waitFor(
        () => {
          expect(engine.isRunning()).toBe(false);
        },
        { timeout: 30_000, interval: 20 },
      ),
    lastAttempt: (name: string) =>
      engine.freshness().find((s) => s.profileName === name)?.lastAttemptAt ?? null,
  };
}

describe('background sync', () => {
  it('syncs a scheduled profile when it is due and not before, and never one without a schedule', async () => {
    const t = await setup();
    t.engine.history.setSchedule(t.id('foreman'), 15);
    // Never synced: due at once.
    expect(t.background.tick()).toEqual([t.id('foreman')]);
    await t.settled();
    expect(t.synced).toEqual(['foreman']);
    expect(t.lastAttempt('foreman')).toBe('2026-11-22T10:00:00.000Z');

    t.advance(14 * minute);
    expect(t.background.tick()).toEqual([]);
    t.advance(minute);
    expect(t.background.tick()).toEqual([t.id('foreman')]);
    await t.settled();
    expect(t.synced).toEqual(['foreman', 'foreman']);
    expect(t.lastAttempt('foreman')).toBe('2026-11-22T10:15:00.000Z');

    // A day later only the scheduled profile was synced by the background.
    for (let i = 0; i < 4; i++) {
      t.advance(6 * 60 * minute);
      t.background.tick();
      await t.settled();
    }
    expect(new Set(t.synced)).toEqual(new Set(['foreman']));
    expect(t.lastAttempt('patchmon')).toBeNull();
  });

  it('stops syncing a profile once its schedule is switched off', async () => {
    const t = await setup();
    t.engine.history.setSchedule(t.id('patchmon'), 30);
    expect(t.background.tick()).toEqual([t.id('patchmon')]);
    await t.settled();
    t.engine.history.setSchedule(t.id('patchmon'), null);
    t.advance(24 * 60 * minute);
    expect(t.background.tick()).toEqual([]);
    expect(t.engine.isRunning()).toBe(false);
    expect(t.synced).toEqual(['patchmon']);
  });

  it('starts nothing while the vault is locked, and catches up once it is unlocked', async () => {
    const t = await setup();
    t.engine.history.setSchedule(t.id('routeros'), 15);
    t.store.vault.lock();
    expect(t.background.tick()).toEqual([]);
    t.advance(60 * minute);
    expect(t.background.tick()).toEqual([]);
    expect(t.engine.isRunning()).toBe(false);
    expect(t.synced).toEqual([]);
    expect(t.lastAttempt('routeros')).toBeNull();

    expect(t.store.vault.unlockWithKeychain()).toBe(true);
    expect(t.background.tick()).toEqual([t.id('routeros')]);
    await t.settled();
    expect(t.synced).toEqual(['routeros']);
  });

  it('does not start a profile again while its sync is still running', async () => {
    const t = await setup();
    let release!: () => void;
    t.held.set(
      'foreman',
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    t.engine.history.setSchedule(t.id('foreman'), 15);
    expect(t.background.tick()).toEqual([t.id('foreman')]);
    await vi.waitFor(
      () => {
        expect(t.synced).toEqual(['foreman']);
      },
      { timeout: 30_000, interval: 20 },
    );
    // The sync outlasts its interval: due again, but it is still running.
    t.advance(40 * minute);
    expect(t.background.tick()).toEqual([]);
    expect(t.background.tick()).toEqual([]);
    release();
    await t.settled();
    expect(t.synced).toEqual(['foreman']);
    expect(t.logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('never asks for a one-time code: a TOTP profile with a schedule is skipped and logged once', async () => {
    const t = await setup();
    // Scheduled first, TOTP switched on afterwards.
    t.engine.history.setSchedule(t.id('pve-otp'), 15);
    t.engine.history.setSchedule(t.id('foreman'), 15);
    t.enableTotp();

    expect(t.background.tick()).toEqual([t.id('foreman')]);
    await t.settled();
    for (let i = 0; i < 3; i++) {
      t.advance(20 * minute);
      expect(t.background.tick()).toEqual([t.id('foreman')]);
      await t.settled();
    }
    expect(t.asked).toEqual([]);
    expect(t.synced).not.toContain('pve-otp');
    expect(t.lastAttempt('pve-otp')).toBeNull();
    const skips = t.logs.filter((l) => l.message.includes('one-time code'));
    expect(skips).toHaveLength(1);
    expect(skips[0]).toMatchObject({ level: 'warn', fields: { profile: 'pve-otp' } });

    // Synced by hand, the same profile does ask the person for a code.
    const manual = t.engine.sync([t.id('pve-otp')]);
    await vi.waitFor(
      () => {
        expect(t.asked.map((r) => r.profileName)).toEqual(['pve-otp']);
      },
      { timeout: 30_000, interval: 20 },
    );
    t.broker.cancelAll();
    const [outcome] = await manual;
    expect(outcome?.status).toBe('failed');
  });
});
