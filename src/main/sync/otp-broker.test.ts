import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OtpRequestEvent } from '../../shared/contract';
import type { Connection } from '../../shared/profiles';
import { profileView } from '../sources/test-helpers';
import { OtpBroker } from './otp-broker';

const connection = {
  kind: 'proxmox',
  url: 'https://pve.example:8006',
  auth: { mode: 'password', username: 'ops', realm: 'pve', totp: true },
  tls: { insecure: false, caPem: null, pinnedSha256: null },
} as unknown as Connection;

function broker(timeoutMs?: number) {
  const asked: OtpRequestEvent[] = [];
  const closed: string[] = [];
  const otp = new OtpBroker({
    ask: (request) => asked.push(request),
    closed: (id) => closed.push(id),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return { otp, asked, closed };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('asking for one-time codes', () => {
  it('asks once per profile and gives every waiting login the answer', async () => {
    const { otp, asked, closed } = broker();
    const one = profileView('pve one', connection);
    const two = profileView('pve two', connection);
    const first = otp.provider(one);
    const again = otp.provider(one);
    const other = otp.provider(two);
    expect(asked.map((r) => r.profileName)).toEqual(['pve one', 'pve two']);
    expect(asked[0]?.reason).toBe(
      'Proxmox VE asks ops@pve for a one-time code to log in to https://pve.example:8006.',
    );
    otp.answer(asked[0]!.requestId, '123456');
    await expect(first).resolves.toBe('123456');
    await expect(again).resolves.toBe('123456');
    expect(closed).toEqual([asked[0]!.requestId]);
    expect(otp.open()).toEqual([asked[1]]);
    otp.cancel(asked[1]!.requestId);
    await expect(other).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(
        /^No one-time code given for "pve two": the request was cancelled/,
      ) as string,
    });
    // A later login asks again: a code is good for one login only.
    void otp.provider(one).catch(() => undefined);
    expect(asked).toHaveLength(3);
    otp.cancelAll();
  });

  it('ends a question nobody answers as "no code given" after the timeout', async () => {
    vi.useFakeTimers();
    const { otp, asked, closed } = broker(120_000);
    const waiting = otp.provider(profileView('pve', connection));
    const outcome = expect(waiting).rejects.toThrow(
      'No one-time code given for "pve": nobody answered within 120 seconds.',
    );
    await vi.advanceTimersByTimeAsync(119_000);
    expect(otp.open()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await outcome;
    expect(closed).toEqual([asked[0]!.requestId]);
    expect(() => otp.answer(asked[0]!.requestId, '123456')).toThrow(/no longer open/);
  });

  it('ends every open question when syncs are cancelled', async () => {
    const { otp } = broker();
    const a = otp.provider(profileView('a', connection));
    const b = otp.provider(profileView('b', connection));
    otp.cancelAll();
    await expect(a).rejects.toThrow(/the sync was cancelled/);
    await expect(b).rejects.toThrow(/the sync was cancelled/);
    expect(otp.open()).toEqual([]);
  });
});
