import { Search } from 'lucide-react';
import { useId, useState, type KeyboardEvent } from 'react';
import { Kbd } from '../../components/Kbd';
import { useInventoryStore } from './inventory-store';
import { applySuggestion, queryProblem, suggest, type Suggestion } from './query-assist';

function inputOf(element: Element | null): HTMLInputElement | undefined {
  return element instanceof HTMLInputElement ? element : undefined;
}

/** Characters of a long query shown on each side of the one the parser points at. */
const echoContext = 40;
/** Characters of the query the table still shows, in the error line: the rest is in its title. */
const shownQueryLength = 80;

/** The first `length` characters of a text (an emoji is one), with "…" when there are more. */
function shortened(text: string, length: number): string {
  const characters = Array.from(text);
  return characters.length > length ? `${characters.slice(0, length).join('')}…` : text;
}

/** A query quoted in a sentence: a long one cut, whole in its title, so the line keeps its width. */
export function QueryText(props: { query: string }) {
  return <code title={props.query}>{shortened(props.query, shownQueryLength)}</code>;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The query as typed with the character the parser names marked; of a long one, the part around
 * it, so that the mark stays in sight. The parser counts characters as they are seen (grapheme
 * clusters: an emoji or a flag is one), and so does this.
 */
function QueryEcho(props: { draft: string; position: number }) {
  const characters = Array.from(graphemes.segment(props.draft), (s) => s.segment);
  const text = (from: number, to: number): string => characters.slice(from, to).join('');
  const at = Math.min(Math.max(props.position - 1, 0), characters.length);
  const start = Math.max(0, at - echoContext);
  const end = Math.min(characters.length, at + 1 + echoContext);
  return (
    <code className="query-echo" aria-hidden data-testid="query-echo">
      {start > 0 ? '…' : ''}
      {text(start, at)}
      <mark>{characters[at] ?? ' '}</mark>
      {text(at + 1, end)}
      {end < characters.length ? '…' : ''}
    </code>
  );
}

/**
 * The query box: runs on every keystroke (the table keeps its last good rows while the text does
 * not parse), suggests field names and known values, and shows parse errors under the box with
 * a marker at the position the parser names — once typing pauses or on Enter, not at every
 * half-typed clause. The error and the suggestions float over the table, which stays in place.
 */
export function SearchBox({
  ref,
  onLeave,
}: {
  ref: React.Ref<HTMLInputElement>;
  onLeave: () => void;
}) {
  const draft = useInventoryStore((s) => s.draft);
  // Half-typed text is not an error yet: it shows once typing pauses.
  const queryError = useInventoryStore((s) => (s.typing ? undefined : s.queryError));
  // The last query that ran: what the table answers while the text in the box cannot be read.
  const query = useInventoryStore((s) => s.query);
  const facets = useInventoryStore((s) => s.facets);
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const suggestions: Suggestion[] = open ? suggest(draft, cursor, facets) : [];
  const problem = queryError ? queryProblem(queryError.message) : undefined;

  const update = (value: string, at: number): void => {
    setCursor(at);
    setOpen(true);
    setActive(0);
    useInventoryStore.getState().setDraft(value);
  };

  const accept = (suggestion: Suggestion): void => {
    const next = applySuggestion(draft, cursor, suggestion);
    update(next.query, next.cursor);
    const input = inputOf(document.activeElement);
    requestAnimationFrame(() => {
      input?.setSelectionRange(next.cursor, next.cursor);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const by = event.key === 'ArrowDown' ? 1 : -1;
        setActive((a) => (a + by + suggestions.length) % suggestions.length);
        return;
      }
      const chosen = suggestions[active];
      if ((event.key === 'Tab' || event.key === 'Enter') && chosen) {
        event.preventDefault();
        accept(chosen);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setOpen(false);
        return;
      }
    }
    if (event.key === 'Enter') {
      event.preventDefault();
      useInventoryStore.getState().settle();
      onLeave();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      onLeave();
    } else if (event.key === 'Escape') {
      // Leaves the box for the table and keeps the query: clearing it is the box's clear
      // button or the editing keys, which the box can undo, not a key pressed to get away.
      event.preventDefault();
      onLeave();
    }
  };

  return (
    <div className="query">
      <label className="search-box query-box" data-invalid={problem !== undefined}>
        <Search size={13} aria-hidden />
        <input
          ref={ref}
          type="search"
          className="input mono"
          placeholder="Search: debian status:running updates>0 missing:foreman"
          // A combobox: the list's active suggestion is announced while the focus stays here.
          role="combobox"
          aria-label="Search the inventory"
          aria-invalid={queryError !== undefined}
          aria-describedby={queryError ? 'query-error' : undefined}
          aria-autocomplete="list"
          aria-controls={listId}
          aria-expanded={suggestions.length > 0}
          aria-activedescendant={
            suggestions[active] === undefined ? undefined : `${listId}-${String(active)}`
          }
          spellCheck={false}
          autoComplete="off"
          data-testid="inventory-search"
          value={draft}
          onChange={(event) => {
            update(event.target.value, event.target.selectionStart ?? event.target.value.length);
          }}
          onSelect={(event) => {
            setCursor(event.currentTarget.selectionStart ?? 0);
          }}
          onBlur={() => {
            setOpen(false);
          }}
          onKeyDown={onKeyDown}
        />
        <Kbd keys={['/']} />
      </label>
      <div className="query-below">
        {suggestions.length > 0 ? (
          <ul className="suggestions" id={listId} role="listbox" data-testid="query-suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.insert}
                id={`${listId}-${String(i)}`}
                role="option"
                aria-selected={i === active}
                data-testid="query-suggestion"
                onMouseDown={(event) => {
                  event.preventDefault();
                  accept(s);
                }}
              >
                <code>{s.label}</code>
                <span className="faint">{s.hint}</span>
              </li>
            ))}
          </ul>
        ) : null}
        {queryError ? (
          <div className="query-error" id="query-error" role="alert" data-testid="query-error">
            {problem ? (
              <>
                <QueryEcho draft={draft} position={problem.position} />
                <span>
                  Position {problem.position}: {problem.detail}
                </span>
              </>
            ) : (
              <span>{queryError.message}</span>
            )}{' '}
            <span className="muted" data-testid="query-shown">
              {query === '' ? (
                'The table still shows all assets.'
              ) : (
                <>
                  The table still shows <QueryText query={query} />.
                </>
              )}
            </span>
          </div>
        ) : null}
      </div>
    </div>
  );
}
