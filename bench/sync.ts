/**
 * Sync benchmark: a lab fleet in a child process; the app's full sync, then a re-sync of the
 * unchanged fleet, then a bare undici loop replaying exactly the HTTP requests the first sync
 * made (same origins, paths and headers) under the app's limits: six at a time per origin, as the
 * connectors' clients, and two origins of one source kind at a time, as the sync engine.
 * RouterOS speaks its native API, not HTTP, so its few routers are not in the replay.
 *
 * Before anything is measured, a sync from another process (`lab-warm-up.ts`) has the lab serve
 * every request once. Otherwise the first sync, measured first, pays for the lab's own warm-up
 * (its JIT, its answers built for the first time) on a machine whose cores it shares, and the
 * replay, measured last, does not.
 *
 * A second reference replays the same requests and also does the least any client that keeps
 * what it fetches must do: parse every body as JSON and store it in SQLite, one transaction per
 * origin, with the app's pragmas. Its distance from the bare loop is the part of the app's overhead
 * no design of the app can remove on this machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { Manifest } from '../src/shared/manifest';
import { proxmoxDefaultPort, type ProfileView } from '../src/shared/profiles';
import { httpDefaults } from '../src/main/net/http-client';
import { openSqlite } from '../src/main/db/sqlite';
import { silentLogger, type Logger } from '../src/main/core/logger';
import { importManifest } from '../src/main/profiles/import-export';
import { openStore } from '../src/main/store/open-store';
import { defaultConnectors } from '../src/main/sync/connectors';
import { SyncEngine, defaultPerKindConcurrency } from '../src/main/sync/sync-engine';
import { sourceSyncWriterWorker, workerSyncWriter } from '../src/main/sync/sync-writer';
import { pairwiseScores } from '../src/main/inventory/correlation-quality';
import { sourceCorrelationWorker, workerCorrelator } from '../src/main/inventory/correlator';
import { figure, hottestFunctions, report, round, type CpuProfile } from './common';

interface Captured {
  origin: string;
  method: string;
  path: string;
  headers: string[];
}

/** Silent but for warnings (a correlation worker that fell back to this thread is one). */
const consoleWarnings: Logger = {
  ...silentLogger,
  warn: (message, fields) => {
    console.warn(`warning: ${message} ${JSON.stringify(fields ?? {})}`);
  },
  child: () => consoleWarnings,
};

/** Main-thread CPU seconds (user + system) this process spent while `work` ran. */
async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuS: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuS: (used.user + used.system) / 1e6 };
}

/** Clock ticks per second of `/proc` CPU times (`getconf CLK_TCK`; 100 on Linux). */
const clockTicks = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/**
 * CPU seconds (user + system, all threads) process `pid` has used so far, from `/proc`; null
 * where there is no `/proc` (the lab's share of the machine is then not reported).
 */
function processCpuS(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** The lab's CPU seconds while `work` runs (null without `/proc`). */
async function withLabCpu<T>(
  lab: ChildProcess,
  work: () => Promise<T>,
): Promise<{ result: T; labCpuS: number | null }> {
  const before = processCpuS(lab.pid);
  const result = await work();
  const after = processCpuS(lab.pid);
  return { result, labCpuS: before === null || after === null ? null : after - before };
}

/**
 * Peak RSS of this process while `work` runs. `memoryUsage.rss()` only reads the resident set
 * (`memoryUsage()` also walks the heap spaces); four samples a second follow a resident set that
 * grows with the records held, and keep the sampling off the profile of the sync it measures.
 */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 250);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMiB: peak / 1048576 };
  } finally {
    clearInterval(timer);
  }
}

function startLabProcess(size: number, dir: string): Promise<ChildProcess> {
  const manifest = path.join(dir, 'manifest.json');
  const truth = path.join(dir, 'truth.json');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'lab/cli.ts',
      '--size',
      String(size),
      '--seed',
      '1',
      '--manifest',
      manifest,
      '--truth',
      truth,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('lab ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`lab exited (${code}) before it was ready`)));
  });
}

/**
 * The bare reference: the same requests with the app's limits and nothing else. Per origin at
 * most `perOrigin` in flight (the HTTP client's connection pool), and at most `perKind` origins of
 * one source kind at a time (the sync engine's per-kind limiter); every body is read in full.
 */
