import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paletteCommands } from '../app/commands';
import { shortcuts } from '../app/shortcuts';
import { useShortcuts } from '../app/use-shortcuts';
import { setBridge } from '../lib/bridge';
import { useNavStore } from '../stores/nav-store';
import type { PreloadApi } from '../lib/transport';
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
    delete window.rackside;
  });

  it('opens on ?, lists the terminal keys, and gives the focus back on Escape', async () => {
    // Rackside's own window.
    window.rackside = {} as PreloadApi;
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
    expect(within(dialog).queryByTestId('shortcuts-browser-note')).toBeNull();
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

  it('in a browser, lists the Alt keys that stand in for those the browser keeps', async () => {
    render(<Page />);
    fireEvent.keyDown(window, { key: '?', shiftKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const row = (id: string): string => within(dialog).getByTestId(`shortcut-${id}`).textContent;
    expect(row('terminal-next')).toContain('Alt+PageDown');
    expect(row('terminal-next')).not.toContain('Ctrl+PageDown');
    expect(row('terminal-previous')).toContain('Alt+PageUp');
    expect(row('terminal-move-right')).toContain('Alt+Shift+PageDown');
    expect(row('terminal-close')).toContain('Alt+Shift+W');
    expect(row('terminal-duplicate')).toContain('Alt+Shift+T');
    // The keys the browser does not keep stay as they are.
    expect(row('terminal-search')).toContain('Ctrl+Shift+F');
    expect(within(dialog).getByTestId('shortcuts-browser-note').textContent).toContain(
      'Ctrl+Shift+W',
    );
  });
});
