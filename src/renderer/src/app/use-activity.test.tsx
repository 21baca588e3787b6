import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../lib/bridge';
import { installFakeBridge } from '../test-support/fake-bridge';
import { useActivityReport } from './use-activity';

function Window() {
  useActivityReport();
  return <input aria-label="field" />;
}

describe('activity reports', () => {
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    vi.useRealTimers();
  });

  it('tell the core of keys, clicks and scrolling, at most once per 15 s', () => {
    vi.useFakeTimers();
    const calls = installFakeBridge(() => ({}));
    const { getByLabelText } = render(<Window />);
    const active = (): number => calls.filter((c) => c.channel === 'vault:active').length;
    expect(active()).toBe(0);
    fireEvent.keyDown(getByLabelText('field'), { key: 'a' });
    expect(active()).toBe(1);
    fireEvent.pointerDown(window);
    fireEvent.wheel(window);
    expect(active()).toBe(1);
    vi.advanceTimersByTime(15_001);
    fireEvent.pointerDown(window);
    expect(active()).toBe(2);
  });
});
