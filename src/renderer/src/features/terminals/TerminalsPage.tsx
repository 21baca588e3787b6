import '@xterm/xterm/css/xterm.css';
import { ChevronLeft, ChevronRight, Columns2, Plus, Radio, X } from 'lucide-react';
import {
  useEffect,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type SyntheticEvent,
} from 'react';
import { isTyping } from '../../lib/typing';
import { matches } from '../../app/shortcuts';
import { stepAlong } from '../../components/tablist';
import { PromptDialog } from './PromptDialog';
import { TabListMenu, useOverflowing } from './TabListMenu';
import { TerminalsEmpty } from './TerminalsEmpty';
import { parseQuickConnect } from './quick-connect';
import {
  activate,
  openTab,
  rename,
  requestClose,
  runKeyCommand,
  sessionFor,
  toggleBroadcast,
  updateSettings,
  usePasteStore,
} from './terminal-actions';
import { move, moveToOtherPane, toggleSplit } from './tab-layout';
import { keyCommandFor } from './terminal-session';
import { selectors, useTerminalsStore, type TerminalTab } from './terminals-store';
import { usePaneDrop, useTabDrag } from './use-tab-drag';
import { ClosedOverlay, ConnectingOverlay, StatusLine } from './SessionStatusViews';
import { CloseConfirm, PasteConfirm, SearchBar } from './TerminalDialogs';

/** Terminals: a quick-connect bar, tabs in one or two panes, prompts and confirmations. */
export function TerminalsPage() {
  const split = useTerminalsStore((s) => s.split);
  const hasTabs = useTerminalsStore((s) => s.tabs.length > 0);
  useTerminalKeysOutsideTerminals();
  useKeyboardBackAfterDialogs();
  return (
    <div className="page terminals-page" data-testid="terminals-page">
      <h1 className="sr-only">Terminals</h1>
      <TerminalsToolbar />
      {hasTabs ? (
        <div className={split ? 'term-panes split' : 'term-panes'}>
          <TerminalPane pane={0} />
          {split ? <TerminalPane pane={1} /> : null}
        </div>
      ) : (
        <TerminalsEmpty />
      )}
      <PromptDialog />
      <CloseConfirm />
      <PasteConfirm />
    </div>
  );
}

/**
 * The terminal keys (next / previous tab, close, duplicate) also work while the focus is on the
 * page rather than in a terminal — after clicking a tab's button, say — on the focused pane's
 * tab. In a terminal its own key handler has already acted; fields and dialogs keep their keys.
 */
function useTerminalKeysOutsideTerminals(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const command = keyCommandFor(event);
      if (command === undefined || command === 'palette') return;
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('.xterm, [role="dialog"], [role="alertdialog"]')) return;
      if (isTyping(event.target)) return;
      const state = useTerminalsStore.getState();
      const tab = selectors.shownTab(state, state.split ? state.focusedPane : 0);
      if (tab === undefined) return;
      event.preventDefault();
      runKeyCommand(tab.key, command);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);
}

/**
 * The terminal dialogs (prompts, close and paste confirmations) have no button that opened them
 * to return the focus to, so once the last one closes the keyboard goes back to the terminal the
 * user was typing in — not to the page, where keys would go nowhere.
 */
function useKeyboardBackAfterDialogs(): void {
  const open = useTerminalsStore((s) => s.prompts.length > 0 || s.confirmClose !== null);
  const pasting = usePasteStore((s) => s.pending !== null);
  const anyOpen = open || pasting;
  const wasOpen = useRef(false);
  useEffect(() => {
    const closed = wasOpen.current && !anyOpen;
    wasOpen.current = anyOpen;
    if (!closed) return;
    // A field the user moved to meanwhile (quick connect, a tab's name) keeps the keyboard.
    if (isTyping(document.activeElement)) return;
    const state = useTerminalsStore.getState();
    const tab = selectors.shownTab(state, state.split ? state.focusedPane : 0);
    if (tab !== undefined) sessionFor(tab.key)?.focus();
  }, [anyOpen]);
}

