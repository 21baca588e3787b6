import { randomUUID } from 'node:crypto';
import type { OtpRequestEvent } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { ProfileView } from '../../shared/profiles';
import type { OtpProvider } from '../sources/proxmox/auth';

/** How long a request waits for the person before it ends as "no code given". */
export const defaultOtpTimeoutMs = 2 * 60_000;

export interface OtpBrokerOptions {
  /** Shows the question to the person (the hosts push `otp:request`). */
  ask: (request: OtpRequestEvent) => void;
  /** The question ended however it ended (the hosts push `otp:closed`). */
  closed: (requestId: string) => void;
  timeoutMs?: number;
}

interface Pending {
  request: OtpRequestEvent;
  promise: Promise<string>;
  settle: (outcome: { code: string } | { reason: string }) => void;
}

/** Why the code is needed, in the words of the dialog. */
function reasonFor(profile: ProfileView): string {
  const connection = profile.connection;
  if (connection.kind === 'proxmox' && connection.auth.mode === 'password') {
    const { username, realm } = connection.auth;
    const user = username.includes('@') ? username : `${username}@${realm}`;
    return `Proxmox VE asks ${user} for a one-time code to log in to ${connection.url}.`;
  }
  return `"${profile.name}" asks for a one-time code to log in.`;
}

/**
 * Asks whoever drives the app for one-time codes (Proxmox VE TOTP) on behalf of the connectors.
 * One open question per profile: a sync of everything and a test that both log in to the same
 * profile share it. A question nobody answers in time, or that is cancelled, ends as "no code
 * given", which fails that source's login with a clear message while other sources carry on.
 * Codes are handed to the waiting login only; they are never kept, logged or put in messages.
 */
export class OtpBroker {
  readonly #pending = new Map<string, Pending>();
  readonly #byProfile = new Map<string, string>();
  readonly #timeoutMs: number;

  constructor(private readonly options: OtpBrokerOptions) {
    this.#timeoutMs = options.timeoutMs ?? defaultOtpTimeoutMs;
  }

  /** The provider the Proxmox connector calls when a profile logs in with TOTP. */
  readonly provider: OtpProvider = (profile) => this.request(profile);

  /** Resolves with the code, or rejects with a "no code given" error (cancel, timeout). */
  request(profile: ProfileView): Promise<string> {
    const open = this.#byProfile.get(profile.id);
    const existing = open === undefined ? undefined : this.#pending.get(open);
    if (existing !== undefined) return existing.promise;

    const request: OtpRequestEvent = {
      requestId: randomUUID(),
      profileId: profile.id,
      profileName: profile.name,
      reason: reasonFor(profile),
    };
    let settle!: Pending['settle'];
    const promise = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle({
          reason: `nobody answered within ${Math.round(this.#timeoutMs / 1000)} seconds`,
        });
      }, this.#timeoutMs);
      timer.unref();
      settle = (outcome) => {
        clearTimeout(timer);
        if (this.#pending.get(request.requestId)?.promise !== promise) return;
        this.#pending.delete(request.requestId);
        if (this.#byProfile.get(profile.id) === request.requestId) {
          this.#byProfile.delete(profile.id);
        }
        this.options.closed(request.requestId);
        if ('code' in outcome) resolve(outcome.code);
        else reject(noCodeGiven(profile, outcome.reason));
      };
    });
    this.#pending.set(request.requestId, { request, promise, settle });
    this.#byProfile.set(profile.id, request.requestId);
    this.options.ask(request);
    return promise;
  }

  /** The questions still waiting for an answer (a renderer that reloads shows them again). */
  open(): OtpRequestEvent[] {
    return [...this.#pending.values()].map((pending) => pending.request);
  }

  /** Hands a code to the login waiting on `requestId`. */
  answer(requestId: string, code: string): void {
    this.#find(requestId).settle({ code });
  }

  /** The person declined to give a code. */
  cancel(requestId: string): void {
    this.#find(requestId).settle({ reason: 'the request was cancelled' });
  }

  /** Ends every open question (syncs cancelled, app closing). */
  cancelAll(reason = 'the sync was cancelled'): void {
    for (const pending of [...this.#pending.values()]) pending.settle({ reason });
  }

  #find(requestId: string): Pending {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) {
      throw new AppError(
        'not-found',
        'That one-time code request is no longer open: it was answered, cancelled or timed out.',
      );
    }
    return pending;
  }
}

function noCodeGiven(profile: ProfileView, reason: string): AppError {
  return new AppError(
    'bad-request',
    `No one-time code given for "${profile.name}": ${reason}. Sync again and enter the current code from your authenticator.`,
  );
}
