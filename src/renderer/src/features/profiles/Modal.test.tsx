import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Modal } from './Modal';

/** A page with a button that opens a dialog, as the app's sections open theirs. */
function Page() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="opener" onClick={() => setOpen(true)}>
        Export…
      </button>
      {open ? (
        <Modal title="Export" testId="dialog" onClose={() => setOpen(false)}>
          <button type="button" data-testid="inside" onClick={() => setOpen(false)}>
            Done
          </button>
        </Modal>
      ) : null}
    </>
  );
}

describe('a dialog', () => {
  afterEach(cleanup);

  it('gives the keyboard back to what opened it when it closes, by Escape or a button', async () => {
    render(<Page />);
    const opener = screen.getByTestId('opener');
    opener.focus();
    fireEvent.click(opener);
    await waitFor(() => {
      expect(screen.getByTestId('dialog').contains(document.activeElement)).toBe(true);
    });
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    await waitFor(() => {
      expect(screen.queryByTestId('dialog')).toBeNull();
      expect(document.activeElement).toBe(opener);
    });

    fireEvent.click(opener);
    await waitFor(() => {
      expect(screen.getByTestId('dialog').contains(document.activeElement)).toBe(true);
    });
    fireEvent.click(screen.getByTestId('inside'));
    await waitFor(() => {
      expect(screen.queryByTestId('dialog')).toBeNull();
      expect(document.activeElement).toBe(opener);
    });
  });
});
