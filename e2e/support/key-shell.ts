import type { Page } from '@playwright/test';
import type { KeyPair, Sshd } from '../../src/main/ssh/test-support/sshd';
import { ProfilesPage } from '../pages/profiles-page';
import { TerminalsPage } from '../pages/terminals-page';
import { expect } from './fixtures';

/** Saves an SSH profile that logs in as root on 127.0.0.1:`port` with `client`, and connects. */
export async function connectWithKey(
  page: Page,
  name: string,
  port: number,
  client: KeyPair,
): Promise<void> {
  const profiles = new ProfilesPage(page);
  await profiles.open();
  await profiles.startNew('ssh');
  await profiles.choose('auth-mode', 'key');
  await profiles.fill({
    name,
    'connection.host': '127.0.0.1',
    'connection.port': String(port),
    'connection.username': 'root',
    'connection.auth.keyFile': client.privatePath,
  });
  await profiles.save();
  await profiles.select(name);
  await profiles.detail().getByTestId('profile-connect').click();
}

/** `connectWithKey`, then remembers the host key and waits for the shell. */
export async function openKeyShell(
  page: Page,
  name: string,
  sshd: Sshd,
  client: KeyPair,
): Promise<TerminalsPage> {
  await connectWithKey(page, name, sshd.port, client);
  const terminals = new TerminalsPage(page);
  await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
  await terminals.acceptHostKey('remember');
  await terminals.expectState('open');
  return terminals;
}
