import type { LinkView } from '../../../../shared/inventory';
import type { AssetRow } from '../../../../shared/inventory';
import { endpointOf, type ProfileView } from '../../../../shared/profiles';

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
  const root = base.href.replace(/\/+$/, '');
  switch (c.kind) {
    case 'foreman':
      return `${root}/hosts/${encodeURIComponent(link.name)}`;
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
  value: string;
}

/** Every leaf of a raw record as `a.b[2].c = value`, in document order. */
export function flattenRaw(value: unknown, path = ''): RawField[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ path, value: '[]' }];
    return value.flatMap((item, i) => flattenRaw(item, `${path}[${String(i)}]`));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [{ path, value: '{}' }];
    return entries.flatMap(([key, item]) => flattenRaw(item, path === '' ? key : `${path}.${key}`));
  }
  return [{ path, value: typeof value === 'string' ? value : JSON.stringify(value) }];
}

export type SshTarget =
  | { kind: 'profile'; profileId: string; label: string }
  | { kind: 'quick'; user: string; host: string };

/**
 * How to reach an asset over SSH: an SSH profile whose host is the asset's name, FQDN or one of
 * its addresses; otherwise a quick connection as root to its FQDN or first address (the password
 * is asked for and never stored).
 */
export function sshTargetOf(
  asset: AssetRow,
  profiles: readonly ProfileView[],
): SshTarget | undefined {
  const names = new Set(
    [asset.name, asset.fqdn, ...asset.ips].flatMap((v) => (v ? [v.toLowerCase()] : [])),
  );
  const profile = profiles.find(
    (p) => p.connection.kind === 'ssh' && names.has(endpointOf(p.connection).host.toLowerCase()),
  );
  if (profile) return { kind: 'profile', profileId: profile.id, label: profile.name };
  const host = asset.fqdn ?? asset.ips[0];
  return host === undefined ? undefined : { kind: 'quick', user: 'root', host };
}
