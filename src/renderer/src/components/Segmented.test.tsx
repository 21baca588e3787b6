import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Segmented } from './Segmented';

const themes = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
] as const;

function Theme() {
  const [theme, setTheme] = useState<(typeof themes)[number]['value']>('light');
  return (
    <Segmented
      label="Theme"
      value={theme}
      options={themes}
      testId={(value) => `theme-${value}`}
      onChange={setTheme}
    />
  );
}

const radio = (name: string): HTMLElement => screen.getByRole('radio', { name });

describe('a row of choices', () => {
  afterEach(cleanup);

  it('is one Tab stop, the chosen one, and the arrow keys choose the next or previous', () => {
    render(<Theme />);
    expect(screen.getAllByRole('radio').map((r) => r.tabIndex)).toEqual([-1, 0, -1]);
    radio('Light').focus();
    fireEvent.keyDown(radio('Light'), { key: 'ArrowRight' });
    expect(radio('Dark').getAttribute('aria-checked')).toBe('true');
    expect(document.activeElement).toBe(radio('Dark'));
    // Round from the last to the first.
    fireEvent.keyDown(radio('Dark'), { key: 'ArrowDown' });
    expect(radio('System').getAttribute('aria-checked')).toBe('true');
    expect(document.activeElement).toBe(radio('System'));
    fireEvent.keyDown(radio('System'), { key: 'ArrowLeft' });
    expect(radio('Dark').getAttribute('aria-checked')).toBe('true');
    fireEvent.keyDown(radio('Dark'), { key: 'Home' });
    expect(radio('System').getAttribute('aria-checked')).toBe('true');
    expect(screen.getAllByRole('radio').map((r) => r.tabIndex)).toEqual([0, -1, -1]);
    // Other keys are left alone.
    fireEvent.keyDown(radio('System'), { key: 'a' });
    expect(radio('System').getAttribute('aria-checked')).toBe('true');
  });
});
