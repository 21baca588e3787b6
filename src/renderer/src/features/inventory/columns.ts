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
  /** Its header's edge drags it wider or narrower (names are the cells most often cut). */
  resizable?: boolean;
  defaultVisible: boolean;
}

/**
 * The default columns add up to 1 029 px: with the sidebar they fit a 1 280 px wide window,
 * patch columns included, without scrolling sideways.
 */
export const columnMeta: Record<ColumnId, ColumnMeta> = {
  select: { label: 'Select', width: 30, fixed: true, defaultVisible: true },
  freshness: { label: 'Freshness', width: 26, fixed: true, defaultVisible: true },
  name: { label: 'Name', width: 150, sort: 'name', resizable: true, defaultVisible: true },
  kind: { label: 'Kind', width: 78, sort: 'kind', defaultVisible: true },
  status: { label: 'Status', width: 76, sort: 'status', defaultVisible: true },
  systems: { label: 'Sources', width: 112, defaultVisible: true },
  os: { label: 'OS', width: 132, sort: 'os', defaultVisible: true },
  fqdn: { label: 'FQDN', width: 230, sort: 'fqdn', defaultVisible: false },
  ips: { label: 'IP addresses', width: 125, defaultVisible: true },
  cluster: { label: 'Cluster', width: 96, sort: 'cluster', defaultVisible: true },
  site: { label: 'Site', width: 90, defaultVisible: false },
  groups: { label: 'Groups', width: 150, sort: 'group', defaultVisible: false },
  tags: { label: 'Tags', width: 130, defaultVisible: false },
  updates: { label: 'Updates', width: 70, sort: 'updates', defaultVisible: true },
  security: { label: 'Security', width: 72, sort: 'security', defaultVisible: true },
  reboot: { label: 'Reboot', width: 62, defaultVisible: true },
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

/** The narrowest and widest a resizable column can be dragged to, in pixels. */
export const columnWidthRange = { min: 80, max: 600 } as const;

const Layout = z.object({
  order: z.array(z.string()),
  hidden: z.array(z.string()),
  widths: z.record(z.string(), z.number()).optional(),
});
export interface ColumnLayout {
  order: ColumnId[];
  hidden: ColumnId[];
  /** Widths the user dragged resizable columns to; the others have their default. */
  widths?: Partial<Record<ColumnId, number>>;
}

/** A width within `columnWidthRange`, in whole pixels. */
export function clampWidth(width: number): number {
  return Math.round(Math.min(columnWidthRange.max, Math.max(columnWidthRange.min, width)));
}

/** A column's width in this layout. */
export function columnWidth(layout: ColumnLayout, id: ColumnId): number {
  const dragged = columnMeta[id].resizable ? layout.widths?.[id] : undefined;
  return dragged ?? columnMeta[id].width;
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
      if (isColumnId(id) && columnMeta[id].resizable) widths[id] = clampWidth(width);
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
