import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { TerminalsPage } from './TerminalsPage';
import { toggleSplit } from './terminal-actions';
import { initialState, useTerminalsStore, type TerminalTab } from './terminals-store';
import { openTab } from '../../test-support/terminal-tabs';

const tab = (key: string): TerminalTab =>
  openTab(key, { kind: 'quick', user: 'ops', host: key, port: 22 });

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

  const labels = (): (string | undefined)[] =>
    screen.getAllByTestId('term-tab').map((t) => t.dataset.label);
  const tabNamed = (label: string): HTMLElement =>
    screen.getAllByTestId('term-tab').find((t) => t.dataset.label === label)!;

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

  /** Drags tab `from` over tab `onto` at `clientX` and drops it there; whether it could drop. */
  function drag(from: string, onto: string, clientX: number): boolean {
    const transfer = dataTransfer();
    fireEvent(tabNamed(from), dragEvent('dragstart', transfer));
    const over = dragEvent('dragover', transfer, clientX);
    fireEvent(tabNamed(onto), over);
    // Only a tab that takes the drop cancels dragover; the browser drops nowhere else.
    if (over.defaultPrevented) fireEvent(tabNamed(onto), dragEvent('drop', transfer, clientX));
    fireEvent(tabNamed(from), dragEvent('dragend', transfer));
    return over.defaultPrevented;
  }

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

  it('in a split, moves a tab among its own pane only, past the tabs the other pane shows', () => {
    render(<TerminalsPage />);
    // The split puts b in the second pane; c goes there too: a, d on the left, b, c on the right.
    act(() => {
      toggleSplit();
      useTerminalsStore.setState((state) => ({
        tabs: state.tabs.map((t) => (t.key === 'c' ? { ...t, pane: 1 as const } : t)),
      }));
    });
    const paneLabels = (pane: 0 | 1): (string | undefined)[] =>
      Array.from(
        screen
          .getByTestId(`term-pane-${String(pane)}`)
          .querySelectorAll<HTMLElement>('[data-testid="term-tab"]'),
      ).map((t) => t.dataset.label);
    expect(paneLabels(0)).toEqual(['tab-a', 'tab-d']);

    expect(drag('tab-d', 'tab-a', 25)).toBe(true);
    expect(paneLabels(0)).toEqual(['tab-d', 'tab-a']);
    expect(paneLabels(1)).toEqual(['tab-b', 'tab-c']);
    // As with Ctrl+Shift+PageUp, d traded places with a: b and c kept theirs in between.
    expect(useTerminalsStore.getState().tabs.map((t) => t.key)).toEqual(['d', 'b', 'c', 'a']);

    // A tab of the other pane is no place to drop.
    expect(drag('tab-a', 'tab-c', 75)).toBe(false);
    expect(paneLabels(0)).toEqual(['tab-d', 'tab-a']);
    expect(paneLabels(1)).toEqual(['tab-b', 'tab-c']);
  });
});
