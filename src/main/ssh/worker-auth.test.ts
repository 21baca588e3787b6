import type { AnyAuthMethod } from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { Hop, KeyboardPrompt } from './session-types';
import { authHandlerFor, type AuthAsk } from './worker-auth';

const hop: Hop = {
  host: 'pve1',
  port: 22,
  username: 'root',
  auth: { mode: 'password', password: 'saved-secret' },
  policy: 'ask',
};

/** The method the handler picks when ssh2 asks with `methodsLeft`. */
function nextMethod(
  handler: ReturnType<typeof authHandlerFor>,
  methodsLeft: string[] | null,
): Promise<AnyAuthMethod | false> {
  return new Promise((resolve) => {
    handler(methodsLeft as never, false, resolve as never);
  });
}

/** Answers one keyboard-interactive round of `method`. */
function round(method: AnyAuthMethod | false, prompts: KeyboardPrompt[]): Promise<string[]> {
  if (method === false || method.type !== 'keyboard-interactive') {
    throw new Error(`not keyboard-interactive: ${JSON.stringify(method)}`);
  }
  return new Promise((resolve) => {
    method.prompt('', '', '', prompts, resolve);
  });
}

/** An `AuthAsk` that answers every question round with a code and records what it was told. */
function recorder() {
  const shown: KeyboardPrompt[][] = [];
  const aborted: string[] = [];
  const ask: AuthAsk = {
    password: () => Promise.resolve(null),
    passphrase: () => Promise.resolve(null),
    keyboard: (_name, _instructions, prompts) => {
      shown.push(prompts);
      return Promise.resolve(prompts.map(() => '654321'));
    },
    abort: (_kind, message) => aborted.push(message),
  };
  return { ask, shown, aborted };
}

describe('a saved password over keyboard-interactive', () => {
  it('answers a lone password prompt, and leaves any other question to the user', async () => {
    const shown: KeyboardPrompt[][] = [];
    const ask: AuthAsk = {
      password: () => Promise.resolve(null),
      passphrase: () => Promise.resolve(null),
      keyboard: (_name, _instructions, prompts) => {
        shown.push(prompts);
        return Promise.resolve(prompts.map(() => '123456'));
      },
      abort: () => undefined,
    };
    const handler = authHandlerFor(hop, ask);
    expect(await nextMethod(handler, null)).toEqual({ type: 'none', username: 'root' });
    const method = await nextMethod(handler, ['publickey', 'keyboard-interactive']);
    expect(await round(method, [{ prompt: 'Password: ', echo: false }])).toEqual(['saved-secret']);
    expect(shown).toEqual([]);
    // A second factor in the same login: the user answers it, the password is not offered.
    expect(await round(method, [{ prompt: 'Verification code: ', echo: false }])).toEqual([
      '123456',
    ]);
    expect(await round(method, [{ prompt: 'Password: ', echo: true }])).toEqual(['123456']);
    expect(shown).toEqual([
      [{ prompt: 'Verification code: ', echo: false }],
      [{ prompt: 'Password: ', echo: true }],
    ]);
  });
});

describe('a one-time code that is not accepted', () => {
  it('is asked for again, saying so, across the attempts the server makes', async () => {
    const retries: boolean[] = [];
    const ask: AuthAsk = {
      password: () => Promise.resolve(null),
      passphrase: () => Promise.resolve(null),
      keyboard: (_name, _instructions, prompts, retry) => {
        retries.push(retry);
        return Promise.resolve(prompts.map(() => '000000'));
      },
      abort: () => undefined,
    };
    const handler = authHandlerFor(
      { ...hop, auth: { mode: 'keyboard-interactive', password: null } },
      ask,
    );
    const code = [{ prompt: 'Verification code: ', echo: false }];
    // The server fails the attempt and offers keyboard-interactive again: a new method.
    expect(await round(await nextMethod(handler, ['keyboard-interactive']), code)).toEqual([
      '000000',
    ]);
    expect(await round(await nextMethod(handler, ['keyboard-interactive']), code)).toEqual([
      '000000',
    ]);
    // A different question is a new step of the login, not a refusal.
    await round(await nextMethod(handler, ['keyboard-interactive']), [
      { prompt: 'Password: ', echo: false },
    ]);
    expect(retries).toEqual([false, true, false]);
  });
});

