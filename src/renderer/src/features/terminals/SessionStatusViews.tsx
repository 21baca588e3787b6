import { RotateCw } from 'lucide-react';
import { toast } from 'sonner';
import { useEffect, useRef, useState } from 'react';
import { rememberedKeySource, type SessionStatus } from '../../../../shared/ssh';
import { Modal } from '../profiles/Modal';
import { forgetHostKey } from './prompt-actions';
import { formatHostPort } from './quick-connect';
import {
  cancelAutoReconnect,
  cancelConnect,
  closeTabNow,
  reconnect,
  reconnectDelaysMs,
  sessionFor,
} from './terminal-actions';
import { describeTarget, useTerminalsStore, type TerminalTab } from './terminals-store';

/** What a tab shows about its session: the status line, and the overlay once it has closed. */
export function stateLabel(status: SessionStatus): string {
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

/** A connect quicker than this shows no overlay (it would only flash). */
const connectingOverlayAfterMs = 1_000;

/**
 * While a session connects: where to, for how long, and a way out. A host that accepts the
 * connection and never answers keeps a tab blank until the handshake times out (20 s); the user
 * should not have to wait for that, or wonder what the blank tab is doing.
 */
export function ConnectingOverlay(props: { tab: TerminalTab }) {
  const { tab } = props;
  // A prompt (host key, password, one-time code) waits for the user: so does the handshake's
  // limit, and so does this count. So does a tab that meets the key another tab asks about.
  const prompted = useTerminalsStore((s) => s.prompts.some((p) => p.sessionId === tab.sessionId));
  const elsewhere = tab.status.waitingFor === 'host-key-in-another-tab';
  const waiting = prompted || elsewhere;
  const [shownFor, setShownFor] = useState(0);
  const [counted, setCounted] = useState(0);
  useEffect(() => {
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      const step = now - last;
      last = now;
      setShownFor((ms) => ms + step);
      if (!waiting) setCounted((ms) => ms + step);
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [waiting]);
  if (shownFor < connectingOverlayAfterMs) return null;
  const seconds = Math.floor(counted / 1000);
  const what = tab.status.state === 'authenticating' ? 'Authenticating to' : 'Connecting to';
  return (
    <div className="term-closed" data-testid="term-connecting" role="status">
      <p>
        {what} {describeTarget(tab.target)}…{' '}
        {elsewhere
          ? 'waiting for your answer about its host key in another tab'
          : waiting
            ? 'waiting for your answer'
            : `${String(seconds)} s`}
        {tab.status.state === 'connecting' && tab.status.hop && tab.status.hop.count > 1
          ? ` (hop ${String(tab.status.hop.index + 1)} of ${String(tab.status.hop.count)})`
          : ''}
      </p>
      <div className="term-reconnect">
        <button
          type="button"
          className="button"
          data-testid="term-connecting-cancel"
          onClick={() => {
            cancelConnect(tab.key);
          }}
        >
          Cancel
        </button>
      </div>
    </div>
  );
}

export function ClosedOverlay(props: { tab: TerminalTab }) {
  const { tab } = props;
  const reason = tab.status.reason;
  const changed = reason?.kind === 'host-key-changed' ? reason.hostKey : undefined;
  const [confirmForget, setConfirmForget] = useState(false);
  // Once forgotten, the stored key no longer stands against the new one: the panel says so.
  const [forgotten, setForgotten] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  // The forget button goes once the key is forgotten: the keyboard goes on to Reconnect.
  useEffect(() => {
    if (forgotten) {
      panel.current?.querySelector<HTMLElement>('[data-testid="term-reconnect"]')?.focus();
    }
  }, [forgotten]);
  const known = (changed?.known ?? []).filter(
    (k) => !(forgotten && k.source === rememberedKeySource),
  );
  const remembered = (changed?.known ?? []).some((k) => k.source === rememberedKeySource);
  const inFiles = known.filter((k) => k.source !== rememberedKeySource);
  return (
    <div
      className="term-closed"
      data-testid="term-closed"
      data-reason={reason?.kind ?? 'error'}
      ref={panel}
    >
      {changed ? (
        <div className="term-hostkey-changed" role="alert" data-testid="ssh-hostkey-changed">
          <h3>The host key of {formatHostPort(changed.host, changed.port)} has changed</h3>
          <p>
            Rackside refused to connect: someone may be intercepting the connection, or the server
            was reinstalled. Ask its administrator before trusting the new key.
          </p>
          <dl className="facts">
            <dt>Presented now</dt>
            <dd className="fingerprint" data-testid="ssh-hostkey-new">
              {changed.presented.keyType} {changed.presented.fingerprint}
            </dd>
            {known.map((known) => (
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
          {forgotten ? (
            <p data-testid="ssh-hostkey-forgotten">
              Rackside no longer remembers a key for this host. Reconnect to be asked about the key
              it presents now.
            </p>
          ) : null}
          {inFiles.map((k) => (
            <p key={k.source} data-testid="ssh-hostkey-in-file">
              The key in {k.source} still stands against it: remove that line (
              <code>ssh-keygen -R</code>) to connect.
            </p>
          ))}
          {remembered && !forgotten ? (
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
          ) : null}
          {confirmForget ? (
            <Modal
              title={`Forget the stored key of ${formatHostPort(changed.host, changed.port)}?`}
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
                    void forgetHostKey(changed.host, changed.port).then((failure) => {
                      if (failure === null) setForgotten(true);
                      else toast.error(`Could not forget the key: ${failure.message}`);
                    });
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

export function FactPair(props: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

export function ReconnectControls(props: { tab: TerminalTab }) {
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
          Reconnecting in {String(seconds)} s (attempt {String(tab.reconnectAttempt)} of{' '}
          {String(reconnectDelaysMs.length)})
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
        onClick={() => {
          // The button goes with this panel: the keyboard goes to the terminal, where keys
          // typed while it connects wait for the session.
          sessionFor(tab.key)?.focus();
          void reconnect(tab.key);
        }}
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

export function StatusLine(props: { tab: TerminalTab }) {
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
      {tab.logFile === null ? null : tab.logStopped === null ? (
        <span className="muted" data-testid="term-log-file" title={tab.logFile}>
          logging to {tab.logFile}
        </span>
      ) : (
        <span
          className="term-log-stopped"
          data-testid="term-log-file"
          data-stopped="true"
          title={`${tab.logFile} cannot be written: ${tab.logStopped}`}
        >
          logging stopped: {tab.logStopped}
        </span>
      )}
      {tab.broadcast ? <span className="badge badge-warn">broadcast</span> : null}
    </div>
  );
}
