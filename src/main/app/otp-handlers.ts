import type { Handlers } from '../contract/router';
import type { EventHub } from '../core/events';
import { OtpBroker } from '../sync/otp-broker';

export interface OtpCore {
  broker: OtpBroker;
  handlers: Pick<Handlers, 'otp:answer' | 'otp:list'>;
  close(): void;
}

/**
 * One-time codes for source logins: the broker's questions become `otp:request` and
 * `otp:closed` events; `otp:answer` hands the person's code (or refusal) back to the login.
 */
export function otpHandlers(events: EventHub, options: { timeoutMs?: number } = {}): OtpCore {
  const broker = new OtpBroker({
    ask: (request) => {
      events.emit('otp:request', request);
    },
    closed: (requestId) => {
      events.emit('otp:closed', { requestId });
    },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return {
    broker,
    handlers: {
      'otp:answer': (request) => {
        if (request.code !== undefined) broker.answer(request.requestId, request.code);
        else broker.cancel(request.requestId);
        return null;
      },
      'otp:list': () => broker.open(),
    },
    close: () => {
      broker.cancelAll('Rackside is closing');
    },
  };
}
