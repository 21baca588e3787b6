/** Steps the profile editor's tests share: a page on a fake host, typing, submitting. */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { expect } from 'vitest';
import type { ProfileKind, ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { fakeProfilesHost, storedProfile } from './fake-profiles-host';
import { ProfilesPage } from './ProfilesPage';
import { initialState, useProfilesStore } from './profiles-store';

export const foremanId = '11111111-1111-4111-8111-111111111111';
export const storedForeman = storedProfile({
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

export async function renderPage(profiles: ProfileView[] = []) {
  const host = fakeProfilesHost(profiles);
  setBridge(host.bridge);
  useProfilesStore.setState(initialState);
  render(<ProfilesPage />);
  await waitFor(() => {
    expect(useProfilesStore.getState().loaded).toBe(true);
  });
  return host;
}

export const field = (testId: string) => screen.getByTestId(testId);
export const type = (testId: string, value: string) => {
  fireEvent.change(field(testId), { target: { value } });
};
export const errorOf = (testId: string) => screen.queryByTestId(`${testId}-error`)?.textContent;

export async function submit() {
  await act(async () => {
    fireEvent.click(field('pf-save'));
    await Promise.resolve();
  });
}

export const typeAll = (values: Record<string, string>) => {
  for (const [testId, value] of Object.entries(values)) type(testId, value);
};

/** Submits and waits for the one save the host is sent. */
export async function submitSavingOnce(host: ReturnType<typeof fakeProfilesHost>) {
  await submit();
  await waitFor(() => {
    expect(host.saves()).toHaveLength(1);
  });
}

/** Submits and waits for `message` beside the field `testId`. */
export async function submitAndExpect(testId: string, message: string) {
  await submit();
  await waitFor(() => {
    expect(errorOf(testId)).toBe(message);
  });
}

export async function newProfile(kind: ProfileKind) {
  fireEvent.click(field('profiles-new'));
  fireEvent.click(field(`pf-kind-${kind}`));
  await waitFor(() => {
    expect(field(`pf-kind-${kind}`).getAttribute('aria-checked')).toBe('true');
  });
}

/** Selects the stored Foreman profile in the list and opens it with Enter. */
export async function editStored() {
  fireEvent.click(screen.getByText('Foreman prod'));
  fireEvent.keyDown(field('profile-list'), { key: 'Enter' });
  await screen.findByTestId('profile-form');
}
