import { cleanup, render, screen } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('keeps the marked character in sight in a long query', () => {
    const draft = `${'x'.repeat(300)} updates>lots`;
    refused(draft, '', 310, 'updates needs a whole number, not "lots"');
    const echo = screen.getByTestId('query-echo');
    expect(echo.querySelector('mark')?.textContent).toBe('l');
    expect(echo.textContent).toMatch(/^…x+ updates>lots$/);
    expect(echo.textContent.length).toBeLessThan(100);
  });
});
