import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { TerminalsPage } from './TerminalsPage';
import { terminalCommands } from './palette-commands';
import { toggleSplit } from './tab-layout';
import { closeTabNow, openTab as openTerminal, sessionFor } from './terminal-actions';
import { initialState, useTerminalsStore, type TerminalTab } from './terminals-store';
import { installSshBridge, openTab, type SshBridge } from '../../test-support/terminal-tabs';

// The bytes of a session are not under test here: its stream carries nothing.
vi.mock('../../lib/terminal-channel');

const tab = (key: string): TerminalTab =>
  openTab(key, { kind: 'quick', user: 'ops', host: key, port: 22 });

const labels = (): (string | undefined)[] =>
  screen.getAllByTestId('term-tab').map((t) => t.dataset.label);
const tabNamed = (label: string): HTMLElement =>
  screen.getAllByTestId('term-tab').find((t) => t.dataset.label === label)!;
const paneLabels = (pane: 0 | 1): (string | undefined)[] =>
  within(screen.getByTestId(`term-pane-${String(pane)}`))
    .queryAllByTestId('term-tab')
    .map((t) => t.dataset.label);
const tabStrip = (pane: 0 | 1): HTMLElement =>
  within(screen.getByTestId(`term-pane-${String(pane)}`)).getByRole('tablist');

/** The data a drag carries, as a browser's DataTransfer holds it between the events. */
function dataTransfer(): Partial<DataTransfer> {
  const data = new Map<string, string>();
  return {
    effectAllowed: 'all',
    dropEffect: 'none',
    setData: (type, value) => {
      data.set(type, value);
    },
    getData: (type) => data.get(type) ?? '',
  };
}

/** A drag event at `clientX` (jsdom has no DragEvent; React reads these fields of any event). */
function dragEvent(type: string, transfer: Partial<DataTransfer>, clientX = 0): Event {
  const event = new MouseEvent(type, { bubbles: true, cancelable: true, clientX });
  Object.defineProperty(event, 'dataTransfer', { value: transfer });
  return event;
}

/**
 * Drags tab `from` over `onto` (a tab, or a pane's tab strip) at `clientX` and drops it there;
 * whether it could drop. The browser ends the drag on the element that was dragged, even when a
 * tab moved to the other pane has left it out of the page.
 */
function drag(from: string, onto: string | HTMLElement, clientX: number): boolean {
  const target = (): HTMLElement => (typeof onto === 'string' ? tabNamed(onto) : onto);
  const transfer = dataTransfer();
  const source = tabNamed(from);
  fireEvent(source, dragEvent('dragstart', transfer));
  const over = dragEvent('dragover', transfer, clientX);
  fireEvent(target(), over);
  // Only a target that takes the drop cancels dragover; the browser drops nowhere else.
  if (over.defaultPrevented) fireEvent(target(), dragEvent('drop', transfer, clientX));
  fireEvent(source, dragEvent('dragend', transfer));
  return over.defaultPrevented;
}

