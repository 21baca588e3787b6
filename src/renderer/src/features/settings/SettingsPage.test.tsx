import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandName } from '../../../../shared/contract';
import type { Result } from '../../../../shared/result';
import { createBridge, setBridge } from '../../lib/bridge';
import { useSettingsStore } from '../../stores/settings-store';
import { SettingsPage } from './SettingsPage';

/** A fake host that keeps settings in memory and records every call. */
function fakeHost() {
  const calls: [string, unknown][] = [];
  let settings = { theme: 'system', lockTimeoutMinutes: 15, savedSearches: [], defaultSshUser: '' };
  const info = {
    name: 'Rackside',
    version: '9.9.9',
    platform: 'linux',
    arch: 'x64',
    host: 'browser',
    dataDir: '/home/op/.config/Rackside',
    vault: 'uninitialized',
    userName: 'op',
  };
  const bridge = createBridge({
    invoke: (channel, payload) => {
      calls.push([channel, payload]);
      const answers: Partial<Record<CommandName, () => Result<unknown>>> = {
        'settings:get': () => ({ ok: true, data: settings }),
        'app:info': () => ({ ok: true, data: info }),
        'settings:set': () => {
          settings = { ...settings, ...(payload as object) };
          return { ok: true, data: settings };
        },
      };
      return Promise.resolve(
        answers[channel as CommandName]?.() ?? {
          ok: false,
          error: { code: 'unknown-channel', message: channel },
        },
      );
    },
    on: () => () => undefined,
  });
  return { bridge, calls };
}

describe('SettingsPage', () => {
  let host: ReturnType<typeof fakeHost>;
  beforeEach(async () => {
    host = fakeHost();
    setBridge(host.bridge);
    await useSettingsStore.getState().load();
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('shows the installation facts from app:info', () => {
    render(<SettingsPage />);
    expect(screen.getByTestId('app-info').textContent).toContain('9.9.9');
    expect(screen.getByTestId('data-dir').textContent).toBe('/home/op/.config/Rackside');
    expect(screen.getByTestId('app-info').textContent).toContain('Not set up yet');
  });

  it('explains an invalid lock timeout inline and sends nothing', () => {
    render(<SettingsPage />);
    const field = screen.getByTestId('lock-timeout');
    for (const value of ['-3', '0x10', '1e1', '2.5']) {
      fireEvent.change(field, { target: { value } });
      fireEvent.keyDown(field, { key: 'Enter' });
      expect(screen.getByTestId('lock-timeout-help').textContent, value).toBe(
        'Enter whole minutes from 0 (never) to 1440.',
      );
      expect(field.getAttribute('aria-invalid')).toBe('true');
    }
    expect(host.calls.filter(([channel]) => channel === 'settings:set')).toEqual([]);
  });

  it('saves a valid lock timeout through the bridge', async () => {
    render(<SettingsPage />);
    const field = screen.getByTestId('lock-timeout');
    fireEvent.change(field, { target: { value: '45' } });
    await act(async () => {
      fireEvent.keyDown(field, { key: 'Enter' });
      await Promise.resolve();
    });
    expect(host.calls).toContainEqual(['settings:set', { lockTimeoutMinutes: 45 }]);
    expect(useSettingsStore.getState().settings?.lockTimeoutMinutes).toBe(45);
  });

  it('refuses a default SSH user that is not a login name, and says why', () => {
    render(<SettingsPage />);
    const field = screen.getByTestId('default-ssh-user');
    expect(field.getAttribute('placeholder')).toBe('op');
    fireEvent.change(field, { target: { value: 'deploy@host' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(screen.getByTestId('default-ssh-user-help').textContent).toContain('no spaces, @ or :');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(host.calls.filter(([channel]) => channel === 'settings:set')).toEqual([]);
  });

  it('saves the default SSH user, and an empty field clears it', async () => {
    render(<SettingsPage />);
    const field = screen.getByTestId('default-ssh-user');
    fireEvent.change(field, { target: { value: ' deploy ' } });
    await act(async () => {
      fireEvent.keyDown(field, { key: 'Enter' });
      await Promise.resolve();
    });
    expect(host.calls).toContainEqual(['settings:set', { defaultSshUser: 'deploy' }]);
    expect(useSettingsStore.getState().settings?.defaultSshUser).toBe('deploy');
    fireEvent.change(field, { target: { value: '' } });
    await act(async () => {
      fireEvent.blur(field);
      await Promise.resolve();
    });
    expect(host.calls).toContainEqual(['settings:set', { defaultSshUser: '' }]);
    expect(useSettingsStore.getState().settings?.defaultSshUser).toBe('');
  });

  it('asks for the current passphrase before changing it, in words, and sends nothing', () => {
    render(<SettingsPage />);
    fireEvent.change(screen.getByTestId('pp-next'), { target: { value: 'a new long passphrase' } });
    fireEvent.change(screen.getByTestId('pp-confirm'), {
      target: { value: 'a new long passphrase' },
    });
    fireEvent.click(screen.getByTestId('pp-submit'));
    expect(screen.getByTestId('pp-error').textContent).toBe('Enter the current passphrase.');
    expect(host.calls.filter(([channel]) => channel === 'vault:change-passphrase')).toEqual([]);
  });
});
