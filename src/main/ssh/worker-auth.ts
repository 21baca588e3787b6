import path from 'node:path';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type NextAuthHandler } from 'ssh2';
import { asksForPassword, type Hop, type KeyboardPrompt } from './session-types';

/** Questions a hop's authentication may need answered; `null` means the user cancelled. */
export interface AuthAsk {
  password(retry: boolean): Promise<string | null>;
  passphrase(retry: boolean): Promise<string | null>;
  /** `retry`: the round asks what the previous one asked, so that answer was not accepted. */
  keyboard(
    name: string,
    instructions: string,
    prompts: KeyboardPrompt[],
    retry: boolean,
  ): Promise<string[] | null>;
  /** Authentication stops for this reason (a cancelled prompt, an unreadable key). */
  abort(kind: 'cancelled' | 'auth-failed', message: string): void;
}

const maxTries = 3;

/**
 * Whether ssh2 refused to parse a key because its passphrase is missing or wrong. A wrong one
 * fails an AES-GCM key's authentication tag ("unable to authenticate data").
 */
function needsPassphrase(error: Error): boolean {
  return /passphrase|encrypted|decrypt|bad decrypt|unable to authenticate data/i.test(
    error.message,
  );
}

/**
 * Ciphers ssh2 lists for OpenSSH keys but cannot decrypt a key with (it fails on the right
 * passphrase with "Invalid initialization vector"), so no passphrase is asked for in vain.
 */
const undecryptableKeyCiphers = new Set(['chacha20-poly1305@openssh.com']);

/** The cipher an OpenSSH-format private key is encrypted with (`none` if it is not); else null. */
function opensshKeyCipher(privateKey: string): string | null {
  const body =
    /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(
      privateKey,
    )?.[1];
  if (body === undefined) return null;
  const data = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  const start = magic.length + 4;
  if (data.length < start || data.toString('latin1', 0, magic.length) !== magic) return null;
  const end = start + data.readUInt32BE(magic.length);
  return end > data.length ? null : data.toString('latin1', start, end);
}

/** A key whose encryption ssh2 cannot undo, and how to re-encrypt it with one it can. */
function unsupportedCipher(keyLabel: string, cipher: string | null): string {
  // Stored and pasted keys have no file to name.
  const file = path.isAbsolute(keyLabel) || keyLabel.startsWith('~') ? keyLabel : 'KEY';
  return (
    `The private key ${keyLabel} is encrypted with ${cipher ?? 'a cipher'}, which Rackside ` +
    `cannot decrypt. Re-encrypt it with one it can: ssh-keygen -p -Z aes256-ctr -f ${file}`
  );
}

/** How many keys the ssh-agent at `socket` holds; null when it cannot be asked. */
function agentKeyCount(socket: string): Promise<number | null> {
  return new Promise((resolve) => {
    try {
      ssh2.createAgent(socket).getIdentities((error, keys) => {
        // ssh2 answers a null error, whatever its typings say.
        resolve(error ? null : (keys?.length ?? 0));
      });
    } catch {
      resolve(null);
    }
  });
}

/** The login methods a server offers, in its own words kept printable and short. */
function offeredText(methodsLeft: readonly string[]): string {
  const text = methodsLeft
    .join(', ')
    .replace(/[^\x20-\x7e]+/g, '?')
    .slice(0, 120);
  return text === '' ? 'nothing' : text;
}

/**
 * ssh2's `authHandler` for one hop: the profile's single method, asking for what is missing. A
 * password goes by keyboard-interactive where the server takes it only that way (PAM).
 * A saved password or passphrase that fails is not retried by prompting: the session ends with
 * `auth-failed` so the user sees that the stored secret is wrong.
 */
