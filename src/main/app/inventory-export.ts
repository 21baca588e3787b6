import { AppError } from '../../shared/errors';
import {
  maxPageSize,
  type AssetRow,
  type ExportFile,
  type ExportFormat,
  type InventoryQuery,
} from '../../shared/inventory';
import { ansibleInventory } from '../cli/ansible';
import { formatCsv } from '../cli/inventory-format';
import type { Sqlite } from '../db/sqlite';
import { inventoryJson } from '../inventory/inventory-json';
import type { InventoryService } from '../inventory/inventory-service';

export type ExportTarget = { query: string; sort: InventoryQuery['sort'] } | { ids: number[] };

/** Every asset matching the query, read page by page like the CLI does. */
function rowsOfQuery(inventory: InventoryService, query: string, sort: InventoryQuery['sort']) {
  const rows: AssetRow[] = [];
  for (;;) {
    const page = inventory.query({ query, sort, offset: rows.length, limit: maxPageSize });
    rows.push(...page.rows);
    if (page.rows.length === 0 || rows.length >= page.total) return rows;
  }
}

function rowsOfIds(inventory: InventoryService, ids: readonly number[]): AssetRow[] {
  return [...new Set(ids)].flatMap((id) => {
    try {
      return [inventory.asset(id).asset];
    } catch (error) {
      // An asset joined or split away since the selection was made is simply no longer there.
      if (error instanceof AppError && error.code === 'not-found') return [];
      throw error;
    }
  });
}

const extensions: Record<ExportFormat, string> = { csv: 'csv', json: 'json', ansible: 'yml' };

/**
 * The selection or filter as a file in one of the CLI's export formats; JSON as
 * `rackside inventory --format json` writes it. `profileNames` names the profiles in it.
 */
export function exportInventory(
  inventory: InventoryService,
  db: Sqlite,
  profileNames: ReadonlyMap<string, string>,
  target: ExportTarget,
  format: ExportFormat,
  now = new Date(),
): ExportFile {
  const rows =
    'ids' in target
      ? rowsOfIds(inventory, target.ids)
      : rowsOfQuery(inventory, target.query, target.sort);
  const content =
    format === 'csv'
      ? formatCsv(rows)
      : format === 'ansible'
        ? ansibleInventory(db, rows)
        : inventoryJson(db, profileNames, rows.length, inventory.sources(), rows);
  const stamp = now.toISOString().slice(0, 19).replaceAll(':', '-');
  return {
    fileName: `rackside-inventory-${stamp}.${extensions[format]}`,
    content,
    count: rows.length,
  };
}
