import { AppError } from '../../shared/errors';
import { maxJoin, type AssetDetail, type LinkView, type RecordRef } from '../../shared/inventory';
import { printable, UsageError } from './cli-io';
import { services, terminalWidth } from './inventory-commands';
import { table } from './inventory-format';
import type { CliSession } from './session';

/** The inventory as stored: showing, joining or splitting assets asks no source anything. */
const inventoryOf = (s: CliSession) => services(s).inventory;

/**
 * An asset by id (digits only: `12`, not `1e1`) or by its name when one asset has it; two of one
 * name (the same short name in two clusters) are named by id, as the error lists them.
 */
function assetId(s: CliSession, text: string): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const ids = (
    s.store.db
      .prepare('SELECT id FROM assets WHERE name = ? OR fqdn = ? ORDER BY id LIMIT 20')
      .all(text, text) as { id: number }[]
  ).map((row) => String(row.id));
  const [only, ...more] = ids;
  if (only === undefined) {
    throw new AppError('not-found', `There is no asset named "${text}" (nor with that id).`);
  }
  if (more.length > 0) {
    throw new UsageError(
      `${ids.length} assets are named "${text}": give one of their ids, ${ids.join(', ')}.`,
    );
  }
  return Number(only);
}

/**
 * The asset and the source records it merges, each with the key that linked it; on a terminal
 * narrower than `width`, a block of `HEADER:  value` lines a record, as `inventory`'s.
 */
export function formatAssetDetail(detail: AssetDetail, width = Infinity): string {
  const a = detail.asset;
  const field = (label: string, value: string | null): string =>
    `${`${label}:`.padEnd(10)}${value === null || value === '' ? '-' : value}`;
  return [
    field('asset', String(a.id)),
    field('name', a.name),
    field('fqdn', a.fqdn),
    field('kind', a.kind),
    field('status', a.freshness.offline ? `${a.status} (offline)` : a.status),
    field('os', a.os),
    field('ips', a.ips.join(' ')),
    field('macs', a.macs.join(' ')),
    field('cluster', a.cluster),
    field('groups', a.groups.join('; ')),
    field('tags', a.tags.join(' ')),
    field('data', a.freshness.message),
    '',
    table(
      ['SYSTEM', 'PROFILE', 'RECORD', 'NAME', 'LINKED BY', 'CONFIDENCE'],
      detail.links.map((l) => [
        l.system,
        l.profileName,
        l.externalId,
        l.name,
        l.matchKey,
        l.confidence.toFixed(2),
      ]),
      width,
    ),
  ].join('\n');
}

/** `rackside asset show ID`: what the asset detail in the app shows, and why records merged. */
export function showAsset(s: CliSession, id: string): number {
  const detail = inventoryOf(s).asset(assetId(s, id));
  s.print(detail, () => formatAssetDetail(detail, terminalWidth(s)));
  return 0;
}

/** `rackside asset join ID ID...`: one machine; kept across re-syncs. */
export async function joinAssets(s: CliSession, ids: string[]): Promise<number> {
  const assetIds = [...new Set(ids.map((id) => assetId(s, id)))];
  if (assetIds.length < 2) throw new UsageError('asset join takes two or more different assets.');
  if (assetIds.length > maxJoin) {
    throw new UsageError(`asset join takes at most ${String(maxJoin)} assets at a time.`);
  }
  const joined = await inventoryOf(s).join(assetIds);
  s.print(
    joined,
    () =>
      `Joined into asset ${String(joined.asset.id)}.\n${formatAssetDetail(joined, terminalWidth(s))}`,
  );
  return 0;
}

/**
 * The records of an asset that `refs` name: a record's id in its source (the RECORD column of
 * `asset show`), or `PROFILE:RECORD` where two profiles use the same id.
 */
function recordsNamed(links: readonly LinkView[], refs: readonly string[]): RecordRef[] {
  return refs.map((ref) => {
    const found = links.filter(
      (l) => l.externalId === ref || `${l.profileName}:${l.externalId}` === ref,
    );
    const [only, ...more] = found;
    if (only === undefined) {
      throw new UsageError(
        `The asset has no record "${printable(ref)}"; it has ${links.map((l) => printable(l.externalId)).join(', ')}.`,
      );
    }
    if (more.length > 0) {
      throw new UsageError(
        `"${printable(ref)}" is a record of ${String(found.length)} profiles here; name it as ${found.map((l) => `"${printable(`${l.profileName}:${l.externalId}`)}"`).join(' or ')}.`,
      );
    }
    return { profileId: only.profileId, externalId: only.externalId };
  });
}

/** `rackside asset split ID RECORD...`: moves records out into an asset of their own. */
export async function splitAsset(s: CliSession, id: string, refs: string[]): Promise<number> {
  const inventory = inventoryOf(s);
  const asset = assetId(s, id);
  const records = recordsNamed(inventory.asset(asset).links, refs);
  const split = await inventory.split(asset, records);
  const details = split.assetIds.map((assetId) => inventory.asset(assetId));
  s.print(split, () =>
    [
      `Split asset ${String(asset)} into ${split.assetIds.map(String).join(', ')}.`,
      ...details.map((detail) => formatAssetDetail(detail, terminalWidth(s))),
    ].join('\n\n'),
  );
  return 0;
}
