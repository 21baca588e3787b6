/**
 * SSH profiles for the lab manifest: each site's bastion (pasted lab key), a machine reached
 * through a bastion by its fleet address (the jump-host chain), the first node of each Proxmox
 * cluster, each router's console, and the MFA host (keyboard-interactive). Host keys change on
 * every lab run, so the profiles accept new keys instead of pinning them.
 */
import type { ManifestProfileInput } from '../../src/shared/manifest';
import type { SshLab } from '.';

type Common = Pick<ManifestProfileInput, 'folder' | 'tags' | 'notes'>;

export function sshProfiles(ssh: SshLab, common: Common): ManifestProfileInput[] {
  const profiles: ManifestProfileInput[] = [];
  const shared = { ...common, folder: `${common.folder ?? 'Lab'}/SSH` };
  const bastionName = (site: string) => `Lab SSH bastion-${site}`;
  for (const site of ssh.sites) {
    profiles.push({
      ...shared,
      name: bastionName(site.code),
      connection: {
        kind: 'ssh',
        host: site.host,
        port: site.port,
        username: 'ops',
        auth: { mode: 'key', keyFile: null },
        hostKeyPolicy: 'accept-new',
        jumpHost: null,
      },
      secrets: { privateKey: ssh.clientKey.privateKey },
    });
  }
  const internal = ssh.targets.find(
    (t) => t.kind === 'linux' && t.name !== ssh.mfa?.host && ssh.login(t.ip)?.target === t,
  );
  if (internal) {
    profiles.push({
      ...shared,
      name: `Lab SSH ${internal.name} via bastion-${internal.site}`,
      notes: `${internal.ip}:22 is reachable only through the site bastion.`,
      connection: {
        kind: 'ssh',
        host: internal.ip,
        port: 22,
        username: 'ops',
        auth: { mode: 'password' },
        hostKeyPolicy: 'accept-new',
        jumpHost: bastionName(internal.site),
      },
      secrets: { password: ssh.password },
    });
  }
  const direct = (name: string, kind: 'pve-node' | 'router' | 'mfa', notes?: string) => {
    const login = ssh.login(name);
    if (!login) return;
    profiles.push({
      ...shared,
      name: `Lab SSH ${login.target.name}`,
      ...(notes !== undefined && { notes }),
      connection: {
        kind: 'ssh',
        host: login.host,
        port: login.port,
        username: login.username,
        auth: { mode: kind === 'mfa' ? 'keyboard-interactive' : 'password' },
        hostKeyPolicy: kind === 'pve-node' ? 'ask' : 'accept-new',
        jumpHost: null,
      },
      secrets: { password: ssh.passwordFor(login.target) },
    });
  };
  const clusters = new Set<string>();
  for (const t of ssh.targets) {
    if (t.kind === 'pve-node' && t.cluster !== null && !clusters.has(t.cluster)) {
      clusters.add(t.cluster);
      direct(t.fqdn, 'pve-node');
    }
  }
  for (const t of ssh.targets) if (t.kind === 'router') direct(t.fqdn, 'router');
  if (ssh.mfa) {
    direct(
      ssh.mfa.host,
      'mfa',
      `Asks for the password, then a verification code (TOTP secret ${ssh.mfa.totpSecret}).`,
    );
  }
  return profiles;
}