export function authHandlerFor(hop: Hop, ask: AuthAsk): AuthHandlerMiddleware {
  let tries = 0;
  /** Passwords sent, by either method. */
  let passwordsSent = 0;
  /** The user cancelled a login prompt: no further round may ask again. */
  let cancelled = false;
  /** The questions of the last round the user answered, across attempts. */
  let lastAsked: string | null = null;
  /**
   * The saved password went out and nothing else was answered after it. OpenSSH with PAM fails
   * the whole attempt on a wrong password and the client starts another: that one must not send
   * it again (three tries can lock the account), but say the saved password was refused.
   */
  let savedPasswordUnanswered = false;
  const { username } = hop;
  const auth = hop.auth;
  const savedRefused = (): false => {
    ask.abort(
      'auth-failed',
      `The saved password for ${username}@${hop.host}:${String(hop.port)} was not accepted.`,
    );
    return false;
  };

  /**
   * Keyboard-interactive rounds: those asking only for the password get `password`, the rest go
   * to the user (or, in keyboard-interactive mode, all of them).
   */
  const keyboardInteractive = (password: string | null, saved: boolean): AnyAuthMethod => {
    let given = false;
    return {
      type: 'keyboard-interactive',
      username,
      prompt: (name, instructions, _lang, prompts, finish) => {
        const asked = prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true }));
        if (password !== null && asksForPassword(asked)) {
          if (!given) {
            given = true;
            if (saved) savedPasswordUnanswered = true;
            finish([password]);
            return;
          }
          // Asked again: it was not accepted. A saved one is not tried again, nor prompted
          // for as if the user had typed it; a typed one is asked for again below.
          if (saved) {
            savedRefused();
            finish(asked.map(() => ''));
            return;
          }
        }
        const questions = JSON.stringify(asked);
        const retry = questions === lastAsked;
        lastAsked = questions;
        void ask.keyboard(name, instructions, asked, retry).then((answers) => {
          if (answers === null) {
            cancelled = true;
            ask.abort('cancelled', 'The login prompt was cancelled.');
            // An empty answer ends this round, and authentication stops with it (the server
            // would otherwise be asked for another round and the prompt come back).
            finish(asked.map(() => ''));
          } else {
            // A one-time code answered after the password: a failed attempt may be the code's.
            savedPasswordUnanswered = false;
            finish(answers);
          }
        });
      },
    };
  };

  const attempt = async (
    methodsLeft: readonly string[] | null,
  ): Promise<AnyAuthMethod | false | 'cancel'> => {
    tries += 1;
    if (cancelled) return false;
    switch (auth.mode) {
      case 'password': {
        // Asked first what the server accepts, as OpenSSH does: many take passwords only
        // through keyboard-interactive (PAM), and a password is not asked for in vain.
        if (methodsLeft === null) return { type: 'none', username };
        const byPassword = methodsLeft.includes('password');
        if (!byPassword && !methodsLeft.includes('keyboard-interactive')) {
          ask.abort(
            'auth-failed',
            `${hop.host}:${hop.port} does not accept passwords (it offers ${offeredText(methodsLeft)}).`,
          );
          return false;
        }
        passwordsSent += 1;
        let password = auth.password;
        if (password !== null) {
          // Refused after a one-time code was answered too: the code may be what was wrong.
          if (passwordsSent > 1) return savedPasswordUnanswered ? savedRefused() : false;
          if (byPassword) savedPasswordUnanswered = true;
        } else {
          if (passwordsSent > maxTries) return false;
          password = await ask.password(passwordsSent > 1);
          if (password === null) return 'cancel';
        }
        return byPassword
          ? { type: 'password', username, password }
          : keyboardInteractive(password, auth.password !== null);
      }
      case 'key': {
        if (tries > 1) return false;
        const cipher = opensshKeyCipher(auth.privateKey);
        if (cipher !== null && undecryptableKeyCiphers.has(cipher)) {
          ask.abort('auth-failed', unsupportedCipher(auth.keyLabel, cipher));
          return false;
        }
        let passphrase = auth.passphrase ?? undefined;
        for (let prompts = 0; ; prompts += 1) {
          const parsed = ssh2.utils.parseKey(auth.privateKey, passphrase);
          if (!(parsed instanceof Error) && !parsed.isPrivateKey()) {
            ask.abort(
              'auth-failed',
              `${auth.keyLabel} is a public key; choose the private key instead (the file without .pub).`,
            );
            return false;
          }
          if (!(parsed instanceof Error)) {
            return {
              type: 'publickey',
              username,
              key: auth.privateKey,
              ...(passphrase === undefined ? {} : { passphrase }),
            };
          }
          if (parsed.message.startsWith('Unsupported cipher for OpenSSH key')) {
            ask.abort('auth-failed', unsupportedCipher(auth.keyLabel, cipher));
            return false;
          }
          if (!needsPassphrase(parsed)) {
            ask.abort(
              'auth-failed',
              `The private key ${auth.keyLabel} cannot be read: ${parsed.message}`,
            );
            return false;
          }
          if (passphrase !== undefined && prompts === 0) {
            ask.abort(
              'auth-failed',
              `The saved passphrase for the private key ${auth.keyLabel} is wrong.`,
            );
            return false;
          }
          if (prompts >= maxTries) {
            ask.abort(
              'auth-failed',
              `The passphrase for the private key ${auth.keyLabel} is wrong.`,
            );
            return false;
          }
          const answer = await ask.passphrase(passphrase !== undefined);
          if (answer === null) return 'cancel';
          passphrase = answer;
        }
      }
      case 'agent': {
        if (tries > 1) return false;
        // An agent holding no key would only end in "authentication failed": said as it is.
        // One that cannot be asked is left to the login, which names that failure.
        if ((await agentKeyCount(auth.socket)) === 0) {
          ask.abort(
            'auth-failed',
            `The ssh-agent holds no keys to log in to ${hop.host}:${String(hop.port)} with: add one with ssh-add, or choose another login for this profile.`,
          );
          return false;
        }
        return { type: 'agent', username, agent: auth.socket };
      }
      case 'keyboard-interactive':
        // A server that does not offer it is told apart from answers it refused.
        if (methodsLeft !== null && !methodsLeft.includes('keyboard-interactive')) {
          const password = methodsLeft.includes('password')
            ? ': choose Password as the profile’s login instead'
            : '';
          ask.abort(
            'auth-failed',
            `${hop.host}:${hop.port} does not offer keyboard-interactive logins (it offers ${offeredText(methodsLeft)})${password}.`,
          );
          return false;
        }
        if (tries > maxTries) return false;
        if (auth.password !== null && savedPasswordUnanswered) return savedRefused();
        return keyboardInteractive(auth.password, auth.password !== null);
    }
  };

  return (methodsLeft, _partial, next: NextAuthHandler) => {
    // ssh2 accepts `false` to end authentication; its typings do not say so.
    const done = next as unknown as (method: AnyAuthMethod | false) => void;
    // ssh2 passes null before the server has named any method, whatever its typings say.
    attempt((methodsLeft as readonly string[] | null | undefined) ?? null).then(
      (method) => {
        if (method === 'cancel') ask.abort('cancelled', 'The login prompt was cancelled.');
        done(method === 'cancel' ? false : method);
      },
      (error: unknown) => {
        ask.abort('auth-failed', error instanceof Error ? error.message : String(error));
        done(false);
      },
    );
  };
}