describe('a keyboard-interactive profile with a saved password', () => {
  it('answers the password round itself, asks the rest, and stops when it is not accepted', async () => {
    const { ask, shown, aborted } = recorder();
    const handler = authHandlerFor(
      { ...hop, auth: { mode: 'keyboard-interactive', password: 'saved-secret' } },
      ask,
    );
    const method = await nextMethod(handler, ['keyboard-interactive']);
    expect(await round(method, [{ prompt: 'Password: ', echo: false }])).toEqual(['saved-secret']);
    expect(await round(method, [{ prompt: 'Verification code: ', echo: false }])).toEqual([
      '654321',
    ]);
    expect(shown).toEqual([[{ prompt: 'Verification code: ', echo: false }]]);
    // Asked for the password again: the saved one was refused, and is not sent twice.
    expect(await round(method, [{ prompt: 'Password: ', echo: false }])).toEqual(['']);
    expect(aborted).toEqual(['The saved password for root@pve1:22 was not accepted.']);
  });
});

describe('a saved password the server refuses', () => {
  const password = [{ prompt: 'Password: ', echo: false }];
  const refused = 'The saved password for root@pve1:22 was not accepted.';

  it('is sent once when PAM fails the whole attempt (OpenSSH), not once per attempt', async () => {
    const { ask, shown, aborted } = recorder();
    const handler = authHandlerFor(
      { ...hop, auth: { mode: 'keyboard-interactive', password: 'saved-secret' } },
      ask,
    );
    expect(await round(await nextMethod(handler, ['keyboard-interactive']), password)).toEqual([
      'saved-secret',
    ]);
    // The server ends the attempt and offers the method again: no second try of the password.
    expect(await nextMethod(handler, ['keyboard-interactive'])).toBe(false);
    expect(aborted).toEqual([refused]);
    expect(shown).toEqual([]);
  });

  it('is sent again when the attempt also took a one-time code, which may be the wrong one', async () => {
    const { ask, aborted } = recorder();
    const handler = authHandlerFor(
      { ...hop, auth: { mode: 'keyboard-interactive', password: 'saved-secret' } },
      ask,
    );
    const code = [{ prompt: 'Verification code: ', echo: false }];
    const first = await nextMethod(handler, ['keyboard-interactive']);
    await round(first, password);
    expect(await round(first, code)).toEqual(['654321']);
    const second = await nextMethod(handler, ['keyboard-interactive']);
    expect(await round(second, password)).toEqual(['saved-secret']);
    expect(aborted).toEqual([]);
  });

  it('in Password mode does not blame the saved password for a one-time code that failed', async () => {
    const { ask, aborted } = recorder();
    const handler = authHandlerFor(hop, ask);
    const code = [{ prompt: 'Verification code: ', echo: false }];
    const first = await nextMethod(handler, ['keyboard-interactive']);
    expect(await round(first, password)).toEqual(['saved-secret']);
    expect(await round(first, code)).toEqual(['654321']);
    // The attempt failed: the password or the code. Not said to be the password.
    expect(await nextMethod(handler, ['keyboard-interactive'])).toBe(false);
    expect(aborted).toEqual([]);
  });

  it('in Password mode ends the login saying the saved password was refused', async () => {
    const { ask, aborted } = recorder();
    const handler = authHandlerFor(hop, ask);
    expect(await nextMethod(handler, ['password'])).toMatchObject({
      type: 'password',
      password: 'saved-secret',
    });
    expect(await nextMethod(handler, ['password'])).toBe(false);
    expect(aborted).toEqual([refused]);
  });
});

describe('a keyboard-interactive login', () => {
  it('says so when the server does not offer it, and what it offers instead', async () => {
    const aborted: string[] = [];
    const ask: AuthAsk = {
      password: () => Promise.resolve(null),
      passphrase: () => Promise.resolve(null),
      keyboard: () => Promise.resolve(null),
      abort: (_kind, message) => {
        aborted.push(message);
      },
    };
    const kbd: Hop = { ...hop, auth: { mode: 'keyboard-interactive', password: null } };
    const handler = authHandlerFor(kbd, ask);
    expect((await nextMethod(handler, null)) !== false).toBe(true);
    expect(await nextMethod(handler, ['publickey', 'password'])).toBe(false);
    expect(aborted).toEqual([
      'pve1:22 does not offer keyboard-interactive logins (it offers publickey, password): choose Password as the profile’s login instead.',
    ]);
  });
});
