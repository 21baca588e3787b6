import { useState, type MouseEvent } from 'react';
import type { SessionPrompt } from '../../../../shared/ssh';
import { Modal } from '../profiles/Modal';
import { formatHostPort } from './quick-connect';
import { answerPrompt } from './prompt-actions';
import { selectors, useTerminalsStore } from './terminals-store';

/** The oldest open SSH question: unknown host key, keyboard-interactive, passphrase, password. */
export function PromptDialog() {
  const prompt = useTerminalsStore((s) => s.prompts[0]);
  if (prompt === undefined) return null;
  return <PromptBody key={prompt.promptId} prompt={prompt} />;
}

/** How long after the host-key question appears a key press on its buttons is not an answer. */
export const hostKeySettleMs = 600;

/**
 * A click on a button, unless it came from a key (Enter, Space) pressed before the question had
 * been on screen for `hostKeySettleMs`: keys typed ahead into a connecting terminal land on the
 * dialog as it opens, and must not answer a question nobody read.
 */
function useSettledClick(): (run: () => void) => (event: MouseEvent) => void {
  const [shownAt] = useState(() => Date.now());
  return (run) => (event) => {
    if (event.detail === 0 && Date.now() - shownAt < hostKeySettleMs) return;
    run();
  };
}

function PromptBody(props: { prompt: SessionPrompt }) {
  const { prompt } = props;
  const settled = useSettledClick();
  const cancel = (): void => {
    void answerPrompt(prompt.promptId, { kind: 'cancel' });
  };
  switch (prompt.kind) {
    case 'host-key': {
      const q = prompt.question;
      return (
        <Modal
          title="Unknown host key"
          testId="ssh-hostkey-prompt"
          role="alertdialog"
          description={`${formatHostPort(q.host, q.port)} is not known yet. Check the fingerprint with the server's administrator before trusting it.`}
          onClose={cancel}
        >
          <dl className="facts">
            <dt>Key type</dt>
            <dd data-testid="ssh-hostkey-type">{q.keyType}</dd>
            <dt>Fingerprint</dt>
            <dd className="fingerprint" data-testid="ssh-hostkey-fingerprint">
              {q.fingerprint}
            </dd>
            {q.hop > 0 ? (
              <>
                <dt>Jump chain</dt>
                <dd>hop {q.hop + 1}</dd>
              </>
            ) : (
              <JumpHostFact sessionId={prompt.sessionId} />
            )}
          </dl>
          {q.otherKnown.length > 0 ? (
            <p className="inline-warning">
              Keys of other types are already known for this host:{' '}
              {q.otherKnown.map((k) => `${k.keyType} ${k.fingerprint}`).join(', ')}
            </p>
          ) : null}
          <div className="modal-actions">
            <button
              type="button"
              className="button"
              data-testid="ssh-hostkey-cancel"
              onClick={settled(cancel)}
            >
              Cancel
            </button>
            <button
              type="button"
              className="button"
              data-testid="ssh-hostkey-once"
              onClick={settled(() => {
                void answerPrompt(prompt.promptId, { kind: 'host-key', answer: 'accept-once' });
              })}
            >
              Accept once
            </button>
            <button
              type="button"
              className="button primary"
              data-testid="ssh-hostkey-remember"
              onClick={settled(() => {
                void answerPrompt(prompt.promptId, { kind: 'host-key', answer: 'remember' });
              })}
            >
              Accept and remember
            </button>
          </div>
        </Modal>
      );
    }
    case 'keyboard-interactive':
      return <KeyboardForm prompt={prompt} onCancel={cancel} />;
    case 'passphrase':
    case 'password':
      return <SecretForm prompt={prompt} onCancel={cancel} />;
  }
}

/** The first hop of a chain is a jump host: said, so its key is not taken for the target's. */
function JumpHostFact(props: { sessionId: string }) {
  const tab = useTerminalsStore((s) => selectors.bySession(s, props.sessionId));
  const count = tab?.status.hop?.count ?? 1;
  if (count < 2) return null;
  return (
    <>
      <dt>Jump chain</dt>
      <dd>hop 1 of {count}: the jump host</dd>
    </>
  );
}

/**
 * Which server of which tab asks: the question itself is the server's own text, and with two
 * tabs logging in (or a jump host and its target both asking) a one-time code must go to the
 * server it was meant for.
 */
function PromptOrigin(props: { sessionId: string; hop: number; local?: boolean }) {
  const tab = useTerminalsStore((s) => selectors.bySession(s, props.sessionId));
  const shown = useTerminalsStore((s) => (tab === undefined ? '' : selectors.shownLabel(s, tab)));
  if (tab === undefined) return null;
  const hop = tab.status.hop?.index === props.hop ? tab.status.hop : undefined;
  const where = hop === undefined ? 'The server' : formatHostPort(hop.host, hop.port);
  const chain =
    hop === undefined || hop.count < 2
      ? ''
      : ` (${hop.index < hop.count - 1 ? 'jump host, ' : ''}hop ${String(hop.index + 1)} of ${String(hop.count)})`;
  // A key's passphrase is asked here, not by the server: it opens the key for logging in there.
  const text =
    props.local === true
      ? `To log in to ${hop === undefined ? 'the server' : where}, for the tab "${shown}"${chain}.`
      : `${where} asks, for the tab "${shown}"${chain}.`;
  return (
    <p className="muted" data-testid="ssh-prompt-origin">
      {text}
    </p>
  );
}

