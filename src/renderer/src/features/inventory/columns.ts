import { z } from 'zod';
import type { AssetRow, SortField } from '../../../../shared/inventory';

/** Columns of the inventory table, in their default order. */
export const columnIds = [
  'select',
  'freshness',
  'name',
  'kind',
  'status',
  'systems',
  'os',
  'fqdn',
  'ips',
  'cluster',
  'site',
  'groups',
  'tags',
  'updates',
  'security',
  'reboot',
] as const;
export type ColumnId = (typeof columnIds)[number];

export interface ColumnMeta {
  label: string;
  width: number;
  /** The server sort behind a click on the header, when there is one. */
  sort?: SortField;
  /** Always shown, never moved (selection and freshness). */
  fixed?: boolean;
  /**
   * The narrowest it can be made from its header's edge (dragged, or ← → on it): its header's
   * word still shows, or enough of it beside the sort arrow. None for a column that keeps its
   * width (selection and freshness).
   */
  minWidth?: number;
  defaultVisible: boolean;
}

/**
 * The default columns add up to 1 029 px: with the sidebar they fit a 1 280 px wide window,
 * patch columns included, without scrolling sideways.
 */
export const columnMeta: Record<ColumnId, ColumnMeta> = {
  select: { label: 'Select', width: 30, fixed: true, defaultVisible: true },
  freshness: { label: 'Freshness', width: 26, fixed: true, defaultVisible: true },
  name: { label: 'Name', width: 150, minWidth: 80, sort: 'name', defaultVisible: true },
  kind: { label: 'Kind', width: 78, minWidth: 56, sort: 'kind', defaultVisible: true },
  status: { label: 'Status', width: 76, minWidth: 60, sort: 'status', defaultVisible: true },
  systems: { label: 'Sources', width: 112, minWidth: 64, defaultVisible: true },
  os: { label: 'OS', width: 132, minWidth: 60, sort: 'os', defaultVisible: true },
  fqdn: { label: 'FQDN', width: 230, minWidth: 80, sort: 'fqdn', defaultVisible: false },
  ips: { label: 'IP addresses', width: 125, minWidth: 80, defaultVisible: true },
  cluster: { label: 'Cluster', width: 96, minWidth: 60, sort: 'cluster', defaultVisible: true },
  site: { label: 'Site', width: 90, minWidth: 48, defaultVisible: false },
  groups: { label: 'Groups', width: 150, minWidth: 60, sort: 'group', defaultVisible: false },
  tags: { label: 'Tags', width: 130, minWidth: 48, defaultVisible: false },
  updates: { label: 'Updates', width: 70, minWidth: 48, sort: 'updates', defaultVisible: true },
  security: { label: 'Security', width: 72, minWidth: 48, sort: 'security', defaultVisible: true },
  reboot: { label: 'Reboot', width: 62, minWidth: 48, defaultVisible: true },
};

export const groupByOptions = ['none', 'group', 'kind', 'status', 'os', 'cluster'] as const;
export type GroupBy = (typeof groupByOptions)[number];

export const groupByLabels: Record<GroupBy, string> = {
  none: 'No grouping',
  group: 'Source group',
  kind: 'Kind',
  status: 'Status',
  os: 'OS',
  cluster: 'Cluster',
};

/** The server sort that keeps each group together. */
export const groupSort: Record<Exclude<GroupBy, 'none'>, SortField> = {
  group: 'group',
  kind: 'kind',
  status: 'status',
  os: 'os',
  cluster: 'cluster',
};

export function groupValue(row: AssetRow, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'none':
      return '';
    case 'group':
      // The server sorts on the first group, so the first group is what keeps rows together.
      return row.groups[0] ?? 'no group';
    case 'kind':
      return row.kind;
    case 'status':
      return row.status;
    case 'os':
      return row.os ?? 'unknown';
    case 'cluster':
      // The server sorts on the cluster alone (those without one last, by name): a group per
      // site among them would break into pieces between the rows of other sites.
      return row.cluster ?? 'no cluster';
  }
}

/** The widest a column can be made, in pixels. */
export const maxColumnWidth = 600;

const Layout = z.object({
  order: z.array(z.string()),
  hidden: z.array(z.string()),
  widths: z.record(z.string(), z.number()).optional(),
});
export interface ColumnLayout {
  order: ColumnId[];
  hidden: ColumnId[];
  /** Widths the user gave resizable columns; the others have their default. */
  widths?: Partial<Record<ColumnId, number>>;
}

/** The widths a column can be given: none for one that keeps its width. */
export function widthRange(id: ColumnId): { min: number; max: number } | undefined {
  const min = columnMeta[id].minWidth;
  return min === undefined ? undefined : { min, max: maxColumnWidth };
}

/** A width column `id` can have, in whole pixels: its default for one that keeps its width. */
export function clampWidth(id: ColumnId, width: number): number {
  const range = widthRange(id);
  if (range === undefined) return columnMeta[id].width;
  return Math.round(Math.min(range.max, Math.max(range.min, width)));
}

/** A column's width in this layout. */
export function columnWidth(layout: ColumnLayout, id: ColumnId): number {
  const given = widthRange(id) === undefined ? undefined : layout.widths?.[id];
  return given ?? columnMeta[id].width;
}

/** The layout with column `id` at `width` (kept within its range), or its default (undefined). */
export function withWidth(
  layout: ColumnLayout,
  id: ColumnId,
  width: number | undefined,
): ColumnLayout {
  const widths = Object.fromEntries(
    Object.entries(layout.widths ?? {}).filter(([column]) => column !== id),
  );
  if (width !== undefined && widthRange(id) !== undefined) widths[id] = clampWidth(id, width);
  return { ...layout, widths };
}

const layoutKey = 'rackside.inventory.columns';
const isColumnId = (id: string): id is ColumnId => (columnIds as readonly string[]).includes(id);

export const defaultLayout: ColumnLayout = {
  order: [...columnIds],
  hidden: columnIds.filter((id) => !columnMeta[id].defaultVisible),
};

/** The column layout from browser storage, repaired when columns were added or removed since. */
export function readLayout(storage: Storage = window.localStorage): ColumnLayout {
  try {
    const parsed = Layout.safeParse(JSON.parse(storage.getItem(layoutKey) ?? 'null'));
    if (!parsed.success) return defaultLayout;
    const order = parsed.data.order.filter(isColumnId);
    for (const id of columnIds) if (!order.includes(id)) order.push(id);
    const widths: Partial<Record<ColumnId, number>> = {};
    for (const [id, width] of Object.entries(parsed.data.widths ?? {})) {
      if (isColumnId(id) && widthRange(id) !== undefined) widths[id] = clampWidth(id, width);
    }
    return { order, hidden: parsed.data.hidden.filter(isColumnId), widths };
  } catch {
    return defaultLayout;
  }
}

export function writeLayout(layout: ColumnLayout, storage: Storage = window.localStorage): void {
  storage.setItem(layoutKey, JSON.stringify(layout));
}

/** Moves a column one place left (-1) or right (+1) among the movable ones. */
export function moveColumn(order: readonly ColumnId[], id: ColumnId, by: -1 | 1): ColumnId[] {
  const next = [...order];
  const from = next.indexOf(id);
  const to = from + by;
  const target = next[to];
  if (from === -1 || target === undefined || columnMeta[target].fixed) return next;
  next[from] = target;
  next[to] = id;
  return next;
}