function TerminalsToolbar() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const settings = useTerminalsStore((s) => s.settings);
  const split = useTerminalsStore((s) => s.split);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const parsed = parseQuickConnect(text);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(null);
    setText('');
    void openTab({ kind: 'quick', ...parsed.target });
  };
  return (
    <div className="term-toolbar">
      <form className="term-quick" onSubmit={submit}>
        <input
          className="input"
          data-testid="quick-connect-input"
          placeholder="user@host:port"
          aria-label="Quick connect"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
          }}
        />
        <button type="submit" className="button primary" data-testid="quick-connect-submit">
          <Plus size={13} aria-hidden /> Connect
        </button>
        {error !== null ? (
          <span className="field-error" role="alert" data-testid="quick-connect-error">
            {error}
          </span>
        ) : null}
      </form>
      <div className="spacer" />
      <label className="inline-field">
        Font
        <select
          className="input"
          data-testid="term-font-family"
          value={settings.fontFamily}
          onChange={(event) => {
            updateSettings({ fontFamily: event.target.value });
          }}
        >
          {fontChoices(settings.fontFamily).map((font) => (
            <option key={font} value={font}>
              {font.split(',')[0]?.replaceAll('"', '')}
            </option>
          ))}
        </select>
      </label>
      <FontSizeField size={settings.fontSize} />
      <label
        className="inline-field"
        title="Write new sessions' output to a file in the data folder"
      >
        <input
          type="checkbox"
          data-testid="term-log-sessions"
          checked={settings.logSessions}
          onChange={(event) => {
            updateSettings({ logSessions: event.target.checked });
          }}
        />
        Log new sessions
      </label>
      <button
        type="button"
        className={split ? 'button active' : 'button'}
        data-testid="term-split"
        aria-pressed={split}
        onClick={toggleSplit}
      >
        <Columns2 size={13} aria-hidden /> Split
      </button>
    </div>
  );
}

/**
 * The font size, applied to every terminal as soon as the field holds a size from 8 to 32. What
 * is typed on the way there ("1" on the way to "14") stays in the field; leaving it with no
 * usable size shows the size in use again.
 */
function FontSizeField(props: { size: number }) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? String(props.size);
  const usable = (text: string): number | null => {
    const size = Number(text);
    return text.trim() !== '' && Number.isInteger(size) && size >= 8 && size <= 32 ? size : null;
  };
  return (
    <label className="inline-field">
      Size
      <input
        className="input term-size"
        type="number"
        min={8}
        max={32}
        data-testid="term-font-size"
        aria-invalid={usable(shown) === null}
        value={shown}
        onChange={(event) => {
          const text = event.target.value;
          setDraft(text);
          const size = usable(text);
          if (size !== null && size !== props.size) updateSettings({ fontSize: size });
        }}
        onBlur={() => {
          setDraft(null);
        }}
      />
    </label>
  );
}

const fonts = [
  'ui-monospace, "JetBrains Mono", Menlo, Consolas, monospace',
  '"DejaVu Sans Mono", monospace',
  '"Liberation Mono", monospace',
  'monospace',
];

function fontChoices(current: string): string[] {
  return fonts.includes(current) ? fonts : [current, ...fonts];
}

