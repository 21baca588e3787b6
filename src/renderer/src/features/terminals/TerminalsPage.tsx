import '@xterm/xterm/css/xterm.css';
import {
  ChevronLeft,
  ChevronRight,
  Columns2,
  Plus,
  Radio,
  RotateCw,
  Search,
  X,
} from 'lucide-react';
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import type { SessionStatus } from '../../../../shared/ssh';
import { Modal } from '../profiles/Modal';
import { pastedLineCount } from './paste';
import { PromptDialog } from './PromptDialog';
import { parseQuickConnect } from './quick-connect';
import {
  activate,
  cancelAutoReconnect,
  closeTabNow,
  confirmPaste,
  forgetHostKey,
  move,
  moveToOtherPane,
  openTab,
  reconnect,
  rename,
  requestClose,
  sessionFor,
  setSearchOpen,
  toggleBroadcast,
  toggleSplit,
  updateSettings,
  usePasteStore,
} from './terminal-actions';
import { selectors, useTerminalsStore, type TerminalTab } from './terminals-store';

/** Terminals: a quick-connect bar, tabs in one or two panes, prompts and confirmations. */
export function TerminalsPage() {
  const split = useTerminalsStore((s) => s.split);
  const hasTabs = useTerminalsStore((s) => s.tabs.length > 0);
  return (
    <div className="page terminals-page" data-testid="terminals-page">
      <TerminalsToolbar />
      {hasTabs ? (
        <div className={split ? 'term-panes split' : 'term-panes'}>
          <TerminalPane pane={0} />
          {split ? <TerminalPane pane={1} /> : null}
        </div>
      ) : (
        <div className="empty term-empty" data-testid="terminals-empty">
          <p>No terminals open.</p>
          <p className="muted">
            Type user@host:port above, or use Connect on an SSH profile or an inventory asset.
          </p>
        </div>
      )}
      <PromptDialog />
      <CloseConfirm />
      <PasteConfirm />
    </div>
  );
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
      <label className="inline-field">
        Size
        <input
          className="input term-size"
          type="number"
          min={8}
          max={32}
          data-testid="term-font-size"
          value={settings.fontSize}
          onChange={(event) => {
            const size = Number(event.target.value);
            if (Number.isInteger(size) && size >= 8 && size <= 32)
              updateSettings({ fontSize: size });
          }}
        />
      </label>
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
  return (
    <section
      className="term-pane"
      data-testid={`term-pane-${String(pane)}`}
      onFocusCapture={() => {
        useTerminalsStore.setState({ focusedPane: pane });
      }}
    >
      <div className="term-tabs" role="tablist">
        {paneTabs.map((tab) => (
          <TabHandle key={tab.key} tab={tab} active={tab.key === active?.key} />
        ))}
      </div>
      {searchOpen && active ? <SearchBar pane={pane} tabKey={active.key} /> : null}
      <div className="term-stack">
        {paneTabs.map((tab) => (
          <TerminalView key={tab.key} tab={tab} visible={tab.key === active?.key} />
        ))}
      </div>
      {active ? <StatusLine tab={active} /> : null}
    </section>
  );
}

function stateLabel(status: SessionStatus): string {
  switch (status.state) {
    case 'connecting':
      return status.hop && status.hop.count > 1
        ? `connecting (hop ${String(status.hop.index + 1)}/${String(status.hop.count)})`
        : 'connecting';
    case 'authenticating':
      return 'authenticating';
    case 'open':
      return 'open';
    case 'closed':
      return 'closed';
  }
}

function TabHandle(props: { tab: TerminalTab; active: boolean }) {
  const { tab, active } = props;
  const split = useTerminalsStore((s) => s.split);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const label = selectors.tabLabel(tab);
  return (
    <div
      className={active ? 'term-tab active' : 'term-tab'}
      role="tab"
      aria-selected={active}
      data-testid="term-tab"
      data-label={label}
      data-state={tab.status.state}
    >
      <span className={`term-dot term-dot-${tab.status.state}`} aria-hidden />
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            rename(tab.key, draft);
            setEditing(false);
          }}
        >
          <input
            className="input term-rename"
            data-testid="term-tab-rename-input"
            aria-label="Tab name"
            value={draft}
            onChange={(event) => {
              setDraft(event.target.value);
            }}
            onBlur={() => {
              rename(tab.key, draft);
              setEditing(false);
            }}
          />
        </form>
      ) : (
        <button
          type="button"
          className="term-tab-label"
          title="Double-click to rename"
          onClick={() => {
            activate(tab.key);
            sessionFor(tab.key)?.focus();
          }}
          onDoubleClick={() => {
            setDraft(label);
            setEditing(true);
          }}
        >
          {label}
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
    </div>
  );
}

