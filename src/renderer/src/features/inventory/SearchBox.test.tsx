import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { initialState, resetQueries, useInventoryStore } from './inventory-store';
import { SearchBox } from './SearchBox';

/** The box holding `draft`, which the parser refused at `position`, after `query` ran. */
function refused(draft: string, query: string, position: number, detail: string): void {
  useInventoryStore.setState({
    draft,
    query,
    queryError: {
      code: 'bad-request',
      message: `Query error at position ${String(position)}: ${detail}`,
    },
  });
  render(<SearchBox ref={createRef()} onLeave={() => undefined} />);
}

describe('SearchBox: a query that cannot be read', () => {
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
  });
  afterEach(cleanup);

  it('says which query the table still answers, not only what is wrong with the new one', () => {
    refused('status:running updates>lots', 'name:nothing-here', 24, 'updates needs a number');
    const error = screen.getByTestId('query-error');
    expect(error.textContent).toContain('Position 24: updates needs a number');
    expect(screen.getByTestId('query-shown').textContent).toBe(
      'The table still shows name:nothing-here.',
    );
  });

  it('says the table shows all assets when no query ran before', () => {
    refused('updates>', '', 9, '"updates>" needs a value');
    expect(screen.getByTestId('query-shown').textContent).toBe('The table still shows all assets.');
  });

  it('cuts a long query the table still shows short, with the whole of it in its title', () => {
    const shown = `name:web ${'x'.repeat(900)}`;
    refused(`${shown} updates>lots`, shown, 920, 'updates needs a whole number, not "lots"');
    const code = screen.getByTestId('query-shown').querySelector('code');
    expect(code?.textContent).toMatch(/^name:web x+…$/);
    expect(code?.textContent.length).toBeLessThan(100);
    expect(code?.title).toBe(shown);
  });

  it('keeps the marked character in sight in a long query', () => {
    const draft = `${'x'.repeat(300)} updates>lots`;
    refused(draft, '', 310, 'updates needs a whole number, not "lots"');
    const echo = screen.getByTestId('query-echo');
    expect(echo.querySelector('mark')?.textContent).toBe('l');
    expect(echo.textContent).toMatch(/^…x+ updates>lots$/);
    expect(echo.textContent.length).toBeLessThan(100);
  });

  it('marks the character the parser names after emoji and flags, each one character', () => {
    // The parser counts what a person sees: 👩‍💻 is five UTF-16 units, 🇩🇪 four, each one here.
    refused('👩‍💻 🇩🇪 updates>lots', '', 13, 'updates needs a whole number, not "lots"');
    expect(screen.getByTestId('query-error').textContent).toContain('Position 13: updates');
    const echo = screen.getByTestId('query-echo');
    expect(echo.querySelector('mark')?.textContent).toBe('l');
    expect(echo.textContent).toBe('👩‍💻 🇩🇪 updates>lots');
    cleanup();
    // An emoji at the mark is marked whole.
    refused('tag:a 😀x', '', 7, '…');
    expect(screen.getByTestId('query-echo').querySelector('mark')?.textContent).toBe('😀');
  });
});

describe('SearchBox: suggestions from the keyboard', () => {
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
    // The table's query stays on its way: only the box is looked at here.
    installFakeBridge(() => undefined);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('tells assistive technology which suggestion the arrow keys are on', () => {
    render(<SearchBox ref={createRef()} onLeave={() => undefined} />);
    const box = screen.getByRole('combobox', { name: 'Search the inventory' });
    fireEvent.change(box, { target: { value: 's' } });
    const options = screen.getAllByRole('option');
    expect(options.length).toBeGreaterThan(2);
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0]?.id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    const active = screen.getAllByRole('option')[2];
    expect(active?.getAttribute('aria-selected')).toBe('true');
    expect(active?.id).not.toBe('');
    expect(box.getAttribute('aria-activedescendant')).toBe(active?.id);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('option')).toBeNull();
    expect(box.hasAttribute('aria-activedescendant')).toBe(false);
  });
});
