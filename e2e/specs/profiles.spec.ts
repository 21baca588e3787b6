import crypto from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { ProfilesPage, type ProfileFields, type ProfileKind } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

/** A local HTTPS server with a fresh self-signed certificate for 127.0.0.1. */
async function selfSignedServer() {
  const day = 86_400_000;
  const pems = await generate([{ name: 'commonName', value: 'rackside-e2e.local' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - day),
    notAfterDate: new Date(Date.now() + 30 * day),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
    res.end('{}');
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fingerprint: new crypto.X509Certificate(pems.cert).fingerprint256,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Secret values typed into the forms; each is unique so any echo of one can be found. */
const marker = crypto.randomBytes(4).toString('hex');
const secret = (what: string): string => `rs-${what}-${marker}-secret`;
const secrets = {
  foremanToken: secret('foreman-token'),
  proxmoxTokenSecret: secret('pve-token'),
  patchmonApiSecret: secret('patchmon-api'),
  patchmonAdminPassword: secret('patchmon-admin'),
  routerosPassword: secret('routeros-pw'),
  sshKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${secret('ssh-key')}\n-----END OPENSSH PRIVATE KEY-----`,
  sshKeyPassphrase: secret('ssh-passphrase'),
};
const secretValues = [...Object.values(secrets), secret('ssh-key')];

function profilesOfEveryKind(tlsPort: number) {
  const all: { kind: ProfileKind; name: string; authMode?: string; fields: ProfileFields }[] = [
    {
      kind: 'foreman',
      name: 'foreman-lab',
      authMode: 'token',
      fields: {
        folder: 'Lab',
        tags: 'lab prod',
        'connection.url': 'https://foreman.lab.example',
        'connection.auth.username': 'admin',
        'secrets.token': secrets.foremanToken,
      },
    },
    {
      kind: 'proxmox',
      name: 'pve-tls',
      authMode: 'token',
      fields: {
        folder: 'Lab',
        'connection.url': `https://127.0.0.1:${tlsPort}`,
        'connection.auth.tokenId': 'root@pam!rackside',
        'secrets.tokenSecret': secrets.proxmoxTokenSecret,
      },
    },
    {
      kind: 'patchmon',
      name: 'patchmon',
      fields: {
        'connection.url': 'https://patchmon.example',
        'connection.apiKey': 'patchmon-key-1',
        'secrets.apiSecret': secrets.patchmonApiSecret,
        'connection.adminUsername': 'admin',
        'secrets.adminPassword': secrets.patchmonAdminPassword,
      },
    },
    {
      kind: 'routeros',
      name: 'edge-router',
      fields: {
        folder: 'Sites/North',
        'connection.host': '10.0.0.1',
        'connection.username': 'admin',
        'secrets.password': secrets.routerosPassword,
        'connection.tls.insecure': true,
      },
    },
    {
      kind: 'ssh',
      name: 'bastion',
      authMode: 'key',
      fields: {
        'connection.host': 'bastion.example',
        'connection.username': 'ops',
        'secrets.privateKey': secrets.sshKey,
        'secrets.keyPassphrase': secrets.sshKeyPassphrase,
      },
    },
  ];
  return all;
}

const kindLabels: Record<ProfileKind, string> = {
  foreman: 'Foreman',
  proxmox: 'Proxmox VE',
  patchmon: 'PatchMon',
  routeros: 'RouterOS',
  ssh: 'SSH',
};

