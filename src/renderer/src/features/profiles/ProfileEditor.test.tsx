import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileKind, ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { fakeProfilesHost, storedProfile } from './fake-profiles-host';
import { ProfilesPage } from './ProfilesPage';
import { initialState, useProfilesStore } from './profiles-store';

const foremanId = '11111111-1111-4111-8111-111111111111';
const storedForeman = storedProfile({
  id: foremanId,
  name: 'Foreman prod',
  connection: {
    kind: 'foreman',
    url: 'https://foreman.example.net',
    auth: { mode: 'token', username: 'admin' },
    tls: { insecure: false, caFile: null, pinnedSha256: null },
  },
  hasSecret: { token: true },
});

async function renderPage(profiles: ProfileView[] = []) {
  const host = fakeProfilesHost(profiles);
  setBridge(host.bridge);
  useProfilesStore.setState(initialState);
  render(<ProfilesPage />);
  await waitFor(() => {
    expect(useProfilesStore.getState().loaded).toBe(true);
  });
  return host;
}

const field = (testId: string) => screen.getByTestId(testId);
const type = (testId: string, value: string) => {
  fireEvent.change(field(testId), { target: { value } });
};
const errorOf = (testId: string) => screen.queryByTestId(`${testId}-error`)?.textContent;

async function submit() {
  await act(async () => {
    fireEvent.click(field('pf-save'));
    await Promise.resolve();
  });
}

async function newProfile(kind: ProfileKind) {
  fireEvent.click(field('profiles-new'));
  fireEvent.click(field(`pf-kind-${kind}`));
  await waitFor(() => {
    expect(field(`pf-kind-${kind}`).getAttribute('aria-checked')).toBe('true');
  });
}

/** Selects the stored Foreman profile in the list and opens it with Enter. */
async function editStored() {
  fireEvent.click(screen.getByText('Foreman prod'));
  fireEvent.keyDown(field('profile-list'), { key: 'Enter' });
  await screen.findByTestId('profile-form');
}

afterEach(() => {
  cleanup();
  setBridge(undefined);
});

