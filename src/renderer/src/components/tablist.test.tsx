import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { onTabListKeyDown } from './tablist';

function Views() {
  const [shown, setShown] = useState('Assets');
  return (
    <div role="tablist" aria-label="Views" onKeyDown={onTabListKeyDown}>
      {['Assets', 'Overview', 'Drift', 'Sync'].map((name) => (
        <button
          key={name}
          type="button"
          role="tab"
          aria-selected={shown === name}
          tabIndex={shown === name ? 0 : -1}
          onClick={() => {
            setShown(name);
          }}
        >
          {name}
        </button>
      ))}
    </div>
  );
}

const tab = (name: string): HTMLElement => screen.getByRole('tab', { name });
const shown = (): string | undefined =>
  screen.getAllByRole('tab').find((t) => t.getAttribute('aria-selected') === 'true')?.textContent ??
  undefined;

describe('a row of tabs from the keyboard', () => {
  afterEach(cleanup);

  it('goes to the next and previous tab with the arrows, round, and to the ends with Home and End', () => {
    render(<Views />);
    tab('Assets').focus();
    fireEvent.keyDown(tab('Assets'), { key: 'ArrowRight' });
    expect(shown()).toBe('Overview');
    expect(document.activeElement).toBe(tab('Overview'));
    fireEvent.keyDown(tab('Overview'), { key: 'End' });
    expect(shown()).toBe('Sync');
    fireEvent.keyDown(tab('Sync'), { key: 'ArrowRight' });
    expect(shown()).toBe('Assets');
    fireEvent.keyDown(tab('Assets'), { key: 'ArrowLeft' });
    expect(shown()).toBe('Sync');
    fireEvent.keyDown(tab('Sync'), { key: 'Home' });
    expect(shown()).toBe('Assets');
    expect(screen.getAllByRole('tab').map((t) => t.tabIndex)).toEqual([0, -1, -1, -1]);
  });
});
