import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { fleetStore } from '../sync/test-fleet';
import { InventoryService } from './inventory-service';

const key = (l: { system: string; externalId: string }): string => `${l.system}/${l.externalId}`;

/** Two machines each known to Foreman and Proxmox VE, merged by their keys, then joined by hand. */
async function joinedPair() {
  const fleet = generateFleet({ size: 40, seed: 5 });
  const { store, engine } = await fleetStore(() => fleet);
  await engine.sync('all');
  const inventory = new InventoryService(store.db, () => engine.freshness());
  const [first, second] = inventory
    .query({ query: 'source:foreman source:proxmox -source:patchmon', limit: 2 })
    .rows.map((row) => inventory.asset(row.id));
  if (first === undefined || second === undefined) throw new Error('missing assets');
  const joined = await inventory.join([first.asset.id, second.asset.id]);
  return { store, engine, inventory, joined };
}

describe('splitting a record out of a hand-joined asset', () => {
  it('keeps every other record together, whichever record leaves, also after a re-sync', async () => {
    const records = (await joinedPair()).joined.links.map(key).sort();
    expect(records).toHaveLength(4);
    // Each record in turn, from the same join: the user cannot tell which one the join hangs on.
    for (const leaving of records) {
      const { store, engine, inventory, joined } = await joinedPair();
      const link = joined.links.find((l) => key(l) === leaving);
      if (link === undefined) throw new Error(`${leaving} is not in the join`);
      const { assetIds } = await inventory.split(joined.asset.id, [link]);
      const groups = () =>
        assetIds
          .map((id) => inventory.asset(id).links.map(key).sort())
          .sort((a, b) => a.length - b.length);
      // Two assets: the record alone, and the other three still one machine.
      const expected = [[leaving], records.filter((r) => r !== leaving)];
      expect(groups(), `split ${leaving}`).toEqual(expected);
      await engine.sync('all');
      expect(groups(), `split ${leaving}, synced again`).toEqual(expected);
      store.close();
    }
  });

  it.each(['foreman', 'proxmox'] as const)(
    "forgets the hand decisions about a removed %s profile's records, and keeps the others joined",
    async (system) => {
      const { store, engine, inventory, joined } = await joinedPair();
      const overrides = (profileId: string): unknown =>
        store.db
          .prepare('SELECT count(*) FROM link_overrides WHERE a_profile = ? OR b_profile = ?')
          .pluck()
          .get(profileId, profileId);
      const gone = joined.links.find((l) => l.system === system);
      if (gone === undefined) throw new Error(`no ${system} record in the join`);
      const staying = joined.links
        .filter((l) => l.system !== system)
        .map(key)
        .sort();
      expect(overrides(gone.profileId)).not.toBe(0);
      store.profiles.remove(gone.profileId);
      expect(overrides(gone.profileId)).toBe(0);
      // Merged again without them, as the app and the next sync do: the rest is one machine.
      await engine.recorrelate();
      await engine.sync('all');
      const holding = inventory
        .query({ query: '', limit: 500 })
        .rows.map((row) => inventory.asset(row.id).links.map(key).sort())
        .filter((links) => links.some((l) => staying.includes(l)));
      expect(holding).toEqual([staying]);
      store.close();
    },
  );
});
