import { Search, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Modal } from '../profiles/Modal';
import { pastedLineCount } from './paste';
import {
  closeTabNow,
  confirmPaste,
  sessionFor,
  setSearchOpen,
  usePasteStore,
} from './terminal-actions';
import { selectors, useTerminalsStore } from './terminals-store';

/** The terminal's transient surfaces: scrollback search, close and paste confirmations. */
export function SearchBar(props: { pane: 0 | 1; tabKey: string }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<boolean | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const requests = useTerminalsStore((s) => s.searchRequests[props.pane]);
  // Ctrl+Shift+F types into the field at once, also when the bar was already open; other
  // renders leave the keyboard where the user put it (in a terminal, say).
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [requests]);
  const search = (backwards: boolean): void => {
    const addon = sessionFor(props.tabKey)?.search;
    if (!addon || query === '') return;
    setFound(backwards ? addon.findPrevious(query) : addon.findNext(query));
  };
  const close = (): void => {
    sessionFor(props.tabKey)?.search.clearDecorations();
    setSearchOpen(props.pane, false);
    sessionFor(props.tabKey)?.focus();
  };
  return (
    <form
      className="term-search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        search(false);
      }}
    >
      <Search size={13} aria-hidden />
      <input
        className="input"
        data-testid="term-search-input"
        aria-label="Search the scrollback"
        ref={input}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setFound(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') close();
          if (event.key === 'Enter' && event.shiftKey) {
            event.preventDefault();
            search(true);
          }
        }}
      />
      <button type="submit" className="button" data-testid="term-search-next">
        Next
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          search(true);
        }}
      >
        Previous
      </button>
      <span data-testid="term-search-result" className="muted">
        {found === null ? '' : found ? 'found' : 'no match'}
      </span>
      <button type="button" className="icon-button" aria-label="Close search" onClick={close}>
        <X size={12} aria-hidden />
      </button>
    </form>
  );
}

export function CloseConfirm() {
  const key = useTerminalsStore((s) => s.confirmClose);
  const tab = useTerminalsStore((s) => selectors.byKey(s, key));
  if (tab === undefined) return null;
  const dismiss = (): void => {
    useTerminalsStore.setState({ confirmClose: null });
  };
  return (
    <Modal
      title={`Close ${selectors.tabLabel(tab)}?`}
      description="The session is still connected; closing the tab ends it."
      testId="term-close-confirm"
      role="alertdialog"
      onClose={dismiss}
    >
      <div className="modal-actions">
        <button type="button" className="button" onClick={dismiss}>
          Keep it open
        </button>
        <button
          type="button"
          className="button danger"
          data-testid="term-close-confirm-button"
          onClick={() => {
            closeTabNow(tab.key);
          }}
        >
          Close the session
        </button>
      </div>
    </Modal>
  );
}

export function PasteConfirm() {
  const pending = usePasteStore((s) => s.pending);
  if (pending === null) return null;
  const lines = pastedLineCount(pending.text);
  return (
    <Modal
      title={`Paste ${String(lines)} lines?`}
      description="Each line may run as a command as soon as it arrives."
      testId="term-paste-confirm"
      role="alertdialog"
      onClose={() => {
        confirmPaste(false);
      }}
    >
      <pre className="term-paste-preview">{pending.text.slice(0, 2000)}</pre>
      <div className="modal-actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            confirmPaste(false);
          }}
        >
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="term-paste-confirm-button"
          onClick={() => {
            confirmPaste(true);
          }}
        >
          Paste
        </button>
      </div>
    </Modal>
  );
}