async function replay(
  requests: readonly Captured[],
  kindOf: (origin: string) => string,
  limits: { perOrigin: number; perKind: number },
  keep?: (origin: string, bodies: readonly { path: string; text: string }[]) => void,
): Promise<{ ms: number; bytes: number }> {
  const agent = new Agent({
    connect: { rejectUnauthorized: false },
    connections: limits.perOrigin,
  });
  const byOrigin = new Map<string, Captured[]>();
  for (const r of requests) {
    const list = byOrigin.get(r.origin);
    if (list === undefined) byOrigin.set(r.origin, [r]);
    else list.push(r);
  }
  const byKind = new Map<string, Captured[][]>();
  for (const [origin, list] of byOrigin) {
    const kind = kindOf(origin);
    byKind.set(kind, [...(byKind.get(kind) ?? []), list]);
  }
  let bytes = 0;
  const fetchAll = async (list: readonly Captured[]): Promise<void> => {
    let next = 0;
    const kept: { path: string; text: string }[] = [];
    await Promise.all(
      Array.from({ length: limits.perOrigin }, async () => {
        while (next < list.length) {
          const r = list[next++]!;
          const response = await request(new URL(r.path, r.origin), {
            method: r.method as 'GET',
            headers: r.headers,
            dispatcher: agent,
          });
          if (keep === undefined) {
            bytes += (await response.body.arrayBuffer()).byteLength;
          } else {
            const text = await response.body.text();
            if (text.length > 0) JSON.parse(text);
            bytes += Buffer.byteLength(text);
            kept.push({ path: r.path, text });
          }
        }
      }),
    );
    if (keep !== undefined && list[0] !== undefined) keep(list[0].origin, kept);
  };
  const started = performance.now();
  await Promise.all(
    [...byKind.values()].map(async (origins) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: limits.perKind }, async () => {
          while (next < origins.length) await fetchAll(origins[next++]!);
        }),
      );
    }),
  );
  const ms = performance.now() - started;
  await agent.close();
  return { ms, bytes };
}

