import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../lab';
import { pairwiseScores } from '../inventory/correlation-quality';
import { tempDir } from '../db/test-helpers';
import { cli } from './test-helpers';

const env = { RACKSIDE_PASSPHRASE: 'lab flow passphrase 1' };
/** The fleet size the requirement names (`npm run lab -- --size 1000`). */
const size = 1000;
let lab: Lab | undefined;

beforeAll(async () => {
  lab = await startLab({ size, seed: 3 });
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

interface InventoryJson {
  total: number;
  sources: { profileName: string; offline: boolean; message: string }[];
  assets: {
    name: string;
    systems: string[];
    freshness: { offline: boolean; message: string };
    records: { system: string; externalId: string }[];
  }[];
}

describe('the lab, end to end through the CLI', () => {
  it('imports, syncs the merged fleet, keeps answering offline and fails clearly', async () => {
    const running = lab!;
    const dir = tempDir();
    const manifest = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifest, JSON.stringify(running.manifest()));
    expect((await cli(['--data-dir', dir, 'profiles', 'import', manifest], { env })).code).toBe(0);

    const synced = await cli(['--data-dir', dir, 'sync', '--all'], { env });
    // Nothing failed; what the lab's deliberate faults keep back (a Proxmox node it keeps
    // unreachable, a router whose update check fails) is said as warnings.
    const said = synced.stderr.split('\n').filter((line) => line !== '');
    expect(
      said.every((line) => /^rackside: Lab [^:]+: warning: /.test(line)),
      said.join('\n'),
    ).toBe(true);
    expect(said.some((line) => /node \S+ is unreachable/.test(line))).toBe(true);
    expect(synced.code).toBe(0);

    // Logging in with a profile's credential says who it is and what it may see.
    const login = await cli(['--data-dir', dir, 'profiles', 'test', 'Lab Foreman'], { env });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/^Foreman \d+\.\d+\.\d+, logged in as \S+/);
    expect(login.stdout).toMatch(/^ok {3}Sees \d+ hosts$/m);

    const listed = await cli(['--data-dir', dir, 'inventory', '--format', 'json']);
    const before = JSON.parse(listed.stdout) as InventoryJson;
    const predicted = before.assets.map((a) => a.records.map((r) => `${r.system}|${r.externalId}`));
    const truth = running
      .truth()
      .map((m) => m.records.map((r) => `${r.system}|${r.externalId}`))
      .filter((g) => g.length > 0);
    const scores = pairwiseScores(predicted, truth);
    console.log(
      `lab ${size} via connectors: ${before.total} assets for ${truth.length} machines, precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}`,
    );
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.99);
    expect(before.sources.every((s) => !s.offline)).toBe(true);

    await running.close();
    lab = undefined;
    // Without a sync: the same assets, each saying its data is offline and why.
    const offlineRead = JSON.parse(
      (await cli(['--data-dir', dir, 'inventory', '--format', 'json'])).stdout,
    ) as InventoryJson;
    const strip = (a: InventoryJson['assets'][number]) => ({ ...a, freshness: null });
    expect(offlineRead.assets.map(strip)).toEqual(before.assets.map(strip));
    expect(offlineRead.sources.every((s) => s.offline)).toBe(true);
    expect(offlineRead.assets[0]?.freshness.message).toMatch(
      /^offline — data from \d{4}-.*cannot reach 127\.0\.0\.1:\d+: connection refused/,
    );

    const refused = await cli(['--data-dir', dir, 'profiles', 'test', 'Lab Foreman'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/connection refused/);

    const failed = await cli(['--data-dir', dir, 'sync', '--all'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /rackside: Lab Foreman \(foreman\) failed: .+; its previous data is kept\./,
    );

    const after = JSON.parse(
      (await cli(['--data-dir', dir, 'inventory', '--format', 'json'])).stdout,
    ) as InventoryJson;
    expect(after.assets.map(strip)).toEqual(before.assets.map(strip));
    expect(after.sources.every((s) => s.offline)).toBe(true);
    expect(after.assets[0]?.freshness.message).toMatch(/^offline — data from \d{4}-/);
  }, 300_000);
});
