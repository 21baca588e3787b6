import type { LinkView } from '../../../../shared/inventory';
import type { ProfileView } from '../../../../shared/profiles';

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