describe('profile form validation', () => {
  const required: Record<ProfileKind, [string, string][]> = {
    foreman: [
      ['pf-connection-url', 'URL must start with https:// or http://'],
      ['pf-connection-auth-username', 'Required'],
    ],
    proxmox: [
      ['pf-connection-url', 'URL must start with https:// or http://'],
      ['pf-connection-auth-tokenId', 'Token id looks like user@realm!tokenid'],
    ],
    patchmon: [
      ['pf-connection-url', 'URL must start with https:// or http://'],
      ['pf-connection-apiKey', 'Required'],
    ],
    routeros: [
      ['pf-connection-host', 'Host is required'],
      ['pf-connection-username', 'Required'],
    ],
    ssh: [
      ['pf-connection-host', 'Host is required'],
      ['pf-connection-username', 'Required'],
    ],
  };

  for (const [kind, fields] of Object.entries(required) as [ProfileKind, [string, string][]][]) {
    it(`explains each missing ${kind} field beside it and sends nothing`, async () => {
      const host = await renderPage();
      await newProfile(kind);
      await submit();
      await waitFor(() => {
        expect(errorOf('pf-name')).toBe('Name is required');
      });
      for (const [testId, message] of fields) {
        expect(errorOf(testId)).toBe(message);
        expect(field(testId).getAttribute('aria-invalid')).toBe('true');
      }
      expect(host.saves()).toEqual([]);
    });
  }

  it('shows only the fields of the chosen auth mode', async () => {
    await renderPage();
    await newProfile('foreman');
    expect(screen.queryByTestId('pf-connection-auth-username')).not.toBeNull();
    expect(screen.getByLabelText('Access token')).toBeTruthy();
    fireEvent.click(field('pf-connection-auth-mode-bearer'));
    await waitFor(() => {
      expect(screen.queryByTestId('pf-connection-auth-username')).toBeNull();
    });
    expect(screen.getByLabelText('Bearer JWT')).toBeTruthy();

    fireEvent.click(field('pf-kind-ssh'));
    fireEvent.click(await screen.findByTestId('pf-connection-auth-mode-key'));
    await screen.findByTestId('pf-connection-auth-keyFile');
    expect(screen.queryByTestId('pf-secrets-privateKey')).not.toBeNull();
    expect(screen.queryByTestId('pf-secrets-keyPassphrase')).not.toBeNull();
    expect(screen.queryByTestId('pf-secrets-password')).toBeNull();
    fireEvent.click(field('pf-connection-auth-mode-agent'));
    await waitFor(() => {
      expect(screen.queryByTestId('pf-secrets-privateKey')).toBeNull();
    });
    expect(screen.queryByTestId('pf-tls')).toBeNull();
  });

  it('rejects a bad port, fingerprint and insecure-with-pin, each on its own field', async () => {
    const host = await renderPage();
    await newProfile('routeros');
    type('pf-name', 'edge router');
    type('pf-connection-host', 'edge.lab');
    type('pf-connection-username', 'admin');
    type('pf-connection-port', 'eighty');
    type('pf-connection-tls-pinnedSha256', 'abc');
    fireEvent.click(field('pf-connection-tls-insecure'));
    await submit();
    await waitFor(() => {
      expect(errorOf('pf-connection-port')).toBe('Enter a number');
    });
    expect(errorOf('pf-connection-tls-pinnedSha256')).toBe(
      'Fingerprint must be 64 hex digits (SHA-256)',
    );
    expect(screen.getByTestId('pf-insecure-warning').textContent).toContain(
      'TLS verification is off',
    );

    type('pf-connection-port', '70000');
    type('pf-connection-tls-pinnedSha256', 'ab'.repeat(32));
    await submit();
    await waitFor(() => {
      expect(errorOf('pf-connection-port')).toBe('Must be at most 65535');
    });
    expect(errorOf('pf-connection-tls-insecure')).toBe(
      'An insecure profile cannot also have a CA file or a pinned certificate',
    );
    expect(host.saves()).toEqual([]);

    type('pf-connection-port', '');
    fireEvent.click(field('pf-connection-tls-insecure'));
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({
      name: 'edge router',
      connection: {
        kind: 'routeros',
        host: 'edge.lab',
        transport: 'api-ssl',
        port: null,
        username: 'admin',
        tls: { insecure: false, caFile: null, pinnedSha256: 'AB:'.repeat(31) + 'AB' },
      },
      secrets: {},
    });
  });

  it('sends a new profile as the contract expects, with only the chosen mode’s secret', async () => {
    const host = await renderPage();
    await newProfile('proxmox');
    type('pf-name', 'pve lab');
    type('pf-folder', 'Lab/Site A');
    type('pf-tags', 'lab, pve');
    type('pf-connection-url', 'https://pve.lab:8006');
    fireEvent.click(field('pf-connection-auth-mode-password'));
    await screen.findByTestId('pf-secrets-password');
    type('pf-secrets-password', 'pw-1');
    fireEvent.click(field('pf-connection-auth-mode-token'));
    await screen.findByTestId('pf-connection-auth-tokenId');
    type('pf-connection-auth-tokenId', 'root@pam!rackside');
    type('pf-secrets-tokenSecret', 'token-secret-1');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toEqual({
      name: 'pve lab',
      folder: 'Lab/Site A',
      tags: ['lab', 'pve'],
      notes: '',
      connection: {
        kind: 'proxmox',
        url: 'https://pve.lab:8006',
        auth: { mode: 'token', tokenId: 'root@pam!rackside' },
        tls: { insecure: false, caFile: null, pinnedSha256: null },
      },
      secrets: { tokenSecret: 'token-secret-1' },
    });
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    expect(document.body.innerHTML).not.toContain('token-secret-1');
  });
});

describe('secret fields', () => {
  it('keeps a stored secret when left empty', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    expect(field('pf-secrets-token').getAttribute('placeholder')).toBe(
      'stored — leave empty to keep',
    );
    expect((field('pf-secrets-token') as HTMLInputElement).value).toBe('');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({ id: foremanId, secrets: {} });
  });

  it('replaces a stored secret with the typed value, which is not shown afterwards', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    type('pf-secrets-token', 'replacement-token-77');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({
      id: foremanId,
      secrets: { token: 'replacement-token-77' },
    });
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    expect(document.body.innerHTML).not.toContain('replacement-token-77');
  });

  it('deletes a stored secret with Clear, and Undo keeps it again', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    fireEvent.click(field('pf-secrets-token-clear'));
    fireEvent.click(await screen.findByTestId('pf-secrets-token-undo'));
    fireEvent.click(await screen.findByTestId('pf-secrets-token-clear'));
    await screen.findByTestId('pf-secrets-token-undo');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({ id: foremanId, secrets: { token: null } });
  });

  it('says clearly that a locked vault refused the secret, and keeps the form open', async () => {
    const host = await renderPage([storedForeman]);
    host.fail('profiles:save', 'vault-locked', 'The vault is locked; unlock it to save secrets.');
    await editStored();
    type('pf-secrets-token', 'another-token');
    await submit();
    const banner = await screen.findByTestId('profile-form-error');
    expect(banner.textContent).toContain('The vault is locked');
    expect(banner.textContent).toContain('nothing was saved');
    expect(screen.queryByTestId('profile-form')).not.toBeNull();
  });
});
