import type { AssetRow, DriftItem, SyncOutcome } from '../../shared/inventory';
import { printable } from './cli-io';
import { displayWidth, padToWidth } from './format-width';

/**
 * A cell on one line: a line break or tab in a value from a source (an OS name, a host name) is
 * shown as `\x0a` or `\x09`, as other control characters are, instead of breaking the table.
 * Escaped here rather than only when printed, so that columns are measured as they are shown.
 */
function oneLine(cell: string): string {
  return printable(cell).replace(
    /[\n\t]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * Columns padded to the widest cell, in terminal columns (a CJK name or an emoji takes two).
 * Wider than `width` (a narrow terminal), where each row would wrap across the next, every row
 * is a block of `HEADER:  value` lines instead, as psql's expanded display: nothing is cut.
 */
export function table(header: string[], cells: string[][], width = Infinity): string {
  const rows = cells.map((row) => row.map(oneLine));
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const lines = [header, ...rows].map((r) =>
    r
      .map((cell, i) => padToWidth(cell, widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  if (lines.every((line) => displayWidth(line) <= width)) return lines.join('\n');
  const label = Math.max(...header.map(displayWidth)) + 3;
  return rows
    .map((r) => header.map((h, i) => `${padToWidth(`${h}:`, label)}${r[i] ?? ''}`).join('\n'))
    .join('\n\n');
}

/**
 * The table of `sync`, a row a source profile; on a terminal narrower than `width`, a block of
 * `HEADER:  value` lines a profile, as `inventory`'s.
 */
export function formatOutcomes(outcomes: readonly SyncOutcome[], width = Infinity): string {
  return table(
    ['PROFILE', 'SYSTEM', 'STATUS', 'RECORDS', 'ADDED', 'CHANGED', 'REMOVED', 'SECONDS'],
    outcomes.map((o) => [
      o.profileName,
      o.system,
      o.status,
      String(o.fetched),
      String(o.added),
      String(o.changed),
      String(o.removed),
      (o.durationMs / 1000).toFixed(1),
    ]),
    width,
  );
}

/**
 * The table of `inventory`: `rows` are the assets from `offset` on of the `total` that match.
 * Each row starts with the asset's id, which `asset show|join|split` take: two assets of one
 * name (the same short name in two clusters) are otherwise alike, and a name names neither.
 * `width`: the terminal's, where a table wider than that is shown an asset at a time.
 */
export function formatAssetTable(
  rows: readonly AssetRow[],
  total: number,
  offset = 0,
  width = Infinity,
): string {
  if (total === 0) return 'No assets match.';
  if (rows.length === 0) {
    return `No assets from ${String(offset + 1)} on: ${String(total)} ${total === 1 ? 'matches' : 'match'}.`;
  }
  const body = table(
    ['ID', 'NAME', 'KIND', 'STATUS', 'OS', 'IP', 'SYSTEMS', 'UPDATES'],
    rows.map((r) => [
      String(r.id),
      r.name,
      r.kind,
      r.freshness.offline ? `${r.status} (offline)` : r.status,
      r.os ?? '-',
      r.ips[0] ?? '-',
      r.systems.join(','),
      r.patch.updates === null ? '-' : String(r.patch.updates),
    ]),
    width,
  );
  if (rows.length === total) return body;
  return offset === 0
    ? `${body}\n(${String(rows.length)} of ${String(total)})`
    : `${body}\n(${String(offset + 1)}–${String(offset + rows.length)} of ${String(total)})`;
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function formatCsv(rows: readonly AssetRow[]): string {
  const header = [
    'id',
    'name',
    'fqdn',
    'kind',
    'status',
    'os',
    'ips',
    'macs',
    'cluster',
    'site',
    'groups',
    'tags',
    'updates',
    'security',
    'reboot_needed',
    'systems',
    'offline',
  ];
  const lines = rows.map((r) =>
    [
      String(r.id),
      r.name,
      r.fqdn ?? '',
      r.kind,
      r.status,
      r.os ?? '',
      r.ips.join(' '),
      r.macs.join(' '),
      r.cluster ?? '',
      r.site ?? '',
      r.groups.join('; '),
      r.tags.join(' '),
      r.patch.updates === null ? '' : String(r.patch.updates),
      r.patch.security === null ? '' : String(r.patch.security),
      r.patch.rebootNeeded === null ? '' : String(r.patch.rebootNeeded),
      r.systems.join(' '),
      String(r.freshness.offline),
    ]
      .map(cell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** The table of `drift`: each row starts with the asset's id, as `inventory`'s does. */
export function formatDrift(items: readonly DriftItem[], width = Infinity): string {
  if (items.length === 0) return 'No drift: every asset is where it is expected.';
  return table(
    ['ID', 'NAME', 'KIND', 'IN', 'MISSING FROM', 'WHY'],
    items.map((i) => [
      String(i.assetId),
      i.name,
      i.kind,
      i.presentIn.join(','),
      i.missingFrom.join(','),
      i.reason,
    ]),
    width,
  );
}