test.describe('connection profiles', () => {
  // The vault is set up inside the test, after the frame collector is attached.
  test.use({ vaultSetup: false });

  test('one of each kind survives a restart, probes and pins, exports without secrets, and never echoes a secret', async ({
    app,
  }) => {
    test.setTimeout(120_000);
    const server = await selfSignedServer();
    const received: string[] = [];
    app.page.on('websocket', (ws) => {
      ws.on('framereceived', (frame) => {
        received.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString());
      });
    });
    try {
      if (app.kind === 'browser') {
        // The socket opened before this test attached its collector; watch a fresh one.
        await app.page.reload();
      }
      await app.vault.setup(app.passphrase);
      await app.shell.waitReady();

      let profiles = new ProfilesPage(app.page);
      await profiles.open();
      for (const profile of profilesOfEveryKind(server.port)) {
        await profiles.startNew(profile.kind);
        if (profile.authMode) await profiles.choose('auth-mode', profile.authMode);
        await profiles.fill({ name: profile.name, ...profile.fields });
        await profiles.save();
        await expect(profiles.kindOf(profile.name)).toHaveText(kindLabels[profile.kind]);
      }
      await expect(profiles.rows()).toHaveCount(5);
      await expect(profiles.insecureBadge('edge-router')).toBeVisible();
      await expect(profiles.insecureBadge('pve-tls')).toHaveCount(0);

      await app.restart({ unlock: false });
      await app.vault.unlock(app.passphrase);
      await app.shell.waitReady();
      profiles = new ProfilesPage(app.page);
      await profiles.open();
      await expect(profiles.rows()).toHaveCount(5);

      await profiles.edit('foreman-lab');
      await expect(profiles.field('secrets.token')).toHaveAttribute(
        'placeholder',
        'stored — leave empty to keep',
      );
      await expect(profiles.field('secrets.token')).toHaveValue('');
      await profiles.fill({ folder: 'Lab/Prod', tags: 'lab prod puppet' });
      await profiles.save();
      await expect(profiles.detail()).toContainText('Lab/Prod');
      await expect(profiles.secretsSummary()).toHaveText('Access token: stored');

      await profiles.search('127.0.0.1');
      await expect(profiles.rows()).toHaveCount(1);
      await profiles.select('pve-tls');
      await profiles.probe();
      await expect(profiles.probeFailure()).toHaveAttribute('data-reason', 'untrusted');
      await expect(profiles.certificateSha256()).toHaveText(server.fingerprint);
      await profiles.pinCertificate();
      await expect(profiles.probePanel()).toHaveAttribute('data-outcome', 'ok');
      await expect(app.page.getByTestId('cert-trust')).toHaveText('matches the pinned fingerprint');
      // Logging in goes over the pinned TLS; this server answers `{}`, which is no Proxmox VE.
      await profiles.testLogin();
      await expect(profiles.loginPanel()).toHaveAttribute('data-outcome', 'failed');
      await expect(app.page.getByTestId('login-error')).toContainText('Proxmox');
      await profiles.search('');

      const exported = await profiles.exportAll();
      expect(exported.notice).toContain('no secrets are written');
      expect(exported.fileName).toMatch(/^rackside-profiles-.*\.json$/);
      const names = (JSON.parse(exported.content) as { profiles: { name: string }[] }).profiles
        .map((p) => p.name)
        .sort();
      expect(names).toEqual(['bastion', 'edge-router', 'foreman-lab', 'patchmon', 'pve-tls']);
      for (const value of secretValues) expect(exported.content).not.toContain(value);

      const dom = await app.page.evaluate(() =>
        [
          document.documentElement.outerHTML,
          ...[...document.querySelectorAll('input, textarea')].map(
            (el) => (el as HTMLInputElement).value,
          ),
        ].join('\n'),
      );
      for (const value of secretValues) expect(dom).not.toContain(value);
      if (app.kind === 'browser') {
        expect(received.length).toBeGreaterThan(10);
        const leaks = received.filter((frame) => secretValues.some((v) => frame.includes(v)));
        expect(leaks).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });
});

test('an encrypted export brings a deleted profile back with its secret', async ({ app }) => {
  const password = secret('jump-password');
  const profiles = new ProfilesPage(app.page);
  await profiles.open();
  await expect(profiles.emptyState()).toBeVisible();
  await app.shell.runFromPalette('New profile', 'profiles:new');
  await profiles.choose('auth-mode', 'password');
  await profiles.fill({
    name: 'jump-1',
    'connection.host': 'jump.example',
    'connection.username': 'ops',
    'secrets.password': password,
  });
  await profiles.save();

  const exported = await profiles.exportAll('export passphrase 1');
  expect(exported.notice).toContain('includes the stored secrets');
  expect(exported.fileName).toMatch(/\.encrypted\.json$/);
  expect(JSON.parse(exported.content)).toMatchObject({ rackside: 'profile-export' });
  expect(exported.content).not.toContain(password);

  await profiles.select('jump-1');
  await profiles.deleteSelected();
  await expect(profiles.emptyState()).toBeVisible();

  await app.shell.runFromPalette('Import profiles', 'profiles:import');
  await profiles.importFile(exported.fileName, exported.content, 'export passphrase 1');
  await expect(profiles.importSummary()).toContainText('1 created, 0 updated');
  await profiles.closeImport();
  await profiles.select('jump-1');
  await expect(profiles.secretsSummary()).toHaveText('Password: stored');
  expect(await app.page.content()).not.toContain(password);
});

test('a profile file of nearly 4 MiB imports in full', async ({ app }) => {
  // 5000 profiles, the most a manifest holds, indented as people write them: 4.1 MB.
  const manifest = {
    rackside: 'profile-manifest',
    version: 1,
    profiles: Array.from({ length: 5000 }, (_, i) => ({
      name: `foreman-${String(i).padStart(4, '0')}`,
      notes: 'n'.repeat(580),
      connection: {
        kind: 'foreman',
        url: `https://foreman-${String(i)}.example`,
        auth: { mode: 'token', username: 'admin' },
      },
    })),
  };
  const content = JSON.stringify(manifest, null, 2);
  expect(content.length).toBeGreaterThan(4_000_000);
  const profiles = new ProfilesPage(app.page);
  await profiles.open();
  await app.shell.runFromPalette('Import profiles', 'profiles:import');
  await profiles.importFile('fleet.json', content);
  await expect(profiles.importSummary()).toContainText('5000 created, 0 updated', {
    timeout: 30_000,
  });
  await expect(app.page.getByTestId('connection-banner')).toBeHidden();
  await profiles.closeImport();
  await expect(profiles.row('foreman-4999')).toBeVisible();
});
