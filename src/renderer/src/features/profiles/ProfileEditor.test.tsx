import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileKind, ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import {
  foremanId,
  storedForeman,
  field,
  type,
  errorOf,
  typeAll,
  renderPage,
  submit,
  submitSavingOnce,
  submitAndExpect,
  newProfile,
  editStored,
} from './profile-editor-steps';

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
    for (const [kind, host, port, typed] of [
      ['routeros', 'edge.lab', '8729', 'edge.lab:8729'],
      ['ssh', '10.0.0.5', '2222', '10.0.0.5:2222'],
      // An IPv6 address with a port, as ssh and URLs write it.
      ['ssh', 'fd00::5', '2222', '[fd00::5]:2222'],
    ] as const) {
      fireEvent.click(field(`pf-kind-${kind}`));
      type('pf-name', `${kind} one`);
      type('pf-connection-host', typed);
      type('pf-connection-username', 'admin');
      await submitAndExpect(
        'pf-connection-host',
        `Put the port in the Port field: host ${host}, port ${port}`,
      );
    }
    expect(host.saves()).toEqual([]);

    // An IPv6 address has colons of its own and is taken as it is.
    type('pf-connection-host', 'fd00::5');
    await submitSavingOnce(host);
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
    await submitSavingOnce(host);
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
    await submitSavingOnce(host);
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
    await submitSavingOnce(host);
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
    await submitSavingOnce(host);
    expect(host.saves()[0]).toMatchObject({ connection: { hostFilter: null } });
  });
});
