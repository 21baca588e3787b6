import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { TerminalsPage } from './TerminalsPage';
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