/** "Keep it in the vault": offered where the answer belongs to a saved profile. */
function SaveToggle(props: {
  saveTo: string | null;
  what: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  if (props.saveTo === null) return null;
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        data-testid="ssh-prompt-save"
        checked={props.checked}
        onChange={(event) => {
          props.onChange(event.target.checked);
        }}
      />
      Save the {props.what} in the vault with the profile “{props.saveTo}” (kept once the login
      succeeds)
    </label>
  );
}

/**
 * "Save" as ticked for a password or passphrase the server refused, by session, hop and kind:
 * the question asked again keeps the choice, so the corrected answer is the one saved.
 */
const refusedSaveChoice = new Map<string, boolean>();

/** The choice made for the question asked before, once: it only carries over to its repeat. */
function takeSaveChoice(key: string, repeated: boolean): boolean {
  const earlier = repeated ? refusedSaveChoice.get(key) : undefined;
  refusedSaveChoice.delete(key);
  return earlier ?? false;
}

/** The server's instructions, after word that the previous answer was refused (a wrong code). */
function keyboardDescription(prompt: Extract<SessionPrompt, { kind: 'keyboard-interactive' }>): {
  description?: string;
} {
  const parts = [
    ...(prompt.retry ? ['That was not accepted; try again.'] : []),
    ...(prompt.instructions === '' ? [] : [prompt.instructions]),
  ];
  return parts.length === 0 ? {} : { description: parts.join(' ') };
}

function KeyboardForm(props: {
  prompt: Extract<SessionPrompt, { kind: 'keyboard-interactive' }>;
  onCancel: () => void;
}) {
  const { prompt } = props;
  const [answers, setAnswers] = useState(() => prompt.prompts.map(() => ''));
  // Only a round that asks for the password alone can be saved; asked again, it was refused.
  const choiceKey = `${prompt.sessionId}/${String(prompt.hop)}/${prompt.kind}`;
  const [save, setSave] = useState(() => takeSaveChoice(choiceKey, prompt.saveTo !== null));
  return (
    <Modal
      title={prompt.name === '' ? 'The server asks' : prompt.name}
      testId="ssh-kbd-prompt"
      {...keyboardDescription(prompt)}
      onClose={props.onCancel}
    >
      <form
        className="modal-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (prompt.saveTo !== null) refusedSaveChoice.set(choiceKey, save);
          void answerPrompt(prompt.promptId, {
            kind: 'keyboard-interactive',
            answers,
            ...(prompt.saveTo === null ? {} : { save }),
          });
        }}
      >
        <PromptOrigin sessionId={prompt.sessionId} hop={prompt.hop} />
        {prompt.prompts.map((p, index) => (
          <label className="modal-field" key={index}>
            <span>{p.prompt}</span>
            <input
              className="input"
              data-testid={`ssh-kbd-answer-${String(index)}`}
              type={p.echo ? 'text' : 'password'}
              autoComplete={p.echo ? 'off' : 'one-time-code'}
              autoFocus={index === 0}
              value={answers[index] ?? ''}
              onChange={(event) => {
                const next = [...answers];
                next[index] = event.target.value;
                setAnswers(next);
              }}
            />
          </label>
        ))}
        <SaveToggle saveTo={prompt.saveTo} what="password" checked={save} onChange={setSave} />
        <div className="modal-actions">
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="ssh-kbd-submit">
            Send
          </button>
        </div>
      </form>
    </Modal>
  );
}

function SecretForm(props: {
  prompt: Extract<SessionPrompt, { kind: 'passphrase' | 'password' }>;
  onCancel: () => void;
}) {
  const { prompt } = props;
  const choiceKey = `${prompt.sessionId}/${String(prompt.hop)}/${prompt.kind}`;
  const [value, setValue] = useState('');
  const [save, setSave] = useState(() => takeSaveChoice(choiceKey, prompt.retry));
  const keep = prompt.saveTo === null ? {} : { save };
  const title =
    prompt.kind === 'password'
      ? `Password for ${prompt.user}@${prompt.host}`
      : `Passphrase for ${prompt.keyLabel}`;
  return (
    <Modal
      title={title}
      testId="ssh-secret-prompt"
      {...(prompt.retry ? { description: 'That was not accepted; try again.' } : {})}
      onClose={props.onCancel}
    >
      <form
        className="modal-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (prompt.saveTo !== null) refusedSaveChoice.set(choiceKey, save);
          void answerPrompt(
            prompt.promptId,
            prompt.kind === 'password'
              ? { kind: 'password', password: value, ...keep }
              : { kind: 'passphrase', passphrase: value, ...keep },
          );
        }}
      >
        <PromptOrigin
          sessionId={prompt.sessionId}
          hop={prompt.hop}
          local={prompt.kind === 'passphrase'}
        />
        <input
          className="input"
          type="password"
          data-testid="ssh-secret-input"
          aria-label={title}
          autoComplete="off"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
          }}
        />
        <SaveToggle
          saveTo={prompt.saveTo}
          what={prompt.kind === 'password' ? 'password' : 'passphrase'}
          checked={save}
          onChange={setSave}
        />
        <div className="modal-actions">
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="ssh-secret-submit">
            Log in
          </button>
        </div>
      </form>
    </Modal>
  );
}
