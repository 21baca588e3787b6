import type { SourceSystem } from './types';

/**
 * Fields of a record's `raw` that move on every poll without anything about the machine changing:
 * counters, load, uptime and the time of the poll itself. They stay in the stored raw record (as
 * of the last real change) but are left out of the change hash, so a re-sync of a quiet fleet
 * changes nothing. Paths are keys from the root of `raw`.
 */
export const volatileRawFields: Readonly<Record<SourceSystem, readonly (readonly string[])[]>> = {
  proxmox: [
    ['observedAt'],
    // `/cluster/resources` entries (guests and nodes).
    ['resource', 'uptime'],
    ['resource', 'cpu'],
    ['resource', 'mem'],
    ['resource', 'disk'],
    ['resource', 'netin'],
    ['resource', 'netout'],
    ['resource', 'diskread'],
    ['resource', 'diskwrite'],
    // `/nodes/{node}/status`.
    ['status', 'uptime'],
    ['status', 'cpu'],
    ['status', 'wait'],
    ['status', 'idle'],
    ['status', 'loadavg'],
    ['status', 'memory'],
    ['status', 'swap'],
    ['status', 'rootfs'],
    ['status', 'ksm'],
    ['status', 'time'],
  ],
  foreman: [
    // Foreman computes it as now − boot time on every request.
    ['host', 'uptime_seconds'],
  ],
  patchmon: [],
  routeros: [
    ['resource', 'uptime'],
    ['resource', 'cpu-load'],
    ['resource', 'free-memory'],
    ['resource', 'free-hdd-space'],
    ['resource', 'write-sect-since-reboot'],
    ['resource', 'write-sect-total'],
  ],
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function present(raw: Json, path: readonly string[]): boolean {
  let node: unknown = raw;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return true;
}

/**
 * `raw` without its volatile fields: `raw` itself when it has none, else a copy (the objects on
 * the way to a removed field are copied; `raw` is never changed).
 */
export function stableRaw(system: SourceSystem, raw: Json): Json {
  const paths = volatileRawFields[system];
  if (!paths.some((path) => present(raw, path))) return raw;
  const top = { ...raw };
  const copies = new Set<Json>([top]);
  for (const path of paths) {
    let node: Json | null = top;
    for (const key of path.slice(0, -1)) {
      const child: unknown = node[key];
      if (!isObject(child)) {
        node = null;
        break;
      }
      if (copies.has(child)) node = child;
      else {
        const copy = { ...child };
        copies.add(copy);
        node[key] = copy;
        node = copy;
      }
    }
    const last = path.at(-1);
    if (node !== null && last !== undefined) Reflect.deleteProperty(node, last);
  }
  return top;
}