function TerminalPane(props: { pane: 0 | 1 }) {
  const { pane } = props;
  const tabs = useTerminalsStore((s) => s.tabs);
  const split = useTerminalsStore((s) => s.split);
  const activeKey = useTerminalsStore((s) => s.active[pane]);
  const searchOpen = useTerminalsStore((s) => s.searchOpen[pane]);
  const paneTabs = tabs.filter((tab) => (split ? tab.pane === pane : true));
  const active = paneTabs.find((tab) => tab.key === activeKey) ?? paneTabs.at(-1);
  const last = paneTabs.at(-1);
  // The other pane's tabs drop on the strip past the tabs, or anywhere on a pane with none: its
  // strip is then too thin to aim at.
  const drop = usePaneDrop(pane);
  const empty = paneTabs.length === 0;
  const strip = useRef<HTMLDivElement>(null);
  const overflowing = useOverflowing(strip, paneTabs.length);
  return (
    <section
      className="term-pane"
      data-testid={`term-pane-${String(pane)}`}
      onFocusCapture={() => {
        useTerminalsStore.setState({ focusedPane: pane });
      }}
      {...(empty ? drop.handlers : {})}
    >
      <div className="term-strip">
        <div
          className="term-tabs"
          role="tablist"
          aria-label={split ? `Tabs of the ${pane === 0 ? 'left' : 'right'} pane` : 'Terminal tabs'}
          ref={strip}
          onKeyDown={onTabLabelKeyDown}
          {...(empty ? {} : drop.handlers)}
        >
          {paneTabs.map((tab) => (
            <TabHandle
              key={tab.key}
              tab={tab}
              active={tab.key === active?.key}
              dropAfter={drop.over && tab.key === last?.key}
            />
          ))}
        </div>
        {overflowing ? (
          <TabListMenu pane={pane} tabs={paneTabs} activeKey={active?.key ?? null} />
        ) : null}
      </div>
      {searchOpen && active ? <SearchBar pane={pane} tabKey={active.key} /> : null}
      {empty ? (
        <TerminalsEmpty pane={pane} dropping={drop.over} />
      ) : (
        <div className="term-stack">
          {paneTabs.map((tab) => (
            <TerminalView key={tab.key} tab={tab} visible={tab.key === active?.key} />
          ))}
        </div>
      )}
      {active ? <StatusLine tab={active} /> : null}
    </section>
  );
}

/**
 * Left / Right on a tab's name go to the previous / next tab's name (and round), Home / End to
 * the first / last — the focus only: Enter or Space shows that tab, and its terminal takes the
 * keyboard. Keys in a name being edited stay in the field.
 */
