import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installSshBridge } from '../../test-support/terminal-tabs';
import { activate, closeTabNow, openTab, rename, sessionFor } from './terminal-actions';
import { TerminalSession } from './terminal-session';
import { moveShownTabToOtherPane } from './tab-layout';
import { initialState, selectors, useTerminalsStore } from './terminals-store';

describe('tabs to one target', () => {
  beforeEach(() => {
    useTerminalsStore.setState(initialState);
    installSshBridge();
  });
  afterEach(() => {
    for (const tab of useTerminalsStore.getState().tabs) closeTabNow(tab.key);
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  const labels = (): string[] => {
    const state = useTerminalsStore.getState();
    return state.tabs.map((tab) => selectors.shownLabel(state, tab));
  };
  const keyOf = (label: string): string => {
    const state = useTerminalsStore.getState();
    return state.tabs.find((tab) => selectors.shownLabel(state, tab) === label)!.key;
  };
  const box = { kind: 'quick', user: 'ops', host: 'box1', port: 22 } as const;

  it('keep their numbers when others are moved, closed or renamed, and a new one gets the next', async () => {
    for (let i = 0; i < 4; i += 1) await openTab(box);
    expect(labels()).toEqual([
      'ops@box1:22',
      'ops@box1:22 (2)',
      'ops@box1:22 (3)',
      'ops@box1:22 (4)',
    ]);

    activate(keyOf('ops@box1:22 (4)'));
    moveShownTabToOtherPane();
    closeTabNow(keyOf('ops@box1:22 (2)'));
    rename(keyOf('ops@box1:22'), 'first');
    expect(labels()).toEqual(['first', 'ops@box1:22 (3)', 'ops@box1:22 (4)']);

    await openTab(box);
    expect(labels()).toContain('ops@box1:22 (5)');
    // Given its default name back, a tab is numbered after the others again.
    rename(keyOf('first'), '');
    expect(labels()[0]).toBe('ops@box1:22 (6)');
  });

  it('give the keyboard to the terminal shown after the shown one closed, when it had gone nowhere', async () => {
    for (let i = 0; i < 3; i += 1) await openTab(box);
    // What the tabs closed before this test left to do in the next frame is done first.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const focused = vi
      .spyOn(TerminalSession.prototype, 'focus')
      .mockImplementation(() => undefined);
    activate(keyOf('ops@box1:22 (2)'));
    const next = keyOf('ops@box1:22 (3)');
    closeTabNow(keyOf('ops@box1:22 (2)'));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(focused.mock.contexts).toEqual([sessionFor(next)]);
    // A tab not shown closes without moving the keyboard.
    focused.mockClear();
    closeTabNow(keyOf('ops@box1:22'));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(focused).not.toHaveBeenCalled();
    focused.mockRestore();
  });

  it('show the neighbour of a closed tab, not the last one', async () => {
    for (let i = 0; i < 4; i += 1) await openTab(box);
    activate(keyOf('ops@box1:22 (2)'));
    closeTabNow(keyOf('ops@box1:22 (2)'));
    expect(useTerminalsStore.getState().active[0]).toBe(keyOf('ops@box1:22 (3)'));
    activate(keyOf('ops@box1:22 (4)'));
    closeTabNow(keyOf('ops@box1:22 (4)'));
    expect(useTerminalsStore.getState().active[0]).toBe(keyOf('ops@box1:22 (3)'));
  });
});
