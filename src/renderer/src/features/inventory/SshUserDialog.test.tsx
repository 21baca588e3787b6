import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../../shared/contract';
import type { Result } from '../../../../shared/result';
import { defaultSettings, Settings, SettingsPatch } from '../../../../shared/settings';
import { createBridge, setBridge } from '../../lib/bridge';
import { useSettingsStore } from '../../stores/settings-store';
import { SshUserDialog } from './SshUserDialog';

const info: AppInfo = {
  name: 'Rackside',
  version: '1.0.0',
  platform: 'linux',
  arch: 'x64',
  host: 'browser',
  dataDir: '/tmp/rackside',
  vault: 'unlocked',
};

async function startCore(settings: Settings, appInfo: AppInfo): Promise<() => Settings> {
  let current = settings;
  setBridge(
    createBridge({
      invoke: (channel, payload) => {
        let result: Result<unknown> = {
          ok: false,
          error: { code: 'unknown-channel', message: channel },
        };
        if (channel === 'settings:get') result = { ok: true, data: current };
        if (channel === 'app:info') result = { ok: true, data: appInfo };
        if (channel === 'settings:set') {
          current = Settings.parse({ ...current, ...SettingsPatch.parse(payload) });
          result = { ok: true, data: current };
        }
        return Promise.resolve(result);
      },
      on: () => () => undefined,
    }),
  );
  await useSettingsStore.getState().load();
  return () => current;
}

/** Opens the dialog for an asset; the returned list collects the users it connects as. */
function open(assetId: number): string[] {
  const connected: string[] = [];
  render(
    <SshUserDialog
      assetId={assetId}
      host="web-01.lab.example"
      fallbackUser="root"
      onConnect={(user) => connected.push(user)}
      onClose={() => undefined}
    />,
  );
  return connected;
}

const userBox = () => screen.getByTestId<HTMLInputElement>('ssh-user');

/** Enter in the user box submits the dialog's form. */
async function pressEnter(): Promise<void> {
  await act(async () => {
    const form = userBox().form;
    if (!form) throw new Error('the user box is not in a form');
    fireEvent.submit(form);
    await Promise.resolve();
  });
}

describe('SSH user dialog', () => {
  beforeEach(() => {
    window.localStorage.clear();
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('offers root when nothing else is known, and Enter connects as the user shown', async () => {
    await startCore(defaultSettings, info);
    const connected = open(1);
    expect(userBox().value).toBe('root');
    expect(document.activeElement).toBe(userBox());
    await pressEnter();
    expect(connected).toEqual(['root']);
  });

  it('prefers the OS user, then the default SSH user, then the user last used on the asset', async () => {
    await startCore(defaultSettings, { ...info, userName: 'alice' });
    open(1);
    expect(userBox().value).toBe('alice');
    cleanup();

    await startCore({ ...defaultSettings, defaultSshUser: 'ops' }, { ...info, userName: 'alice' });
    const first = open(1);
    expect(userBox().value).toBe('ops');
    fireEvent.change(userBox(), { target: { value: 'deploy' } });
    await pressEnter();
    expect(first).toEqual(['deploy']);
    cleanup();

    open(1);
    expect(userBox().value).toBe('deploy');
    cleanup();
    // Another asset has no user of its own yet.
    open(2);
    expect(userBox().value).toBe('ops');
  });

  it('can make the user the default for assets never connected to', async () => {
    const settings = await startCore(defaultSettings, info);
    const connected = open(5);
    fireEvent.change(userBox(), { target: { value: 'admin' } });
    fireEvent.click(screen.getByTestId('ssh-user-default'));
    await pressEnter();
    expect(connected).toEqual(['admin']);
    expect(settings().defaultSshUser).toBe('admin');
    cleanup();
    open(6);
    expect(userBox().value).toBe('admin');
  });

  it('explains a user that is not a login name and does not connect', async () => {
    await startCore(defaultSettings, info);
    const connected = open(1);
    fireEvent.change(userBox(), { target: { value: 'root@web-01' } });
    await pressEnter();
    expect(connected).toEqual([]);
    expect(screen.getByTestId('ssh-user-error').textContent).toContain('login name');
  });

  it('takes a bastion-routed login name with a colon, as quick-connect and profiles do', async () => {
    await startCore(defaultSettings, info);
    const connected = open(1);
    fireEvent.change(userBox(), { target: { value: 'ops:web01' } });
    await pressEnter();
    expect(connected).toEqual(['ops:web01']);
  });

  it('says what is missing when the user is left blank', async () => {
    await startCore(defaultSettings, info);
    const connected = open(1);
    fireEvent.change(userBox(), { target: { value: '   ' } });
    await pressEnter();
    expect(connected).toEqual([]);
    expect(screen.getByTestId('ssh-user-error').textContent).toBe('Enter whom to log in as.');
  });
});