function onTabLabelKeyDown(event: ReactKeyboardEvent<HTMLDivElement>): void {
  if (event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
  const labels = Array.from(
    event.currentTarget.querySelectorAll<HTMLElement>(':scope > [role="tab"] .term-tab-label'),
  );
  stepAlong(event, labels)?.focus();
}

/** `dropAfter`: a tab held over the strip past this, the last tab, would land after it. */
function TabHandle(props: { tab: TerminalTab; active: boolean; dropAfter: boolean }) {
  const { tab, active, dropAfter } = props;
  const split = useTerminalsStore((s) => s.split);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const label = selectors.tabLabel(tab);
  const shown = useTerminalsStore((s) => selectors.shownLabel(s, tab));
  const drag = useTabDrag(tab.key, split ? tab.pane : 0, !editing);
  const dropSide = drag.dropSide ?? (dropAfter ? 'after' : null);
  const position = useTerminalsStore((s) => s.tabs.findIndex((t) => t.key === tab.key));
  const element = useRef<HTMLDivElement>(null);
  // The tab strip scrolls sideways once its tabs outgrow it: the active tab, newly opened, gone
  // to with Ctrl+PageDown or moved, is scrolled into sight.
  useEffect(() => {
    const node = element.current;
    // jsdom has no scrollIntoView; browsers do.
    if (active && node && 'scrollIntoView' in node) {
      node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  }, [active, position]);
  // Set once editing ends: moving the focus back to the terminal blurs the field afterwards.
  const ended = useRef(false);
  const startEditing = (): void => {
    ended.current = false;
    setDraft(label);
    setEditing(true);
  };
  /** Ends editing, keeping the new name or not; the keyboard goes back to the terminal. */
  const finish = (keep: boolean): void => {
    if (ended.current) return;
    ended.current = true;
    if (keep) rename(tab.key, draft);
    setEditing(false);
    if (active) sessionFor(tab.key)?.focus();
  };
  return (
    <div
      className={[
        'term-tab',
        active ? 'active' : '',
        drag.dragging ? 'dragging' : '',
        dropSide === null ? '' : `drop-${dropSide}`,
      ]
        .filter(Boolean)
        .join(' ')}
      ref={element}
      role="tab"
      aria-selected={active}
      data-testid="term-tab"
      data-label={label}
      data-state={tab.status.state}
      data-drop={dropSide ?? undefined}
      {...drag.handlers}
      // A click anywhere on the tab (its dot, its edges) shows it, as one on its name does; the
      // tab's own buttons and the name being edited keep their clicks.
      onClick={(event) => {
        if (editing || (event.target as Element).closest('button, input, form') !== null) return;
        activate(tab.key);
        sessionFor(tab.key)?.focus();
      }}
    >
      <span className={`term-dot term-dot-${tab.status.state}`} aria-hidden />
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            finish(true);
          }}
        >
          <input
            className="input term-rename"
            data-testid="term-tab-rename-input"
            aria-label="Tab name"
            // Typing goes to the name, not to the session whose label was double-clicked.
            autoFocus
            onFocus={(event) => {
              event.currentTarget.select();
            }}
            value={draft}
            onChange={(event) => {
              setDraft(event.target.value);
            }}
            onKeyDown={(event) => {
              if (event.key !== 'Escape') return;
              event.preventDefault();
              event.stopPropagation();
              finish(false);
            }}
            onBlur={() => {
              finish(true);
            }}
          />
        </form>
      ) : (
        <button
          type="button"
          className="term-tab-label"
          title="Double-click or F2 to rename; drag to move, or to the other pane"
          onClick={() => {
            activate(tab.key);
            sessionFor(tab.key)?.focus();
          }}
          onDoubleClick={startEditing}
          onKeyDown={(event) => {
            if (!matches('terminal-rename', event)) return;
            event.preventDefault();
            startEditing();
          }}
        >
          {shown}
        </button>
      )}
      <button
        type="button"
        className={tab.broadcast ? 'icon-button on' : 'icon-button'}
        title="Broadcast input to every tab with this on"
        aria-pressed={tab.broadcast}
        data-testid="term-tab-broadcast"
        onClick={() => {
          toggleBroadcast(tab.key);
        }}
      >
        <Radio size={12} aria-hidden />
      </button>
      {active ? (
        <>
          <button
            type="button"
            className="icon-button"
            title="Move left"
            data-testid="term-tab-left"
            onClick={() => {
              move(tab.key, -1);
            }}
          >
            <ChevronLeft size={12} aria-hidden />
          </button>
          <button
            type="button"
            className="icon-button"
            title="Move right"
            data-testid="term-tab-right"
            onClick={() => {
              move(tab.key, 1);
            }}
          >
            <ChevronRight size={12} aria-hidden />
          </button>
          {split ? (
            <button
              type="button"
              className="icon-button"
              title="Move to the other pane"
              data-testid="term-tab-other-pane"
              onClick={() => {
                moveToOtherPane(tab.key);
              }}
            >
              <Columns2 size={12} aria-hidden />
            </button>
          ) : null}
        </>
      ) : null}
      <button
        type="button"
        className="icon-button"
        title="Close"
        aria-label={`Close ${label}`}
        data-testid="term-tab-close"
        onClick={() => {
          requestClose(tab.key);
        }}
      >
        <X size={12} aria-hidden />
      </button>
    </div>
  );
}

function TerminalView(props: { tab: TerminalTab; visible: boolean }) {
  const { tab, visible } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    const session = sessionFor(tab.key);
    if (element === null || session === undefined) return;
    session.mount(element);
    return () => {
      session.unmount(element);
    };
  }, [tab.key]);
  useEffect(() => {
    if (!visible) return;
    const session = sessionFor(tab.key);
    session?.refit();
    session?.focus();
  }, [visible, tab.key]);
  return (
    <div
      className="term-view"
      hidden={!visible}
      data-testid="term-view"
      data-visible={visible}
      data-session={tab.sessionId ?? ''}
    >
      <div className="term-host" ref={ref} data-testid="term-host" />
      {tab.status.state === 'closed' ? <ClosedOverlay tab={tab} /> : null}
      {tab.status.state === 'connecting' || tab.status.state === 'authenticating' ? (
        <ConnectingOverlay key={tab.sessionId ?? ''} tab={tab} />
      ) : null}
    </div>
  );
}