/**
 * `handler` whose answers reach ssh2 only while the connection can take them: one that ends
 * while the user types a password or a code makes ssh2 throw on the late answer, out of the
 * worker's reach, and every session would stop with it. `failed` hears of any other throw.
 */
export function whileUsable(
  handler: AuthHandlerMiddleware,
  usable: () => boolean,
  failed: (error: Error) => void,
): AuthHandlerMiddleware {
  const guard =
    <A extends unknown[]>(answer: (...args: A) => void) =>
    (...args: A): void => {
      if (!usable()) return;
      try {
        answer(...args);
      } catch (error) {
        failed(error instanceof Error ? error : new Error(String(error)));
      }
    };
  return (methodsLeft, partial, next: NextAuthHandler) => {
    const guardedNext = guard((method: AnyAuthMethod | false) => {
      (next as unknown as (method: AnyAuthMethod | false) => void)(method);
    });
    handler(methodsLeft, partial, ((method: AnyAuthMethod | false) => {
      if (method !== false && method.type === 'keyboard-interactive') {
        guardedNext({
          ...method,
          prompt: (name, instructions, lang, prompts, finish) => {
            method.prompt(name, instructions, lang, prompts, guard(finish));
          },
        });
      } else guardedNext(method);
    }) as unknown as NextAuthHandler);
  };
}
