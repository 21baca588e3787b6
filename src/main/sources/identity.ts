import { isIP } from 'node:net';

/**
 * Normalized identity values for correlation (SourceRecord), shared by every connector: MACs
 * lower-case with colons, IPs in canonical text, machine ids and SMBIOS UUIDs lower-case.
 * Loopback, link-local, all-zero and placeholder values say nothing about which machine this is,
 * so they are dropped.
 */

/** `BC:24:11:5E:7A:01`, `bc-24-11-5e-7a-01` or `bc2411…` → `bc:24:11:5e:7a:01`; else null. */
export function normalizeMac(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const hex = value.trim().toLowerCase().replace(/[:.-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex) || /^0+$/.test(hex)) return null;
  return hex.match(/../g)?.join(':') ?? null;
}

/** An address, with or without `/prefix` and IPv6 `%scope`, in canonical text; else null. */
export function normalizeIp(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const bare = value
    .trim()
    .replace(/\/\d+$/, '')
    .replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) {
    const text = bare
      .split('.')
      .map((part) => String(Number(part)))
      .join('.');
    if (text.startsWith('127.') || text.startsWith('169.254.') || text === '0.0.0.0') return null;
    return text;
  }
  if (family === 6) {
    // The URL parser is Node's own IPv6 serializer: compressed, lower-case.
    const text = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    if (text === '::1' || text === '::' || /^fe[89ab][0-9a-f]:/.test(text)) return null;
    return text;
  }
  return null;
}

/**
 * Interfaces whose addresses say nothing about which machine this is: loopback, and container and
 * VM plumbing that repeats across hosts (Docker's `docker0` is 172.17.0.1 on every Docker host)
 * or carries random MACs (`veth…`, `tap…`, a Proxmox node's `fwpr…`).
 */
const plumbing = /^(lo|veth|docker|br-|virbr|cni|flannel|cali|tap|fwbr|fwpr|fwln|tun|wg)/;

export function isPlumbingInterface(name: string): boolean {
  return plumbing.test(name);
}

/** Adds each normalizable value once, keeping first-seen order. */
export function addUnique(
  into: string[],
  values: Iterable<string | undefined | null>,
  normalize: (value: string | undefined | null) => string | null,
): void {
  for (const value of values) {
    const normal = normalize(value);
    if (normal !== null && !into.includes(normal)) into.push(normal);
  }
}

/** `/etc/machine-id`: 32 hex digits, lower-case. */
export function normalizeMachineId(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const hex = value.trim().toLowerCase().replace(/-/g, '');
  return /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : null;
}

/** SMBIOS UUID, lower-case with dashes, without braces; placeholder values are dropped. */
export function normalizeSmbiosUuid(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value
    .trim()
    .toLowerCase()
    .replace(/^\{|\}$/g, '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)) return null;
  const hex = text.replace(/-/g, '');
  if (
    /^0+$/.test(hex) ||
    /^f+$/.test(hex) ||
    /^(0123456789abcdef|03000200040005000006)/.test(hex)
  ) {
    return null;
  }
  return text;
}
