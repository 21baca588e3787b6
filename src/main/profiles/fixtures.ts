import type { ProfileSaveInput } from '../../shared/profiles';

/** One profile of each kind with distinctive secret values, for tests. */
export const sampleProfiles: ProfileSaveInput[] = [
  {
    name: 'foreman-lab',
    folder: 'Lab',
    tags: ['lab'],
    connection: {
      kind: 'foreman',
      url: 'https://foreman.lab',
      auth: { mode: 'token', username: 'admin' },
    },
    secrets: { token: 'SECRET-foreman-token-1111' },
  },
  {
    name: 'pve-lab',
    folder: 'Lab',
    connection: {
      kind: 'proxmox',
      url: 'https://pve.lab',
      auth: { mode: 'token', tokenId: 'root@pam!rs' },
    },
    secrets: { tokenSecret: 'SECRET-pve-2222' },
  },
  {
    name: 'patchmon-lab',
    connection: {
      kind: 'patchmon',
      url: 'https://patchmon.lab',
      apiKey: 'key1',
      adminUsername: 'admin',
    },
    secrets: { apiSecret: 'SECRET-pm-3333', adminPassword: 'SECRET-pm-admin-4444' },
  },
  {
    name: 'router-1',
    connection: { kind: 'routeros', host: '10.0.0.1', username: 'admin' },
    secrets: { password: 'SECRET-ros-5555' },
  },
  {
    name: 'bastion',
    connection: { kind: 'ssh', host: 'bastion.lab', username: 'ops', auth: { mode: 'key' } },
    secrets: { privateKey: 'SECRET-KEY-6666', keyPassphrase: 'SECRET-kp-7777' },
  },
];

export const sampleSecretValues = sampleProfiles.flatMap((p) =>
  Object.values(p.secrets ?? {}).filter((v): v is string => typeof v === 'string'),
);
