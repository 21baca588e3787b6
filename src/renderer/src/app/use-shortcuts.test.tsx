import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../lib/bridge';
import { installFakeBridge, type BridgeCall } from '../test-support/fake-bridge';
import { useNavStore } from '../stores/nav-store';
import { useShortcuts } from './use-shortcuts';

function Keys(props: { dialog: boolean }) {
  useShortcuts();
  return props.dialog ? <div role="dialog" aria-label="Columns" /> : null;
}

const press = (key: string): void => {
  fireEvent.keyDown(window, { key, ctrlKey: true });
};

describe('app-wide keys', () => {
  let calls: BridgeCall[] = [];
  beforeEach(() => {
    calls = installFakeBridge(() => undefined);
    useNavStore.getState().go('inventory');
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('switch sections and open the palette, but not behind an open dialog', () => {
    const { rerender } = render(<Keys dialog />);
    press('5');
    press('k');
    expect(useNavStore.getState().section).toBe('inventory');
    expect(useNavStore.getState().paletteOpen).toBe(false);
    rerender(<Keys dialog={false} />);
    press('5');
    expect(useNavStore.getState().section).toBe('profiles');
    press('k');
    expect(useNavStore.getState().paletteOpen).toBe(true);
  });

  it('lock the vault from anywhere, closing the palette first', () => {
    render(<Keys dialog />);
    useNavStore.getState().setPaletteOpen(true);
    press('l');
    expect(useNavStore.getState().paletteOpen).toBe(false);
    expect(calls.map((c) => c.channel)).toContain('vault:lock');
  });
});
