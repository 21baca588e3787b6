import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { useVaultStore } from '../../stores/vault-store';
import { VaultGate } from '../vault/VaultGate';
import { fakeProfilesHost, storedProfile } from './fake-profiles-host';
import { ProfilesPage } from './ProfilesPage';
import { initialState, useProfilesStore } from './profiles-store';
import {
  foremanId,
  storedForeman,
  field,
  type,
  renderPage,
  submit,
  submitSavingOnce,
  newProfile,
  editStored,
} from './profile-editor-steps';

afterEach(() => {
  cleanup();
  setBridge(undefined);
});

describe('secret fields', () => {
  it('keeps a stored secret when left empty', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    expect(field('pf-secrets-token').getAttribute('placeholder')).toBe(
      'stored — leave empty to keep',
    );
    expect((field('pf-secrets-token') as HTMLInputElement).value).toBe('');
    await submitSavingOnce(host);
    expect(host.saves()[0]).toMatchObject({ id: foremanId, secrets: {} });
  });

  it('replaces a stored secret with the typed value, which is not shown afterwards', async () => {
    const host = await renderPage([storedForeman]);
    await editStored();
    type('pf-secrets-token', 'replacement-token-77');
    await submitSavingOnce(host);
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
    await submitSavingOnce(host);
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
    await submitSavingOnce(host);
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
