import type { LinkView } from '../../../../shared/inventory';
import type { AssetRow } from '../../../../shared/inventory';
import { endpointOf, sourceUrlPort, type ProfileView } from '../../../../shared/profiles';
import { lxcHostname } from '../../../../shared/ssh';

/** The API paths a profile URL may end in (each client strips its own); the web UI is above them. */
const apiSuffix: Record<'foreman' | 'proxmox' | 'patchmon', RegExp> = {
  foreman: /\/api(\/v2)?$/,
  proxmox: /\/api2\/json$/,
  patchmon: /\/api\/v1$/,
};

/** The asset's page in its source system's own web UI, when that system has one and it is https. */
export function webUiUrl(link: LinkView, profile: ProfileView | undefined): string | undefined {
  if (!profile) return undefined;
  const c = profile.connection;
  if (c.kind !== 'foreman' && c.kind !== 'proxmox' && c.kind !== 'patchmon') return undefined;
  let base: URL;
  try {
    base = new URL(c.url);
  } catch {
    return undefined;
  }
  if (base.protocol !== 'https:') return undefined;
  // Proxmox VE serves its web UI where its API is: on the port the URL names, else on 8006.
  if (c.kind === 'proxmox') base.port = String(sourceUrlPort(c.kind, c.url));
  const path = base.pathname.replace(/\/+$/, '').replace(apiSuffix[c.kind], '');
  const root = `${base.origin}${path}`;
  switch (c.kind) {
    case 'foreman': {
      // Foreman names a host by its FQDN (`web01.example.net`), which the record keeps; the
      // asset's short name finds no host there. Its numeric id works as well.
      const host = (link.raw.host as { name?: unknown } | null | undefined)?.name;
      const id = typeof host === 'string' && host !== '' ? host : link.externalId;
      return `${root}/hosts/${encodeURIComponent(id)}`;
    }
    case 'patchmon':
      return `${root}/hosts/${encodeURIComponent(link.externalId)}`;
    case 'proxmox': {
      // External ids are `<cluster>/<qemu|lxc>/<vmid>` or `<cluster>/node/<name>`.
      const [, type, id] = link.externalId.split('/');
      if (type === undefined || id === undefined) return `${root}/`;
      return `${root}/#v1:0:=${encodeURIComponent(`${type}/${id}`)}:4:::::::`;
    }
  }
}

export interface RawField {
  path: string;
  /** As shown: text as it is, anything else (null, numbers, true, [], {}) as JSON. */
  value: string;
  /** Not text: null, a number, a boolean or an empty list or object. */
  literal: boolean;
}

/**
 * A text as shown among the record's values: as it is, unless it is empty or would read as
 * another value (`null`, `42`, `true`, `""`): then in quotes, as JSON writes it, so that the
 * text "null" and a null, or an empty text and a missing one, never look the same.
 */
function shownText(text: string): string {
  if (text === '') return '""';
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(text);
}

/** Every leaf of a raw record as `a.b[2].c = value`, in document order. */
export function flattenRaw(value: unknown, path = ''): RawField[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ path, value: '[]', literal: true }];
    return value.flatMap((item, i) => flattenRaw(item, `${path}[${String(i)}]`));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [{ path, value: '{}', literal: true }];
    return entries.flatMap(([key, item]) => flattenRaw(item, path === '' ? key : `${path}.${key}`));
  }
  if (typeof value === 'string') return [{ path, value: shownText(value), literal: false }];
  return [{ path, value: JSON.stringify(value), literal: true }];
}

export type SshTarget =
  | { kind: 'profile'; profileId: string; label: string }
  | { kind: 'quick'; user: string; host: string };

/** Whether `name` has `word` in it as a whole host name ("Lab SSH web01" has web01, not web0). */
function hasWord(name: string, word: string): boolean {
  if (word === '') return false;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9.-])${escaped}($|[^a-z0-9.-])`, 'i').test(name);
}

/**
 * How to reach an asset over SSH: an SSH profile whose host is the asset's name, FQDN or one of
 * its addresses, else one named after the asset (a profile for `web01` through a tunnel or a jump
 * host often has another address); otherwise a quick connection as root to its FQDN or first
 * address (the password is asked for and never stored).
 */
export function sshTargetOf(
  asset: AssetRow,
  profiles: readonly ProfileView[],
): SshTarget | undefined {
  const names = new Set(
    [asset.name, asset.fqdn, ...asset.ips].flatMap((v) => (v ? [v.toLowerCase()] : [])),
  );
  const ssh = profiles.filter((p) => p.connection.kind === 'ssh');
  const profile =
    ssh.find((p) => names.has(endpointOf(p.connection).host.toLowerCase())) ??
    ssh.find((p) => hasWord(p.name, asset.name));
  if (profile) return { kind: 'profile', profileId: profile.id, label: profile.name };
  const host = asset.fqdn ?? asset.ips[0];
  return host === undefined ? undefined : { kind: 'quick', user: 'root', host };
}

/** A Proxmox container's console: `pct enter <vmid>` on its node, or why it cannot be opened. */
export type ConsoleTarget =
  | {
      kind: 'lxc';
      nodeProfileId: string;
      profileName: string;
      node: string;
      vmid: number;
      /** The container's host name, which the node's container must have to be entered. */
      hostname: string | null;
    }
  | { kind: 'no-node-profile'; node: string; vmid: number };

/**
 * The console of a Proxmox LXC container through its node: an SSH profile whose host is the
 * node's name or a name under it (`pve01`, `pve01.example.net`), else one whose own name has the
 * node's name as a word ("pve01 root"). Node names repeat across clusters, so of several such
 * profiles one that names the container's cluster too is taken; the node checks the container's
 * host name before entering it (`lxcConsoleCommand`). Undefined when no Proxmox record says the
 * asset is a container on a node.
 */
export function lxcConsoleOf(
  links: readonly LinkView[],
  profiles: readonly ProfileView[],
): ConsoleTarget | undefined {
  for (const link of links) {
    if (link.system !== 'proxmox') continue;
    const [, cluster = '', id = ''] = /^(.*)\/lxc\/(\d+)$/.exec(link.externalId) ?? [];
    const vmid = Number(id);
    const resource = link.raw.resource as { node?: unknown; name?: unknown } | null | undefined;
    const node = typeof resource?.node === 'string' ? resource.node.toLowerCase() : '';
    if (!Number.isSafeInteger(vmid) || vmid <= 0 || node === '') continue;
    const name = typeof resource?.name === 'string' ? resource.name : '';
    const hostname = lxcHostname.test(name) ? name : null;
    const ssh = profiles.filter((p) => p.connection.kind === 'ssh');
    const hostOf = (p: ProfileView) => endpointOf(p.connection).host.toLowerCase();
    const byHost = ssh.filter((p) => hostOf(p) === node || hostOf(p).startsWith(`${node}.`));
    const candidates = byHost.length > 0 ? byHost : ssh.filter((p) => hasWord(p.name, node));
    const ofCluster = (p: ProfileView) =>
      hasWord(p.name, cluster) || hostOf(p).includes(`.${cluster.toLowerCase()}.`);
    const profile = candidates.find(ofCluster) ?? candidates[0];
    return profile
      ? { kind: 'lxc', nodeProfileId: profile.id, profileName: profile.name, node, vmid, hostname }
      : { kind: 'no-node-profile', node, vmid };
  }
  return undefined;
}
