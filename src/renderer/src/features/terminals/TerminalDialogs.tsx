import { Search, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Modal } from '../profiles/Modal';
import { pastedLineCount } from './paste';
import {
  addonSearch,
  describeResults,
  isValidPattern,
  matchDecorations,
  noToggles,
  searchToggles,
  toggleForKey,
  type SearchToggle,
  type SearchToggles,
} from './search-options';
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
  const { tabKey } = props;
  const [query, setQuery] = useState('');
  const [toggles, setToggles] = useState<SearchToggles>(noToggles);
  // How the last search went, for the tab searched; another tab shown has not been searched.
  const [last, setLast] = useState<{ tabKey: string; outcome: SearchOutcome } | null>(null);
  const outcome = last?.tabKey === tabKey ? last.outcome : null;
  // Counts come from the addon as it searches, and again as new output adds or removes matches.
  const [results, setResults] = useState<{ tabKey: string; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const requests = useTerminalsStore((s) => s.searchRequests[props.pane]);
  // Ctrl+Shift+F types into the field at once, also when the bar was already open; other
  // renders leave the keyboard where the user put it (in a terminal, say).
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [requests]);
  useEffect(() => {
    const addon = sessionFor(tabKey)?.search;
    if (addon === undefined) return;
    const subscription = addon.onDidChangeResults((event) => {
      setResults({ tabKey, text: describeResults(event) });
    });
    return () => {
      subscription.dispose();
      // The highlights stay with the search bar: a tab it no longer searches loses them.
      if (sessionFor(tabKey)?.search === addon) addon.clearDecorations();
    };
  }, [tabKey]);

  /**
   * Searches the shown tab's scrollback. `again` starts at the current match rather than after
   * it, for the same text with other options; the addon keeps its highlights for the same text
   * until they are cleared, whatever the options.
   */
  const search = (backwards: boolean, options = toggles, again = false): void => {
    const session = sessionFor(tabKey);
    if (session === undefined || query === '') return;
    const addon = session.search;
    if (options.regex && !isValidPattern(query)) {
      addon.clearDecorations();
      session.term.clearSelection();
      setResults(null);
      setLast({ tabKey, outcome: 'invalid' });
      return;
    }
    if (again) addon.clearDecorations();
    const { term, options: termOptions } = addonSearch(query, options);
    const searchOptions = { ...termOptions, decorations: matchDecorations };
    const found = backwards
      ? addon.findPrevious(term, searchOptions)
      : addon.findNext(term, searchOptions);
    setLast({ tabKey, outcome: found ? 'found' : 'none' });
  };
  const toggle = (option: SearchToggle): void => {
    const next = { ...toggles, [option]: !toggles[option] };
    setToggles(next);
    if (outcome !== null) search(false, next, true);
  };
  const close = (): void => {
    sessionFor(tabKey)?.search.clearDecorations();
    setSearchOpen(props.pane, false);
    sessionFor(tabKey)?.focus();
  };
  const counted = results?.tabKey === tabKey ? results.text : null;
  return (
    <form
      className="term-search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        search(false);
      }}
      onKeyDown={(event) => {
        const option = toggleForKey(event);
        if (option === undefined) return;
        event.preventDefault();
        toggle(option);
        input.current?.focus();
      }}
    >
      <Search size={13} aria-hidden />
      <input
        className="input"
        data-testid="term-search-input"
        aria-label="Search the scrollback"
        aria-invalid={outcome === 'invalid'}
        ref={input}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setLast(null);
          setResults(null);
          // The old text's highlights go; the next search starts at the current match.
          sessionFor(tabKey)?.search.clearDecorations();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') close();
          if (event.key === 'Enter' && event.shiftKey) {
            event.preventDefault();
            search(true);
          }
        }}
      />
      <div className="term-search-toggles" role="group" aria-label="Search options">
        {searchToggles.map((button) => (
          <button
            key={button.option}
            type="button"
            className="icon-button term-search-toggle"
            data-testid={`term-search-${button.option}`}
            aria-label={button.label}
            aria-pressed={toggles[button.option]}
            title={`${button.label} (Alt+${button.key.toUpperCase()})`}
            // A click leaves the keyboard in the field, for typing on.
            onMouseDown={(event) => {
              event.preventDefault();
            }}
            onClick={() => {
              toggle(button.option);
            }}
          >
            {button.face}
          </button>
        ))}
      </div>
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
      {outcome === 'invalid' ? (
        <span data-testid="term-search-result" className="field-error" role="alert">
          Not a valid regular expression
        </span>
      ) : (
        <span data-testid="term-search-result" className="muted" aria-live="polite">
          {outcome === null ? '' : (counted ?? (outcome === 'found' ? 'found' : 'no match'))}
        </span>
      )}
      <button type="button" className="icon-button" aria-label="Close search" onClick={close}>
        <X size={12} aria-hidden />
      </button>
    </form>
  );
}

/** How a search went; `invalid` is a regular expression that does not compile. */
type SearchOutcome = 'found' | 'none' | 'invalid';

export function CloseConfirm() {
  const key = useTerminalsStore((s) => s.confirmClose);
  const tab = useTerminalsStore((s) => selectors.byKey(s, key));
  const shown = useTerminalsStore((s) => (tab === undefined ? '' : selectors.shownLabel(s, tab)));
  if (tab === undefined) return null;
  const dismiss = (): void => {
    useTerminalsStore.setState({ confirmClose: null });
  };
  return (
    <Modal
      title={`Close ${shown}?`}
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
  // A paste is input like any other: in a broadcast tab it reaches every live broadcast tab.
  const targets = useTerminalsStore(
    useShallow((s) =>
      pending === null
        ? []
        : selectors.inputTargets(s, pending.key).map((tab) => selectors.shownLabel(s, tab)),
    ),
  );
  if (pending === null) return null;
  const lines = pastedLineCount(pending.text);
  const into = targets.length > 1 ? ` into ${String(targets.length)} tabs` : '';
  return (
    <Modal
      title={`Paste ${String(lines)} line${lines === 1 ? '' : 's'}${into}?`}
      description={
        targets.length > 1
          ? `Broadcast is on: each line may run as a command in ${targets.join(', ')} as soon as it arrives.`
          : 'Each line may run as a command as soon as it arrives.'
      }
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
