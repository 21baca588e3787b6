import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { openTab as storedTab } from '../../test-support/terminal-tabs';
import { PasteConfirm } from './TerminalDialogs';
import { TerminalsPage } from './TerminalsPage';
import {
  closeTabNow,
  confirmPaste,
  openTab,
  sessionFor,
  setSearchOpen,
  usePasteStore,
} from './terminal-actions';
import { initialState, useTerminalsStore } from './terminals-store';

/**
 * A real xterm.js with its search addon, in a tab whose session is still starting. jsdom lacks
 * what xterm.js measures the screen with; stand-ins that measure nothing are enough to search.
 */
async function tabShowing(text: string): Promise<string> {
  void openTab({ kind: 'quick', user: 'ops', host: 'db-1', port: 22 });
  const key = useTerminalsStore.getState().tabs.at(-1)?.key;
  if (key === undefined) throw new Error('no tab opened');
  render(<TerminalsPage />);
  const term = sessionFor(key)?.term;
  if (term === undefined) throw new Error('no terminal');
  await new Promise<void>((resolve) => {
    term.write(text, resolve);
  });
  act(() => {
    setSearchOpen(0, true);
  });
  return key;
}

const selected = (key: string): string => sessionFor(key)?.term.getSelection() ?? '';
const result = (): string => screen.getByTestId('term-search-result').textContent;
const field = (): HTMLInputElement => screen.getByTestId<HTMLInputElement>('term-search-input');

function searchFor(text: string): void {
  fireEvent.change(field(), { target: { value: text } });
  fireEvent.submit(field());
}

describe('scrollback search options', () => {
  beforeEach(() => {
    installFakeBridge(() => undefined);
    useTerminalsStore.setState(initialState);
    // xterm.js watches the device pixel ratio with the older addListener.
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: false,
      media: query,
      addListener: () => undefined,
      removeListener: () => undefined,
    }));
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe = (): undefined => undefined;
        unobserve = (): undefined => undefined;
        disconnect = (): undefined => undefined;
      },
    );
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  });
  afterEach(() => {
    for (const tab of useTerminalsStore.getState().tabs) closeTabNow(tab.key);
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('match case (Alt+C) changes what is found, at once, and leaves the keyboard in the field', async () => {
    const key = await tabShowing('Error: disk\r\nan error here\r\nERROR again\r\n');
    searchFor('error');
    expect(selected(key)).toBe('Error');
    expect(result()).toBe('1 of 3');

    const matchCase = screen.getByRole('button', { name: 'Match case' });
    expect(matchCase.getAttribute('aria-pressed')).toBe('false');
    expect(matchCase.title).toBe('Match case (Alt+C)');
    field().focus();
    fireEvent.keyDown(field(), { key: 'c', code: 'KeyC', altKey: true });
    expect(matchCase.getAttribute('aria-pressed')).toBe('true');
    expect(selected(key)).toBe('error');
    expect(result()).toBe('1 of 1');
    expect(document.activeElement).toBe(field());

    // Off again: every spelling counts, starting from the match shown.
    fireEvent.click(matchCase);
    expect(matchCase.getAttribute('aria-pressed')).toBe('false');
    expect(selected(key)).toBe('error');
    expect(result()).toBe('2 of 3');
  });

  it('whole word (Alt+W) skips matches inside longer words', async () => {
    const key = await tabShowing('errors: 2\r\nlast err\r\n');
    searchFor('err');
    expect(result()).toBe('1 of 2');
    const wholeWord = screen.getByRole('button', { name: 'Whole word' });
    fireEvent.keyDown(field(), { key: 'w', code: 'KeyW', altKey: true });
    expect(wholeWord.getAttribute('aria-pressed')).toBe('true');
    expect(result()).toBe('1 of 1');
    // The one whole "err" is on the second line.
    expect(sessionFor(key)?.term.getSelectionPosition()?.start.y).toBe(1);
  });

  it('says so for a regular expression that does not compile, finds nothing, and goes on', async () => {
    const key = await tabShowing('job 17 failed\r\njob 18 ok\r\n');
    searchFor('job (1');
    expect(result()).toBe('No matches');

    const regex = screen.getByRole('button', { name: 'Regular expression' });
    fireEvent.keyDown(field(), { key: 'r', code: 'KeyR', altKey: true });
    expect(regex.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Not a valid regular expression');
    expect(field().getAttribute('aria-invalid')).toBe('true');
    expect(selected(key)).toBe('');
    // Searching again says the same, and nothing throws.
    fireEvent.submit(field());
    expect(result()).toBe('Not a valid regular expression');

    searchFor('job 1[78]');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(selected(key)).toBe('job 17');
    expect(result()).toBe('1 of 2');
    fireEvent.submit(field());
    expect(selected(key)).toBe('job 18');
    expect(result()).toBe('2 of 2');
  });
});

describe('the multi-line paste confirmation', () => {
  const quick = (host: string) => ({ kind: 'quick' as const, user: 'ops', host, port: 22 });
  afterEach(() => {
    act(() => {
      confirmPaste(false);
    });
    cleanup();
    useTerminalsStore.setState(initialState);
  });

  function pasteInto(key: string, text: string): HTMLElement {
    render(<PasteConfirm />);
    act(() => {
      usePasteStore.setState({ pending: { key, text } });
    });
    return screen.getByTestId('term-paste-confirm');
  }

  it('counts the lines, one line in the singular', () => {
    useTerminalsStore.setState({ ...initialState, tabs: [storedTab('a', quick('web-1'))] });
    const dialog = pasteInto('a', 'apt update\n');
    expect(dialog.textContent).toContain('Paste 1 line?');
    expect(dialog.textContent).toContain('Each line may run as a command as soon as it arrives.');
  });

  it('in a broadcast tab, names every live tab the paste reaches', () => {
    useTerminalsStore.setState({
      ...initialState,
      tabs: [
        { ...storedTab('a', quick('bastion-ams'), 'ams'), broadcast: true },
        { ...storedTab('b', quick('bastion-ber'), 'ber'), broadcast: true },
        // Not broadcasting, and broadcasting but closed: the paste reaches neither.
        storedTab('c', quick('db-1'), 'db'),
        { ...storedTab('d', quick('old-1'), 'old'), broadcast: true, status: { state: 'closed' } },
      ],
    });
    const dialog = pasteInto('a', 'echo P1\necho P2\n');
    expect(dialog.textContent).toContain('Paste 2 lines into 2 tabs?');
    expect(dialog.textContent).toContain(
      'Broadcast is on: each line may run as a command in ams, ber as soon as it arrives.',
    );
    cleanup();
    // Pasted in the tab that does not broadcast, it goes to that tab alone.
    act(() => {
      confirmPaste(false);
    });
    expect(pasteInto('c', 'echo P1\necho P2').textContent).toContain('Paste 2 lines?');
  });
});
