import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { fakeProfilesHost } from './fake-profiles-host';
import { ImportDialog } from './ImportDialog';
import { initialState, useProfilesStore } from './profiles-store';

describe('the import dialog', () => {
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('says a chosen file is empty and offers nothing to import', async () => {
    const host = fakeProfilesHost([]);
    setBridge(host.bridge);
    useProfilesStore.setState({ ...initialState, dialog: { type: 'import' } });
    render(<ImportDialog />);
    // jsdom's File has no text(); a browser's does.
    const empty = { name: 'profiles.json', size: 2, text: () => Promise.resolve(' \n') };
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [empty] } });
    expect((await screen.findByTestId('import-error')).textContent).toBe(
      'profiles.json is empty: there is nothing to import.',
    );
    expect(screen.getByTestId<HTMLButtonElement>('import-run').disabled).toBe(true);
    expect(host.calls.some(([channel]) => channel === 'profiles:import')).toBe(false);
  });

  it('checks an encrypted export before asking for its passphrase', async () => {
    const host = fakeProfilesHost([]);
    setBridge(host.bridge);
    useProfilesStore.setState({ ...initialState, dialog: { type: 'import' } });
    render(<ImportDialog />);
    const sealed = (text: string) => ({
      name: 'profiles.encrypted.json',
      size: text.length,
      text: () => Promise.resolve(text),
    });
    const envelope = '{"rackside":"profile-export","version":1,"ciphertext":"x"}';
    host.fail('profiles:import', 'bad-request', 'Invalid encrypted export: kdf: Required');
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [sealed(envelope)] } });
    expect((await screen.findByTestId('import-error')).textContent).toBe(
      'Invalid encrypted export: kdf: Required',
    );
    expect(screen.queryByTestId('import-passphrase')).toBeNull();
    expect(host.calls.at(-1)).toEqual(['profiles:import', { content: envelope, passphrase: null }]);

    // A sound envelope: its passphrase is asked.
    host.fail(
      'profiles:import',
      'wrong-passphrase',
      'This export is encrypted: enter its passphrase.',
    );
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [sealed(envelope)] } });
    await screen.findByTestId('import-passphrase');
    expect(screen.queryByTestId('import-error')).toBeNull();
  });
});