describe('terminal keys outside a terminal', () => {
  beforeEach(() => {
    installFakeBridge(() => undefined);
    useTerminalsStore.setState({
      ...initialState,
      tabs: ['a', 'b', 'c'].map(tab),
      active: ['b', null],
    });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  it('switch tabs while the focus is on the page, after clicking a tab button say', () => {
    render(<TerminalsPage />);
    fireEvent.keyDown(screen.getAllByTestId('term-tab-broadcast')[0]!, {
      key: 'PageDown',
      ctrlKey: true,
    });
    expect(useTerminalsStore.getState().active[0]).toBe('c');
    fireEvent.keyDown(document.body, { key: 'PageUp', ctrlKey: true });
    expect(useTerminalsStore.getState().active[0]).toBe('b');
  });

  it('move the shown tab with Shift: Ctrl+Shift+PageDown / PageUp', () => {
    render(<TerminalsPage />);
    const order = (): string[] => useTerminalsStore.getState().tabs.map((tab) => tab.key);
    const before = order();
    const shown = useTerminalsStore.getState().active[0]!;
    fireEvent.keyDown(document.body, { key: 'PageDown', ctrlKey: true, shiftKey: true });
    const at = before.indexOf(shown);
    expect(order().indexOf(shown)).toBe(Math.min(at + 1, before.length - 1));
    expect(useTerminalsStore.getState().active[0]).toBe(shown);
    fireEvent.keyDown(document.body, { key: 'PageUp', ctrlKey: true, shiftKey: true });
    expect(order()).toEqual(before);
  });

  it('move the focus along the tab names with the arrow keys, Home and End, without switching', () => {
    render(<TerminalsPage />);
    const names = () => screen.getAllByTestId('term-tab').map((t) => t.querySelector('button')!);
    names()[1]!.focus();
    fireEvent.keyDown(names()[1]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(names()[2]);
    fireEvent.keyDown(names()[2]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(names()[0]);
    fireEvent.keyDown(names()[0]!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(names()[2]);
    fireEvent.keyDown(names()[2]!, { key: 'Home' });
    expect(document.activeElement).toBe(names()[0]);
    fireEvent.keyDown(names()[0]!, { key: 'End' });
    expect(document.activeElement).toBe(names()[2]);
    // Only the focus moved: the tab shown is the same until Enter.
    expect(useTerminalsStore.getState().active[0]).toBe('b');
    // Arrows on the tab's other buttons are theirs.
    const broadcast = screen.getAllByTestId('term-tab-broadcast')[0]!;
    broadcast.focus();
    fireEvent.keyDown(broadcast, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(broadcast);
  });

  it('show a tab clicked anywhere on it, not only on its name', () => {
    render(<TerminalsPage />);
    const first = screen.getAllByTestId('term-tab')[0]!;
    fireEvent.click(first.querySelector('.term-dot')!);
    expect(useTerminalsStore.getState().active[0]).toBe('a');
    fireEvent.click(screen.getAllByTestId('term-tab')[2]!);
    expect(useTerminalsStore.getState().active[0]).toBe('c');
    // Its buttons do their own thing only.
    fireEvent.click(screen.getAllByTestId('term-tab-broadcast')[0]!);
    expect(useTerminalsStore.getState().active[0]).toBe('c');
  });

  it('leave the keys to a terminal, which acts on them itself, and to fields', () => {
    render(<TerminalsPage />);
    const inTerminal = document.createElement('div');
    inTerminal.className = 'xterm';
    document.body.appendChild(inTerminal);
    fireEvent.keyDown(inTerminal, { key: 'PageDown', ctrlKey: true });
    fireEvent.keyDown(screen.getByTestId('quick-connect-input'), {
      key: 'PageDown',
      ctrlKey: true,
    });
    // Plain Ctrl+W is not a tab key anywhere: the shell's word erase.
    fireEvent.keyDown(document.body, { key: 'w', ctrlKey: true });
    expect(useTerminalsStore.getState().active[0]).toBe('b');
    expect(useTerminalsStore.getState().tabs).toHaveLength(3);
    inTerminal.remove();
  });
});

describe('renaming a tab', () => {
  beforeEach(() => {
    installFakeBridge(() => undefined);
    useTerminalsStore.setState({
      ...initialState,
      tabs: ['a', 'b'].map((key) => openTab(key, tab(key).target, `tab-${key}`)),
      active: ['a', null],
    });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  const labels = () => screen.getAllByTestId('term-tab').map((t) => t.dataset.label);

  it('types into the name field, not the session; Enter keeps the name, Escape drops it', () => {
    render(<TerminalsPage />);
    fireEvent.doubleClick(screen.getByText('tab-a'));
    const field = screen.getByTestId<HTMLInputElement>('term-tab-rename-input');
    // The field has the keyboard, with the old name selected to be typed over.
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, 'tab-a'.length]);
    fireEvent.change(field, { target: { value: 'prod-db' } });
    fireEvent.submit(field);
    expect(labels()).toEqual(['prod-db', 'tab-b']);
    expect(screen.queryByTestId('term-tab-rename-input')).toBeNull();

    fireEvent.doubleClick(screen.getByText('tab-b'));
    const second = screen.getByTestId<HTMLInputElement>('term-tab-rename-input');
    fireEvent.change(second, { target: { value: 'typo' } });
    fireEvent.keyDown(second, { key: 'Escape' });
    fireEvent.blur(second);
    expect(labels()).toEqual(['prod-db', 'tab-b']);
    expect(screen.queryByTestId('term-tab-rename-input')).toBeNull();
  });

  it('starts from the keyboard with F2 on a tab', () => {
    render(<TerminalsPage />);
    fireEvent.keyDown(screen.getByText('tab-b'), { key: 'F2' });
    const field = screen.getByTestId<HTMLInputElement>('term-tab-rename-input');
    fireEvent.change(field, { target: { value: '  staging  ' } });
    fireEvent.blur(field);
    expect(labels()).toEqual(['tab-a', 'staging']);
  });
});

describe('tabs to the same target', () => {
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  it('are numbered after the first, so each can be told apart; a renamed one keeps its name', () => {
    installFakeBridge(() => undefined);
    const bastion = { kind: 'profile' as const, profileId: 'b', label: 'Lab SSH bastion-ber' };
    useTerminalsStore.setState({
      ...initialState,
      tabs: [
        openTab('a', bastion),
        openTab('b', bastion, null, 2),
        openTab('c', bastion, 'mine'),
        openTab('d', bastion, null, 3),
      ],
      active: ['a', null],
    });
    render(<TerminalsPage />);
    expect(screen.getAllByTestId('term-tab').map((t) => t.textContent)).toEqual([
      'Lab SSH bastion-ber',
      'Lab SSH bastion-ber (2)',
      'mine',
      'Lab SSH bastion-ber (3)',
    ]);
  });
});

describe('the font size field', () => {
  beforeEach(() => {
    installFakeBridge(() => undefined);
    useTerminalsStore.setState({ ...initialState, tabs: [tab('a')], active: ['a', null] });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
    window.localStorage.clear();
  });

  it('takes a size typed over the old one, applies and keeps it, and refuses what is out of range', () => {
    render(<TerminalsPage />);
    const field = screen.getByTestId<HTMLInputElement>('term-font-size');
    expect(field.value).toBe('13');
    // Typed key by key: "13" erased, then "1", then "14".
    fireEvent.change(field, { target: { value: '' } });
    expect(field.value).toBe('');
    fireEvent.change(field, { target: { value: '1' } });
    expect(field.value).toBe('1');
    expect(useTerminalsStore.getState().settings.fontSize).toBe(13);
    fireEvent.change(field, { target: { value: '14' } });
    expect(field.value).toBe('14');
    expect(useTerminalsStore.getState().settings.fontSize).toBe(14);
    expect(
      JSON.parse(window.localStorage.getItem('rackside.terminal-settings') ?? '{}'),
    ).toMatchObject({
      fontSize: 14,
    });
    // Leaving the field with a size out of range shows the size in use again.
    fireEvent.change(field, { target: { value: '140' } });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    fireEvent.blur(field);
    expect(field.value).toBe('14');
    expect(useTerminalsStore.getState().settings.fontSize).toBe(14);
  });
});

describe('dragging a tab', () => {
  beforeEach(() => {
    installFakeBridge(() => undefined);
    useTerminalsStore.setState({
      ...initialState,
      tabs: ['a', 'b', 'c', 'd'].map((key) => openTab(key, tab(key).target, `tab-${key}`)),
      active: ['a', null],
    });
    // Every tab is 100 px wide from x = 0: its left half is x < 50.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(
      DOMRect.fromRect({ x: 0, y: 0, width: 100, height: 24 }),
    );
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
    vi.restoreAllMocks();
  });

  it("moves tab A after tab C when dropped on C's right half, before it on the left half", () => {
    render(<TerminalsPage />);
    expect(drag('tab-a', 'tab-c', 75)).toBe(true);
    expect(labels()).toEqual(['tab-b', 'tab-c', 'tab-a', 'tab-d']);
    expect(drag('tab-d', 'tab-b', 25)).toBe(true);
    expect(labels()).toEqual(['tab-d', 'tab-b', 'tab-c', 'tab-a']);
    // The tab shown stays shown.
    expect(useTerminalsStore.getState().active[0]).toBe('a');
  });

  it('shows on which edge the tab would land while it is dragged over another, and not on itself', () => {
    render(<TerminalsPage />);
    const transfer = dataTransfer();
    fireEvent(tabNamed('tab-a'), dragEvent('dragstart', transfer));
    expect(tabNamed('tab-a').classList.contains('dragging')).toBe(true);
    fireEvent(tabNamed('tab-c'), dragEvent('dragover', transfer, 75));
    expect(tabNamed('tab-c').dataset.drop).toBe('after');
    fireEvent(tabNamed('tab-c'), dragEvent('dragover', transfer, 25));
    expect(tabNamed('tab-c').dataset.drop).toBe('before');
    fireEvent(tabNamed('tab-c'), dragEvent('dragleave', transfer));
    expect(tabNamed('tab-c').dataset.drop).toBeUndefined();

    const overItself = dragEvent('dragover', transfer, 75);
    fireEvent(tabNamed('tab-a'), overItself);
    expect(overItself.defaultPrevented).toBe(false);
    expect(tabNamed('tab-a').dataset.drop).toBeUndefined();
    fireEvent(tabNamed('tab-a'), dragEvent('drop', transfer, 75));
    fireEvent(tabNamed('tab-a'), dragEvent('dragend', transfer));
    expect(tabNamed('tab-a').classList.contains('dragging')).toBe(false);
    expect(labels()).toEqual(['tab-a', 'tab-b', 'tab-c', 'tab-d']);
  });

  it('in a split, moves a tab within its pane past the tabs the other pane shows', () => {
    render(<TerminalsPage />);
    // The split puts b in the second pane; c goes there too: a, d on the left, b, c on the right.
    act(() => {
      toggleSplit();
      useTerminalsStore.setState((state) => ({
        tabs: state.tabs.map((t) => (t.key === 'c' ? { ...t, pane: 1 as const } : t)),
      }));
    });
    expect(paneLabels(0)).toEqual(['tab-a', 'tab-d']);

    expect(drag('tab-d', 'tab-a', 25)).toBe(true);
    expect(paneLabels(0)).toEqual(['tab-d', 'tab-a']);
    expect(paneLabels(1)).toEqual(['tab-b', 'tab-c']);
    // As with Ctrl+Shift+PageUp, d traded places with a: b and c kept theirs in between.
    expect(useTerminalsStore.getState().tabs.map((t) => t.key)).toEqual(['d', 'b', 'c', 'a']);

    // Its own pane's strip, past its tabs, is no place to drop: only the other pane's is.
    expect(drag('tab-a', tabStrip(0), 400)).toBe(false);
    expect(paneLabels(0)).toEqual(['tab-d', 'tab-a']);
  });
});

describe('moving a tab to the other pane', () => {
  let host: SshBridge;
  beforeEach(() => {
    useTerminalsStore.setState(initialState);
    host = installSshBridge();
    // What jsdom lacks for xterm.js to open in a page.
    vi.stubGlobal('matchMedia', () => ({
      matches: false,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }));
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe = (): undefined => undefined;
        disconnect = (): undefined => undefined;
      },
    );
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(
      DOMRect.fromRect({ x: 0, y: 0, width: 100, height: 24 }),
    );
  });
  afterEach(() => {
    for (const t of useTerminalsStore.getState().tabs) closeTabNow(t.key);
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  /** Three live sessions to a, b and c, split: b and c on the left, a on the right. */
  async function threeTabsSplit(): Promise<Record<'a' | 'b' | 'c', string>> {
    render(<TerminalsPage />);
    for (const name of ['a', 'b', 'c']) {
      await act(() => openTerminal({ kind: 'quick', user: 'ops', host: name, port: 22 }));
    }
    for (const t of useTerminalsStore.getState().tabs) {
      act(() => {
        host.emit('ssh:status', { sessionId: t.sessionId ?? '', status: { state: 'open' } });
      });
    }
    act(() => {
      toggleSplit();
    });
    const [a, b, c] = useTerminalsStore.getState().tabs.map((t) => t.key);
    expect(paneLabels(0)).toEqual(['ops@b:22', 'ops@c:22']);
    expect(paneLabels(1)).toEqual(['ops@a:22']);
    return { a: a!, b: b!, c: c! };
  }

  /** The terminal a pane shows, as the user sees it: its text, and whether it is that tab's. */
  function shownTerminal(pane: 0 | 1, key: string): { text: string; same: boolean } {
    const view = within(screen.getByTestId(`term-pane-${String(pane)}`))
      .getAllByTestId('term-view')
      .find((v) => v.dataset.visible === 'true');
    const term = sessionFor(key)?.term;
    const lines: string[] = [];
    for (let row = 0; row < (term?.buffer.active.length ?? 0); row++) {
      lines.push(term?.buffer.active.getLine(row)?.translateToString(true) ?? '');
    }
    const element = term?.element;
    return {
      text: lines.join('\n').trim(),
      same: element !== undefined && view?.contains(element) === true,
    };
  }

  const writeTo = (key: string, text: string): Promise<void> =>
    new Promise((resolve) => {
      sessionFor(key)?.term.write(text, resolve);
    });

  it('dropped on a tab of the other pane, the tab goes there beside it, shown, its session kept', async () => {
    const keys = await threeTabsSplit();
    await writeTo(keys.c, 'load average: 0.42\r\n');
    expect(shownTerminal(0, keys.c)).toEqual({ text: 'load average: 0.42', same: true });
    const commandsBefore = host.calls.length;

    expect(drag('ops@c:22', 'ops@a:22', 25)).toBe(true);
    expect(paneLabels(1)).toEqual(['ops@c:22', 'ops@a:22']);
    expect(paneLabels(0)).toEqual(['ops@b:22']);
    // The other pane shows it, with what its terminal held; the one it left shows its other tab.
    expect(
      within(screen.getByTestId('term-pane-1')).getByRole('tab', { selected: true }).dataset.label,
    ).toBe('ops@c:22');
    expect(shownTerminal(1, keys.c)).toEqual({ text: 'load average: 0.42', same: true });
    expect(shownTerminal(0, keys.b).same).toBe(true);
    // Its session goes on: nothing closed, opened or reconnected, and it still takes output.
    expect(host.calls.slice(commandsBefore)).toEqual([]);
    expect(tabNamed('ops@c:22').dataset.state).toBe('open');
    await writeTo(keys.c, 'still here\r\n');
    expect(shownTerminal(1, keys.c).text).toBe('load average: 0.42\nstill here');

    // The drag is over: the tab no longer looks dragged, and something else dragged over the
    // tabs (a file, say) is not taken for it.
    expect(tabNamed('ops@c:22').classList.contains('dragging')).toBe(false);
    const stray = dragEvent('dragover', dataTransfer(), 25);
    fireEvent(tabNamed('ops@a:22'), stray);
    expect(stray.defaultPrevented).toBe(false);
    expect(tabNamed('ops@a:22').dataset.drop).toBeUndefined();
  });

  it("dropped on the other pane's strip past its tabs, the tab goes last there; a pane left empty says so", async () => {
    const keys = await threeTabsSplit();
    const transfer = dataTransfer();
    fireEvent(tabNamed('ops@a:22'), dragEvent('dragstart', transfer));
    const over = dragEvent('dragover', transfer, 400);
    fireEvent(tabStrip(0), over);
    expect(over.defaultPrevented).toBe(true);
    // Where it would land: after the last tab there.
    expect(tabNamed('ops@c:22').dataset.drop).toBe('after');
    fireEvent(tabStrip(0), dragEvent('drop', transfer, 400));
    fireEvent(tabNamed('ops@a:22'), dragEvent('dragend', transfer));

    expect(paneLabels(0)).toEqual(['ops@b:22', 'ops@c:22', 'ops@a:22']);
    expect(tabNamed('ops@c:22').dataset.drop).toBeUndefined();
    expect(
      within(screen.getByTestId('term-pane-0')).getByRole('tab', { selected: true }).dataset.label,
    ).toBe('ops@a:22');
    expect(shownTerminal(0, keys.a).same).toBe(true);
    // As after closing its last tab: the pane stays, empty, and offers to start one there.
    expect(paneLabels(1)).toEqual([]);
    expect(screen.getByTestId('term-pane-empty-1').textContent).toContain(
      'No terminals in this pane.',
    );

    // An empty pane takes a tab dropped anywhere on it.
    const empty = screen.getByTestId('term-pane-1');
    expect(drag('ops@b:22', empty, 50)).toBe(true);
    expect(paneLabels(1)).toEqual(['ops@b:22']);
    expect(paneLabels(0)).toEqual(['ops@c:22', 'ops@a:22']);
  });

  it('from the keyboard, the palette moves the tab shown in the focused pane', async () => {
    const keys = await threeTabsSplit();
    await writeTo(keys.c, 'uptime\r\n');
    const command = terminalCommands().find((c) => c.id === 'terminals:move-to-other-pane');
    expect(command?.label).toBe('Move the terminal tab to the other pane');
    act(() => {
      useTerminalsStore.setState({ focusedPane: 0 });
      void command?.run();
    });
    expect(paneLabels(0)).toEqual(['ops@b:22']);
    expect(paneLabels(1)).toEqual(['ops@a:22', 'ops@c:22']);
    expect(shownTerminal(1, keys.c)).toEqual({ text: 'uptime', same: true });
    expect(useTerminalsStore.getState().focusedPane).toBe(1);
  });
});