function ClosedOverlay(props: { tab: TerminalTab }) {
  const { tab } = props;
  const reason = tab.status.reason;
  const changed = reason?.kind === 'host-key-changed' ? reason.hostKey : undefined;
  const [confirmForget, setConfirmForget] = useState(false);
  return (
    <div className="term-closed" data-testid="term-closed" data-reason={reason?.kind ?? 'error'}>
      {changed ? (
        <div className="term-hostkey-changed" role="alert" data-testid="ssh-hostkey-changed">
          <h3>
            The host key of {changed.host}:{String(changed.port)} has changed
          </h3>
          <p>
            Rackside refused to connect: someone may be intercepting the connection, or the server
            was reinstalled. Ask its administrator before trusting the new key.
          </p>
          <dl className="facts">
            <dt>Presented now</dt>
            <dd className="fingerprint" data-testid="ssh-hostkey-new">
              {changed.presented.keyType} {changed.presented.fingerprint}
            </dd>
            {changed.known.map((known) => (
              <FactPair
                key={`${known.fingerprint}-${known.source}`}
                label={`Known (${known.source})`}
              >
                <span className="fingerprint" data-testid="ssh-hostkey-old">
                  {known.keyType} {known.fingerprint}
                </span>
              </FactPair>
            ))}
          </dl>
          <button
            type="button"
            className="button danger"
            data-testid="ssh-forget-host-key"
            onClick={() => {
              setConfirmForget(true);
            }}
          >
            Forget this host key…
          </button>
          {confirmForget ? (
            <Modal
              title={`Forget the stored key of ${changed.host}:${String(changed.port)}?`}
              description="The next connection will ask you to accept the key the server presents. Only do this when you know why the key changed."
              testId="ssh-forget-confirm"
              role="alertdialog"
              onClose={() => {
                setConfirmForget(false);
              }}
            >
              <div className="modal-actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setConfirmForget(false);
                  }}
                >
                  Keep it
                </button>
                <button
                  type="button"
                  className="button danger"
                  data-testid="ssh-forget-confirm-button"
                  onClick={() => {
                    setConfirmForget(false);
                    void forgetHostKey(changed.host, changed.port);
                  }}
                >
                  Forget the key
                </button>
              </div>
            </Modal>
          ) : null}
        </div>
      ) : (
        <p data-testid="term-closed-reason">
          {tab.error ?? reason?.message ?? 'The session ended.'}
        </p>
      )}
      <ReconnectControls tab={tab} />
    </div>
  );
}

function FactPair(props: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

function ReconnectControls(props: { tab: TerminalTab }) {
  const { tab } = props;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (tab.reconnectAt === null) return;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [tab.reconnectAt]);
  const seconds =
    tab.reconnectAt === null ? null : Math.max(0, Math.ceil((tab.reconnectAt - now) / 1000));
  return (
    <div className="term-reconnect">
      {seconds !== null ? (
        <span data-testid="term-reconnect-countdown">
          Reconnecting in {String(seconds)} s (attempt {String(tab.reconnectAttempt)})
          <button
            type="button"
            className="link-button"
            onClick={() => {
              cancelAutoReconnect(tab.key);
            }}
          >
            Cancel
          </button>
        </span>
      ) : null}
      <button
        type="button"
        className="button primary"
        data-testid="term-reconnect"
        onClick={() => void reconnect(tab.key)}
      >
        <RotateCw size={13} aria-hidden /> Reconnect
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          closeTabNow(tab.key);
        }}
      >
        Close tab
      </button>
    </div>
  );
}

function StatusLine(props: { tab: TerminalTab }) {
  const { tab } = props;
  return (
    <div className="term-status" data-testid="term-status" data-state={tab.status.state}>
      <span className={`term-dot term-dot-${tab.status.state}`} aria-hidden />
      <span data-testid="term-status-text">
        {stateLabel(tab.status)}
        {tab.status.state === 'closed' && tab.status.reason
          ? ` — ${tab.status.reason.message}`
          : ''}
      </span>
      <span className="muted">{tab.title}</span>
      {tab.logFile !== null ? (
        <span className="muted" data-testid="term-log-file" title={tab.logFile}>
          logging to {tab.logFile}
        </span>
      ) : null}
      {tab.broadcast ? <span className="badge badge-warn">broadcast</span> : null}
    </div>
  );
}

function SearchBar(props: { pane: 0 | 1; tabKey: string }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<boolean | null>(null);
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
        // The bar opens on Ctrl+Shift+F to type into it at once.
        ref={(element) => {
          element?.focus();
        }}
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

function CloseConfirm() {
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

function PasteConfirm() {
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
