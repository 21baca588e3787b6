/** The profile manifest a lab run writes (schema: src/shared/manifest.ts), one profile per endpoint. */
import type { ManifestInput, ManifestProfileInput } from '../src/shared/manifest';
import type { TlsOptions } from '../src/shared/profiles';
import type { ForemanLab } from './foreman';
import type { PatchmonLab } from './patchmon';
import type { ProxmoxServer } from './proxmox';
import type { RouterOsLab } from './routeros';
import type { SshLab } from './ssh';
import { sshProfiles } from './ssh/manifest-profiles';

export interface ManifestSources {
  foreman: ForemanLab | null;
  patchmon: PatchmonLab | null;
  proxmox: readonly ProxmoxServer[];
  routeros: RouterOsLab | null;
  /** SSH devices; absent or null writes no SSH profiles. */
  ssh?: SshLab | null;
  /** SHA-256 of the served certificate (pinned when no CA file is given). */
  fingerprint256: string;
  /** Path of the lab CA bundle, for CA-signed runs. */
  caFile: string | null;
}

export function buildManifest(s: ManifestSources, generatedAt = new Date()): ManifestInput {
  const tls: TlsOptions =
    s.caFile === null
      ? { insecure: false, caFile: null, pinnedSha256: s.fingerprint256 }
      : { insecure: false, caFile: s.caFile, pinnedSha256: null };
  const common = { folder: 'Lab', tags: ['lab'], notes: 'Started by npm run lab.' };
  const profiles: ManifestProfileInput[] = [];
  if (s.foreman) {
    profiles.push({
      ...common,
      name: 'Lab Foreman',
      connection: {
        kind: 'foreman',
        url: s.foreman.url,
        auth: { mode: 'token', username: s.foreman.credentials.username },
        tls,
      },
      secrets: { token: s.foreman.credentials.personalAccessToken },
    });
  }
  for (const pve of s.proxmox) {
    profiles.push({
      ...common,
      name: `Lab Proxmox ${pve.name}`,
      connection: {
        kind: 'proxmox',
        url: pve.url,
        auth: { mode: 'token', tokenId: pve.token.tokenid },
        tls,
      },
      secrets: { tokenSecret: pve.token.secret },
    });
  }
  if (s.patchmon) {
    const c = s.patchmon.credentials;
    profiles.push({
      ...common,
      name: 'Lab PatchMon',
      connection: {
        kind: 'patchmon',
        url: s.patchmon.url,
        apiKey: c.api.key,
        adminUsername: c.username,
        tls,
      },
      secrets: { apiSecret: c.api.secret, adminPassword: c.password },
    });
  }
  for (const router of s.routeros?.devices ?? []) {
    profiles.push({
      ...common,
      name: `Lab RouterOS ${router.identity}`,
      connection: {
        kind: 'routeros',
        host: router.host,
        transport: 'api-ssl',
        port: router.apiSslPort,
        username: router.username,
        tls,
      },
      secrets: { password: router.password },
    });
  }
  if (s.ssh) profiles.push(...sshProfiles(s.ssh, common));
  return {
    rackside: 'profile-manifest',
    version: 1,
    generator: 'rackside-lab',
    generatedAt: generatedAt.toISOString(),
    profiles,
  };
}
