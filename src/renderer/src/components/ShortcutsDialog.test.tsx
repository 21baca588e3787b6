import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paletteCommands } from '../app/commands';
import { shortcuts } from '../app/shortcuts';
import { useShortcuts } from '../app/use-shortcuts';
import { setBridge } from '../lib/bridge';
import { useNavStore } from '../stores/nav-store';
import { installFakeBridge } from '../test-support/fake-bridge';
import { ShortcutsDialog } from './ShortcutsDialog';

function Page() {
  useShortcuts();
  return (
    <>
      <input aria-label="Name" />
      <button type="button">Sync now</button>
      <ShortcutsDialog />
    </>
  );
}

describe('the keyboard shortcuts list', () => {
  beforeEach(() => {
    installFakeBridge(() => undefined);
    useNavStore.setState({ shortcutsOpen: false, paletteOpen: false });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useNavStore.setState({ shortcutsOpen: false });
  });

  it('opens on ?, lists the terminal keys, and gives the focus back on Escape', async () => {
    render(<Page />);
    const button = screen.getByRole('button', { name: 'Sync now' });
    button.focus();
    fireEvent.keyDown(button, { key: '?', shiftKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const row = (id: string): string => within(dialog).getByTestId(`shortcut-${id}`).textContent;
    expect(row('terminal-search')).toContain('Search the scrollback');
    expect(row('terminal-search')).toContain('Ctrl+Shift+F');
    expect(row('terminal-next')).toContain('Ctrl+PageDown');
    expect(row('terminal-close')).toContain('Ctrl+Shift+W');
    expect(row('search-caseSensitive')).toContain('Alt+C');
    // Every key the app binds is on the list.
    for (const shortcut of shortcuts) {
      expect(within(dialog).getByTestId(`shortcut-${shortcut.id}`).textContent).toContain(
        shortcut.does,
      );
    }
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(document.activeElement).toBe(button);
  });

  it('is not opened by a ? typed into a field', () => {
    render(<Page />);
    const field = screen.getByRole('textbox', { name: 'Name' });
    field.focus();
    fireEvent.keyDown(field, { key: '?', shiftKey: true });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens from the command palette', async () => {
    render(<Page />);
    const command = paletteCommands().find((c) => c.label === 'Keyboard shortcuts');
    expect(command).toBeDefined();
    await command?.run();
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
  });
});
