import type { Permissions } from './schemas';

/**
 * `/access/permissions` in a person's words: one line per path, and warnings for the privileges
 * a sync needs and the credential lacks (reference/proxmox.md §4, §6).
 */
export interface PermissionSummary {
  lines: string[];
  warnings: string[];
}

/** True when `priv` is held on `/`, `/vms` or anywhere below (a pool, a single VM). */
function heldForGuests(permissions: Permissions, priv: string): boolean {
  return Object.entries(permissions).some(
    ([path, privs]) =>
      (path === '/' || path === '/vms' || path.startsWith('/vms/') || path.startsWith('/pool/')) &&
      Boolean(privs[priv]),
  );
}

function heldAt(permissions: Permissions, path: string, priv: string): boolean {
  return Boolean(permissions[path]?.[priv]);
}

export function summarizePermissions(permissions: Permissions, major: number): PermissionSummary {
  const paths = Object.keys(permissions).sort();
  const lines = paths.map((path) => {
    const privs = Object.entries(permissions[path] ?? {})
      .filter(([, flag]) => flag !== false)
      .map(([priv]) => priv)
      .sort();
    return `${path}: ${privs.length === 0 ? '(none)' : privs.join(', ')}`;
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
