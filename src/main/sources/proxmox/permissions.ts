import type { Permissions } from './schemas';

/**
 * `/access/permissions` in a person's words: one line per set of privileges, and warnings for the privileges
 * a sync needs and the credential lacks (reference/proxmox.md §4, §6).
 */
export interface PermissionSummary {
  lines: string[];
  warnings: string[];
}

/**
 * True when `priv` reaches guests: held on a single VM, or propagated from `/`, `/vms` or a pool.
 * Each privilege's value is its propagate flag: 0 holds it on that path only.
 */
function heldForGuests(permissions: Permissions, priv: string): boolean {
  return Object.entries(permissions).some(([path, privs]) => {
    const flag = privs[priv];
    if (flag === undefined || flag === false) return false;
    if (path.startsWith('/vms/')) return true;
    return (path === '/' || path === '/vms' || path.startsWith('/pool/')) && Boolean(flag);
  });
}

function heldAt(permissions: Permissions, path: string, priv: string): boolean {
  return Boolean(permissions[path]?.[priv]);
}

/** Paths named in one line before the rest are counted ("and 22 more paths"). */
const pathsNamed = 4;

/**
 * One line per set of privileges, with the paths that hold exactly that set: a token with the
 * same role on every guest gets one line for its guests, not one per guest.
 */
export function summarizePermissions(permissions: Permissions, major: number): PermissionSummary {
  const byPrivileges = new Map<string, string[]>();
  for (const path of Object.keys(permissions).sort()) {
    const privs = Object.entries(permissions[path] ?? {})
      .filter(([, flag]) => flag !== false)
      .map(([priv]) => priv)
      .sort();
    const text = privs.length === 0 ? '(none)' : privs.join(', ');
    byPrivileges.set(text, [...(byPrivileges.get(text) ?? []), path]);
  }
  const lines = [...byPrivileges].map(([text, paths]) => {
    const named =
      paths.length <= pathsNamed + 1
        ? paths.join(', ')
        : `${paths.slice(0, pathsNamed).join(', ')} and ${String(paths.length - pathsNamed)} more paths`;
    return `${named}: ${text}`;
  });
  if (lines.length === 0) lines.push('no privileges at all');
  const warnings: string[] = [];
  if (!heldForGuests(permissions, 'VM.Audit')) {
    warnings.push('cannot see any guests — the credential needs VM.Audit (e.g. PVEAuditor on /)');
  }
  if (!heldAt(permissions, '/', 'Sys.Audit')) {
    warnings.push('cluster status and node details are hidden — needs Sys.Audit on /');
  }
  const agentPrivs =
    major >= 9 ? ['VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted'] : ['VM.Monitor'];
  if (!agentPrivs.some((priv) => heldForGuests(permissions, priv))) {
    warnings.push(
      `no QEMU guest IPs — the credential lacks ${major >= 9 ? 'VM.GuestAgent.Audit' : 'VM.Monitor'} on /vms`,
    );
  }
  return { lines, warnings };
}
