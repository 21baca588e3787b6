import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileKind, ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { useVaultStore } from '../../stores/vault-store';
import { VaultGate } from '../vault/VaultGate';
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

const typeAll = (values: Record<string, string>) => {
  for (const [testId, value] of Object.entries(values)) type(testId, value);
};

/** Submits and waits for `message` beside the field `testId`. */
async function submitAndExpect(testId: string, message: string) {
  await submit();
  await waitFor(() => {
    expect(errorOf(testId)).toBe(message);
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
      ['pf-connection-url', 'URL is required'],
      ['pf-connection-auth-username', 'Required'],
    ],
    proxmox: [
      ['pf-connection-url', 'URL is required'],
      ['pf-connection-auth-tokenId', 'Token id looks like user@realm!tokenid'],
    ],
    patchmon: [
      ['pf-connection-url', 'URL is required'],
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

  it('shows every missing field at once on the first submit, not one per submit', async () => {
    const host = await renderPage();
    fireEvent.click(field('profiles-new'));
    await screen.findByTestId('profile-form');
    // Pressing Save takes the focus from Name first; that alone shows nothing (and moves nothing).
    fireEvent.focus(field('pf-name'));
    fireEvent.blur(field('pf-name'));
    await act(async () => {
      await Promise.resolve();
    });
    expect(screen.queryAllByTestId(/-error$/)).toEqual([]);
    await submit();
    await waitFor(() => {
      expect(errorOf('pf-name')).toBe('Name is required');
    });
    expect(errorOf('pf-connection-host')).toBe('Host is required');
    expect(errorOf('pf-connection-username')).toBe('Required');
    // Once shown, a message goes away as soon as its field is fixed.
    type('pf-connection-host', 'web1.lab');
    await waitFor(() => {
      expect(errorOf('pf-connection-host')).toBeUndefined();
    });
    expect(errorOf('pf-name')).toBe('Name is required');
    expect(host.saves()).toEqual([]);
  });

  it('refuses credentials in a source URL beside the URL field', async () => {
    const host = await renderPage();
    await newProfile('foreman');
    type('pf-name', 'fm');
    type('pf-connection-auth-username', 'admin');
    type('pf-connection-url', 'https://user:pw@127.0.0.1:44419/');
    await submit();
    await waitFor(() => {
      expect(errorOf('pf-connection-url')).toBe(
        "Put credentials in the profile's login fields, not in the URL",
      );
    });
    type('pf-connection-url', 'https://127.0.0.1:99999');
    await waitFor(() => {
      expect(errorOf('pf-connection-url')).toBe('Port 99999 is out of range: use 1 to 65535');
    });
    expect(host.saves()).toEqual([]);
  });

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

  it('says a port typed into the host goes in the Port field, for SSH and RouterOS', async () => {
    const host = await renderPage();
    await newProfile('routeros');
    for (const [kind, host, port] of [
      ['routeros', 'edge.lab', '8729'],
      ['ssh', '10.0.0.5', '2222'],
    ] as const) {
      fireEvent.click(field(`pf-kind-${kind}`));
      type('pf-name', `${kind} one`);
      type('pf-connection-host', `${host}:${port}`);
      type('pf-connection-username', 'admin');
      await submitAndExpect(
        'pf-connection-host',
        `Put the port in the Port field: host ${host}, port ${port}`,
      );
    }
    expect(host.saves()).toEqual([]);

    // An IPv6 address has colons of its own and is taken as it is.
    type('pf-connection-host', 'fd00::5');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({ connection: { host: 'fd00::5', port: 22 } });
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
      expect(errorOf('pf-connection-port')).toBe('Enter a whole number');
    });
    expect(errorOf('pf-connection-tls-pinnedSha256')).toBe(
      'Fingerprint must be 64 hex digits (SHA-256)',
    );
    expect(screen.getByTestId('pf-insecure-warning').textContent).toContain(
      'TLS verification is off',
    );

    // A port with a fraction is a number, but not a port: the message says what is wanted.
    type('pf-connection-port', '8729.5');
    await submit();
    await waitFor(() => {
      expect(errorOf('pf-connection-port')).toBe('Enter a whole number');
    });

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

  const loginRule =
    'A login name has no spaces, @ or control characters and does not start with -.';
  it.each<{
    what: string;
    kind: ProfileKind;
    refusal: [string, string];
    values: Record<string, string>;
    refused: string;
    message: string;
  }>([
    {
      what: 'a name already taken',
      kind: 'foreman',
      refusal: ['conflict', 'A profile named "Foreman prod" already exists.'],
      values: {
        'pf-name': 'Foreman prod',
        'pf-connection-url': 'https://foreman.other.net',
        'pf-connection-auth-username': 'admin',
      },
      refused: 'pf-name',
      message: 'A profile named "Foreman prod" already exists.',
    },
    {
      what: 'a login name the store refuses',
      kind: 'ssh',
      refusal: ['bad-request', `connection.username: ${loginRule}`],
      values: {
        'pf-name': 'bastion',
        'pf-connection-host': 'bastion.lab',
        'pf-connection-username': 'ops team',
      },
      refused: 'pf-connection-username',
      message: loginRule,
    },
  ])('takes the user to $what and says why in words', async (c) => {
    const host = await renderPage([storedForeman]);
    host.fail('profiles:save', ...c.refusal);
    await newProfile(c.kind);
    typeAll(c.values);
    field('pf-save').focus();
    await submitAndExpect(c.refused, c.message);
    // The form is long: below the fold, the message beside the field would go unseen.
    expect(document.activeElement).toBe(field(c.refused));
    // A field's path is for the code, not for the banner.
    expect(screen.queryByTestId('profile-form-error')?.textContent ?? '').not.toContain(
      'connection.',
    );
  });
});

describe('the Foreman host filter', () => {
  it('is saved with the profile, trimmed', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    expect((field('pf-connection-hostFilter') as HTMLInputElement).value).toBe('');
    type('pf-connection-hostFilter', '  hostgroup_title ~ base/web ');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({
      id: foremanId,
      connection: { kind: 'foreman', hostFilter: 'hostgroup_title ~ base/web' },
    });
  });

  it('shows a stored filter when editing, and an empty field syncs every host again', async () => {
    const filtered = {
      ...storedForeman,
      connection: { ...storedForeman.connection, hostFilter: 'hostgroup_title ~ base/web' },
    } as ProfileView;
    const host = await renderPage([filtered]);
    await editStored();
    expect((field('pf-connection-hostFilter') as HTMLInputElement).value).toBe(
      'hostgroup_title ~ base/web',
    );
    type('pf-connection-hostFilter', '');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({ connection: { hostFilter: null } });
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

  it('says what an SSH password does for each login method', async () => {
    const description = (testId: string): string => {
      const id = field(testId).getAttribute('aria-describedby') ?? '';
      return document.getElementById(id)?.textContent ?? '';
    };
    await renderPage();
    await newProfile('ssh');
    fireEvent.click(field('pf-connection-auth-mode-keyboard-interactive'));
    await waitFor(() => {
      expect(description('pf-secrets-password')).toContain(
        'Answers the server’s password question; one-time codes are always asked.',
      );
    });
    expect(description('pf-secrets-password')).toContain('Empty: asked at each login');
    fireEvent.click(field('pf-connection-auth-mode-password'));
    await waitFor(() => {
      expect(description('pf-secrets-password')).not.toContain('password question');
    });
    expect(description('pf-secrets-password')).toContain('Empty: asked at each login');
  });

  it('does not say an empty field asks at login when a stored password is kept by it', async () => {
    const stored = storedProfile({
      id: '22222222-2222-4222-8222-222222222222',
      name: 'backup17',
      connection: {
        kind: 'ssh',
        host: 'backup17.lab',
        port: 22,
        username: 'ops',
        auth: { mode: 'keyboard-interactive' },
        hostKeyPolicy: 'ask',
        jumpHostId: null,
      },
      hasSecret: { password: true },
    });
    await renderPage([stored]);
    fireEvent.click(screen.getByText('backup17'));
    fireEvent.keyDown(field('profile-list'), { key: 'Enter' });
    await screen.findByTestId('profile-form');
    const id = field('pf-secrets-password').getAttribute('aria-describedby') ?? '';
    const help = document.getElementById(id)?.textContent ?? '';
    expect(help).toContain('Stored in the vault.');
    expect(help).toContain('Answers the server’s password question');
    expect(help).not.toContain('Empty: asked');
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

describe('stored secrets of another login method', () => {
  it('says before saving whether the stored token is kept or removed', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    expect(screen.queryByTestId('pf-unused-secrets')).toBeNull();
    fireEvent.click(field('pf-connection-auth-mode-password'));
    expect((await screen.findByTestId('pf-unused-secrets')).textContent).toBe(
      'The stored Access token is not used with these settings. It is kept, so going back to the earlier ones finds it, and removed once a Password is saved.',
    );
    type('pf-secrets-password', 'new-password-1');
    expect(field('pf-unused-secrets').textContent).toBe(
      'Saving removes the stored Access token: these settings do not use it.',
    );
    fireEvent.click(field('pf-connection-auth-mode-token'));
    await waitFor(() => {
      expect(screen.queryByTestId('pf-unused-secrets')).toBeNull();
    });
    expect(host.saves()).toHaveLength(0);
  });

  it('shows a token kept from the earlier method as stored when going back to it', async () => {
    await renderPage([
      {
        ...storedForeman,
        connection: { ...storedForeman.connection, auth: { mode: 'password', username: 'admin' } },
        hasSecret: { password: false },
        keptSecrets: ['token'],
      } as ProfileView,
    ]);
    fireEvent.click(screen.getByText('Foreman prod'));
    expect(field('profile-kept-secrets').textContent).toContain('Access token');
    fireEvent.keyDown(field('profile-list'), { key: 'Enter' });
    await screen.findByTestId('profile-form');
    expect(field('pf-unused-secrets').textContent).toContain('The stored Access token is not used');
    fireEvent.click(field('pf-connection-auth-mode-token'));
    await waitFor(() => {
      expect((field('pf-secrets-token') as HTMLInputElement).placeholder).toBe(
        'stored — leave empty to keep',
      );
    });
    expect(screen.queryByTestId('pf-unused-secrets')).toBeNull();
  });
});

describe('an unsaved draft and the vault lock', () => {
  async function renderGatedPage(profiles: ProfileView[] = []) {
    const host = fakeProfilesHost(profiles);
    setBridge(host.bridge);
    useProfilesStore.setState(initialState);
    useVaultStore.setState({ status: undefined, loadError: undefined, waitUntil: 0 });
    render(
      <VaultGate>
        <ProfilesPage />
      </VaultGate>,
    );
    await waitFor(() => {
      expect(useProfilesStore.getState().loaded).toBe(true);
    });
    return host;
  }

  async function lockAndUnlock() {
    await act(async () => {
      await useVaultStore.getState().lock();
    });
    await screen.findByTestId('vault-unlock');
    expect(screen.queryByTestId('profile-form')).toBeNull();
    type('vault-passphrase', 'rackside demo vault');
    await act(async () => {
      fireEvent.click(field('vault-submit'));
      await Promise.resolve();
    });
    await screen.findByTestId('profile-form');
  }

  it('reopens the editor with the typed values but not the typed secret, and says so', async () => {
    const host = await renderGatedPage();
    await newProfile('proxmox');
    type('pf-name', 'pve draft');
    type('pf-notes', 'half-written notes');
    type('pf-connection-url', 'https://pve.lab:8006');
    type('pf-connection-auth-tokenId', 'root@pam!draft');
    type('pf-secrets-tokenSecret', 'typed-token-secret-42');

    await lockAndUnlock();
    expect((field('pf-name') as HTMLInputElement).value).toBe('pve draft');
    expect((field('pf-notes') as HTMLTextAreaElement).value).toBe('half-written notes');
    expect((field('pf-connection-url') as HTMLInputElement).value).toBe('https://pve.lab:8006');
    expect(field('pf-kind-proxmox').getAttribute('aria-checked')).toBe('true');
    expect((field('pf-secrets-tokenSecret') as HTMLInputElement).value).toBe('');
    expect(field('profile-draft-secrets').textContent).toContain('type the Token secret again');
    // The store that outlived the lock never held the secret.
    expect(JSON.stringify(useProfilesStore.getState())).not.toContain('typed-token-secret-42');
    expect(document.body.innerHTML).not.toContain('typed-token-secret-42');

    // A second lock before the secret is typed again still asks for it.
    await lockAndUnlock();
    expect(field('profile-draft-secrets').textContent).toContain('Token secret');

    type('pf-secrets-tokenSecret', 'retyped-secret');
    await submit();
    await waitFor(() => {
      expect(host.saves()).toHaveLength(1);
    });
    expect(host.saves()[0]).toMatchObject({
      name: 'pve draft',
      notes: 'half-written notes',
      secrets: { tokenSecret: 'retyped-secret' },
    });
    expect(useProfilesStore.getState().draft).toBeUndefined();
  });

  it('refuses to save a draft kept over a lock when the profile changed meanwhile', async () => {
    const host = await renderGatedPage([storedForeman]);
    await editStored();
    type('pf-notes', 'notes typed before the lock');
    await act(async () => {
      await useVaultStore.getState().lock();
    });
    await screen.findByTestId('vault-unlock');
    // While the app was locked, the command line changed the profile.
    host.changeElsewhere({
      ...storedForeman,
      connection: {
        ...storedForeman.connection,
        url: 'https://foreman-new.example.net',
      } as ProfileView['connection'],
      updatedAt: '2026-05-05T00:00:00.000Z',
    });
    // The list may have been read again before the editor comes back.
    await act(async () => {
      await useProfilesStore.getState().load();
    });
    type('vault-passphrase', 'rackside demo vault');
    await act(async () => {
      fireEvent.click(field('vault-submit'));
      await Promise.resolve();
    });
    await screen.findByTestId('profile-form');
    expect((field('pf-notes') as HTMLTextAreaElement).value).toBe('notes typed before the lock');
    await submit();
    expect((await screen.findByTestId('profile-form-error')).textContent).toContain(
      'was changed elsewhere',
    );
    expect(host.saves().at(-1)).toMatchObject({ editedFrom: storedForeman.updatedAt });
  });

  it('shows no note when no secret was typed, and Cancel forgets the draft', async () => {
    await renderGatedPage();
    fireEvent.click(field('profiles-new'));
    type('pf-name', 'plain draft');
    await lockAndUnlock();
    expect((field('pf-name') as HTMLInputElement).value).toBe('plain draft');
    expect(screen.queryByTestId('profile-draft-secrets')).toBeNull();
    // Cancel asks before it throws the changes away; keeping on editing keeps them.
    fireEvent.click(field('pf-cancel'));
    fireEvent.click(await screen.findByTestId('pf-keep-editing'));
    expect((field('pf-name') as HTMLInputElement).value).toBe('plain draft');
    fireEvent.keyDown(field('pf-name'), { key: 'Escape' });
    fireEvent.click(await screen.findByTestId('pf-discard-confirm'));
    expect(screen.queryByTestId('profile-form')).toBeNull();
    fireEvent.click(field('profiles-new'));
    expect((field('pf-name') as HTMLInputElement).value).toBe('');
    // Nothing typed: Cancel closes at once.
    fireEvent.click(field('pf-cancel'));
    expect(screen.queryByTestId('pf-discard')).toBeNull();
    expect(screen.queryByTestId('profile-form')).toBeNull();
  });
});