/** A SQLite file with the app's pragmas that keeps each origin's bodies in one transaction. */
function bodyKeeper(file: string): {
  keep: (origin: string, bodies: readonly { path: string; text: string }[]) => void;
  close: () => void;
} {
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE bodies (origin TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO bodies (origin, path, body) VALUES (?, ?, ?)');
  const keepAll = db.transaction(
    (origin: string, bodies: readonly { path: string; text: string }[]) => {
      for (const body of bodies) insert.run(origin, body.path, body.text);
    },
  );
  return {
    keep: (origin, bodies) => {
      keepAll(origin, bodies);
    },
    close: () => {
      db.close();
    },
  };
}

/** `https://host:port` of a profile's HTTP API, as the connectors' clients address it. */
function profileOrigin(profile: ProfileView): string | null {
  const { connection } = profile;
  if (!('url' in connection)) return null;
  const url = new URL(connection.url);
  if (connection.kind === 'proxmox' && url.port === '' && url.protocol === 'https:') {
    url.port = String(proxmoxDefaultPort);
  }
  return url.origin;
}

/**
 * Samples this thread's CPU while `work` runs (`--profile`): the profile is written to a file
 * for DevTools or speedscope, and the functions with the most self time are printed.
 */
async function withProfile<T>(name: string, what: string, work: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    const file = path.join(os.tmpdir(), `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`CPU profile of ${what} written to ${file}; most self time:`);
    for (const entry of hottestFunctions(profile, 20)) {
      console.log(`  ${entry.self_ms.toFixed(1).padStart(9)} ms  ${entry.function} (${entry.url})`);
    }
  }
}

/**
 * What the machine's cores allow: the app's sync and the lab it talks to share them, so the sync
 * cannot take less wall time than their CPU seconds spread perfectly over every core. Printed
 * beside the reference to show how much of the gap is work the machine has to do at all.
 */
function cpuFloor(
  appCpuS: number,
  labCpuS: number | null,
  bareLabCpuS: number | null,
  bareS: number,
): ReturnType<typeof figure>[] {
  if (labCpuS === null || bareLabCpuS === null) return [];
  const cores = os.cpus().length;
  return [
    figure('CPU of the lab during the full sync', labCpuS, 's', {
      name: 'during the bare replay',
      value: bareLabCpuS,
      unit: 's',
    }),
    figure(
      `floor: (this process + lab CPU) / ${String(cores)} cores`,
      (appCpuS + labCpuS) / cores,
      's',
      { name: 'bare undici loop, same requests', value: bareS, unit: 's' },
    ),
  ];
}

/** One full sync of every profile from a process of its own (see `lab-warm-up.ts`). */
function warmUpLab(dir: string): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/lab-warm-up.ts',
      path.join(dir, 'manifest.json'),
      path.join(dir, 'warm-up'),
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`the lab's warm-up sync failed (exit ${result.status})`);
  return performance.now() - started;
}

export async function benchSync(size: number, options: { profile?: boolean } = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-bench-'));
  console.log(`starting a lab of ${size} assets…`);
  const lab = await startLabProcess(size, dir);
  try {
    const warmUpMs = warmUpLab(dir);
    console.log(
      `lab warmed up by a sync from another process in ${(warmUpMs / 1000).toFixed(1)} s`,
    );
    const store = openStore({ dataDir: path.join(dir, 'data'), logger: silentLogger });
    await store.vault.setup('bench passphrase 1');
    const manifest = Manifest.parse(
      JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')),
    );
    importManifest(store.db, store.profiles, manifest);
    // Correlating and writing as the app does, each in a thread of its own, so the stall figure
    // is the app's.
    const writer = workerSyncWriter({
      db: store.db,
      createWorker: sourceSyncWriterWorker,
      logger: consoleWarnings,
    });
    const engine = new SyncEngine({
      db: store.db,
      profiles: store.profiles,
      connectors: defaultConnectors(),
      logger: silentLogger,
      correlate: workerCorrelator({
        db: store.db,
        createWorker: sourceCorrelationWorker,
        logger: consoleWarnings,
      }),
      writer,
    });

    const captured: Captured[] = [];
    // One array per distinct header set: at 100 000 assets the replay list is half a million
    // requests long, and it lives in the process whose memory is being measured.
    const headerSets = new Map<string, string[]>();
    const onCreate = (message: unknown): void => {
      const r = (
        message as { request: { origin: string; method: string; path: string; headers: unknown } }
      ).request;
      const headers = Array.isArray(r.headers) ? (r.headers as string[]) : [];
      const key = headers.join('\n');
      let shared = headerSets.get(key);
      if (shared === undefined) {
        shared = headers;
        headerSets.set(key, shared);
      }
      captured.push({ origin: r.origin, method: r.method, path: r.path, headers: shared });
    };
    diagnostics.subscribe('undici:request:create', onCreate);
    const t0 = performance.now();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const syncAll = async () => {
      loopDelay.enable();
      try {
        return await withPeakRss(() => engine.sync('all'));
      } finally {
        loopDelay.disable();
      }
    };
    // This process's and the lab's CPU, and with `--profile` a CPU profile of this process.
    const measure = <T>(name: string, what: string, work: () => Promise<T>) =>
      withLabCpu(lab, () =>
        withCpu(() => (options.profile === true ? withProfile(name, what, work) : work())),
      );
    const {
      result: { result: first, cpuS: firstCpuS },
      labCpuS: firstLabCpuS,
    } = await measure(`rackside-sync-${size}`, 'the first sync', syncAll);
    const firstMs = performance.now() - t0;
    diagnostics.unsubscribe('undici:request:create', onCreate);
    const failed = first.result.filter((o) => o.status !== 'ok');
    if (failed.length > 0) throw new Error(`sync failed: ${JSON.stringify(failed)}`);
    // Printed at once: at 100 000 assets the re-sync and the replay take a while longer.
    console.log(
      `longest main-thread stall ${(loopDelay.max / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`,
    );
    console.log(
      `first sync ${(firstMs / 1000).toFixed(1)} s (${firstCpuS.toFixed(1)} s CPU, peak RSS ${first.peakMiB.toFixed(0)} MiB, ${captured.length} HTTP requests)`,
    );

    const t1 = performance.now();
    const again = await engine.sync('all');
    const resyncMs = performance.now() - t1;
    const changed = again.reduce((n, o) => n + o.added + o.changed + o.removed, 0);
    console.log(`re-sync ${(resyncMs / 1000).toFixed(1)} s (${changed} records changed)`);

    const kinds = new Map<string, string>();
    for (const profile of store.profiles.list()) {
      const origin = profileOrigin(profile);
      if (origin !== null) kinds.set(origin, profile.connection.kind);
    }
    const replayAll = () =>
      replay(captured, (origin) => kinds.get(origin) ?? origin, {
        perOrigin: httpDefaults.concurrency,
        perKind: defaultPerKindConcurrency,
      });
    // Profiled too with `--profile`: what the reference spends is what the app cannot avoid.
    const {
      result: { result: bare, cpuS: bareCpuS },
      labCpuS: bareLabCpuS,
    } = await measure(`rackside-replay-${size}`, 'the bare replay', replayAll);

    console.log(`bare replay ${(bare.ms / 1000).toFixed(1)} s (${bareCpuS.toFixed(1)} s CPU)`);
    const keeper = bodyKeeper(path.join(dir, 'kept.db'));
    const {
      result: { result: kept, cpuS: keptCpuS },
    } = await withLabCpu(lab, () =>
      withCpu(() =>
        replay(
          captured,
          (origin) => kinds.get(origin) ?? origin,
          { perOrigin: httpDefaults.concurrency, perKind: defaultPerKindConcurrency },
          keeper.keep,
        ),
      ),
    );
    keeper.close();
    console.log(
      `replay that parses and keeps every body ${(kept.ms / 1000).toFixed(1)} s (${keptCpuS.toFixed(1)} s CPU)`,
    );
    const truthFile = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as {
      machines: { records: { system: string; externalId: string }[] }[];
    };
    const truth = truthFile.machines.map((m) =>
      m.records.map((r) => `${r.system}|${r.externalId}`),
    );
    const links = store.db
      .prepare(
        'SELECT asset_id, system, external_id FROM asset_links JOIN source_records USING (profile_id, external_id)',
      )
      .all() as { asset_id: number; system: string; external_id: string }[];
    const groups = new Map<number, string[]>();
    for (const l of links)
      groups.set(l.asset_id, [...(groups.get(l.asset_id) ?? []), `${l.system}|${l.external_id}`]);
    const scores = pairwiseScores([...groups.values()], truth);
    const records = first.result.reduce((n, o) => n + o.fetched, 0);
    const assets = (store.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;

    report(
      `sync-${size}`,
      [
        figure(
          'full sync (app)',
          firstMs / 1000,
          's',
          { name: 'bare undici loop, same requests', value: bare.ms / 1000, unit: 's' },
          '≤ 1.3× reference',
        ),
        figure(
          'fetch + JSON.parse + store every body',
          kept.ms / 1000,
          's',
          { name: 'bare undici loop, same requests', value: bare.ms / 1000, unit: 's' },
          'the least any client that keeps what it fetches spends',
        ),
        figure('full sync (app)', firstMs / 1000, 's', {
          name: 'fetch + JSON.parse + store every body',
          value: kept.ms / 1000,
          unit: 's',
        }),
        figure(
          're-sync, unchanged fleet',
          resyncMs / 1000,
          's',
          { name: 'first sync', value: firstMs / 1000, unit: 's' },
          '≤ 1/3 of the first sync',
        ),
        // On a shared machine wall times move with the neighbours' load; CPU time is steadier.
        figure('CPU of this process during the full sync', firstCpuS, 's', {
          name: 'CPU of the bare undici loop',
          value: bareCpuS,
          unit: 's',
        }),
        ...cpuFloor(firstCpuS, firstLabCpuS, bareLabCpuS, bare.ms / 1000),
        figure('peak RSS during first sync', first.peakMiB, 'MiB'),
        // How long the app's core could not answer the UI at worst: the sync runs in it.
        figure('longest main-thread stall during first sync', round(loopDelay.max / 1e6), 'ms'),
        figure(
          'main-thread stall p99 during first sync',
          round(loopDelay.percentile(99) / 1e6),
          'ms',
        ),
        figure('records stored', records, 'records'),
        figure('assets', assets, 'assets'),
        figure('HTTP requests replayed', captured.length, 'requests'),
        figure('bytes replayed', bare.bytes / 1048576, 'MiB'),
        figure('records changed by re-sync', changed, 'records'),
        figure('merge precision', scores.precision, ''),
        figure('merge recall', scores.recall, ''),
      ],
      {
        size,
        seed: 1,
        cpus: os.cpus().length,
        profiles: first.result.length,
        labWarmUpS: round(warmUpMs / 1000),
        // Sampling slows the first sync: such a run is not comparable with one without.
        ...(options.profile === true ? { profiled: true } : {}),
      },
    );
    await writer.close();
    store.close();
  } finally {
    lab.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
