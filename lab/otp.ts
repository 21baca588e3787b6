import type { ManifestInput } from '../src/shared/manifest';
import { startLab, type Lab } from './index';

/** A small Proxmox-only lab whose root@pam logs in with a one-time code, and its manifest. */
export interface OtpLab {
  lab: Lab;
  /** The lab's manifest plus `profileName`: the same server, root@pam with password and TOTP. */
  manifest: ManifestInput;
  /** The name of the lab's own (API token) Proxmox profile in the manifest. */
  tokenProfileName: string;
}

export async function startOtpLab(
  seed: number,
  code: string,
  profileName = 'PVE with TOTP',
): Promise<OtpLab> {
  const lab = await startLab({
    size: 24,
    seed,
    systems: { proxmox: true, foreman: false, patchmon: false, routeros: false, ssh: false },
    proxmox: { authFailureDelayMs: 0 },
  });
  try {
    const server = lab.proxmox[0];
    const root = server?.state.store.users.get('root@pam');
    if (server === undefined || root === undefined) throw new Error('the lab has no root@pam');
    root.otp = code;
    const manifest = lab.manifest();
    const base = manifest.profiles.find((p) => p.connection.kind === 'proxmox');
    if (base?.connection.kind !== 'proxmox') throw new Error('the lab manifest has no Proxmox');
    manifest.profiles.push({
      ...base,
      name: profileName,
      connection: {
        ...base.connection,
        auth: { mode: 'password', username: 'root', realm: 'pam', totp: true },
      },
      secrets: { password: server.root.password },
    });
    return { lab, manifest, tokenProfileName: base.name };
  } catch (error) {
    await lab.close();
    throw error;
  }
}
