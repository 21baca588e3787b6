import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import type { OtpRequestEvent } from '../../../../shared/contract';
import { bridge } from '../../lib/bridge';
import { Modal } from '../profiles/Modal';

/** Spaces dropped ("123 456" as authenticators show it); 6 to 8 digits remain. */
export function normalizeOtp(typed: string): string | null {
  const code = typed.replace(/\s+/g, '');
  return /^\d{6,8}$/.test(code) ? code : null;
}

/**
 * Asks for a one-time code when a source logs in with TOTP (Proxmox VE), whichever page is open.
 * Mounted once for the whole app; requests queue up and show one at a time, oldest first.
 */
export function OtpDialog() {
  const [requests, setRequests] = useState<OtpRequestEvent[]>([]);

  useEffect(() => {
    const add = (request: OtpRequestEvent): void => {
      setRequests((open) =>
        open.some((r) => r.requestId === request.requestId) ? open : [...open, request],
      );
    };
    const offRequest = bridge().on('otp:request', add);
    const offClosed = bridge().on('otp:closed', ({ requestId }) => {
      setRequests((open) => open.filter((r) => r.requestId !== requestId));
    });
    // Questions asked before this window was listening (a reload while a sync waits).
    void bridge()
      .call('otp:list', {})
      .then((result) => {
        if (result.ok) for (const request of result.data) add(request);
      });
    return () => {
      offRequest();
      offClosed();
    };
  }, []);

  const current = requests[0];
  if (current === undefined) return null;
  const done = (): void => {
    setRequests((open) => open.filter((r) => r.requestId !== current.requestId));
  };
  return <OtpForm key={current.requestId} request={current} onDone={done} />;
}

function OtpForm(props: { request: OtpRequestEvent; onDone: () => void }) {
  const { request, onDone } = props;
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const send = async (body: { code: string } | { cancel: true }): Promise<void> => {
    // One answer per question: Escape after OK must not cancel what was just sent.
    if (sending) return;
    setSending(true);
    const result = await bridge().call('otp:answer', { requestId: request.requestId, ...body });
    onDone();
    if (!result.ok) toast.error(`The one-time code was not sent: ${result.error.message}`);
  };
  const cancel = (): void => {
    void send({ cancel: true });
  };

  return (
    <Modal
      title={`Proxmox ${request.profileName} asks for a one-time code`}
      description={request.reason}
      testId="otp-dialog"
      onClose={cancel}
    >
      <form
        className="modal-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const code = normalizeOtp(value);
          if (code === null) {
            setError('Enter the 6 to 8 digits your authenticator shows.');
            return;
          }
          void send({ code });
        }}
      >
        <label className="modal-field">
          <span>One-time code</span>
          <input
            className="input"
            data-testid="otp-input"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={16}
            autoFocus
            aria-invalid={error !== null}
            aria-describedby={error === null ? undefined : 'otp-error'}
            value={value}
            onChange={(event) => {
              setValue(event.target.value);
              setError(null);
            }}
          />
        </label>
        {error !== null ? (
          <p className="field-error" id="otp-error" role="alert" data-testid="otp-error">
            {error}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" data-testid="otp-cancel" onClick={cancel}>
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            data-testid="otp-submit"
            disabled={sending}
          >
            OK
          </button>
        </div>
      </form>
    </Modal>
  );
}
