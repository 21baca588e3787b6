import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type NextAuthHandler } from 'ssh2';
import type { Hop, KeyboardPrompt } from './session-types';

/** Questions a hop's authentication may need answered; `null` means the user cancelled. */
export interface AuthAsk {
  password(retry: boolean): Promise<string | null>;
  passphrase(retry: boolean): Promise<string | null>;
  keyboard(name: string, instructions: string, prompts: KeyboardPrompt[]): Promise<string[] | null>;
  /** Authentication stops for this reason (a cancelled prompt, an unreadable key). */
  abort(kind: 'cancelled' | 'auth-failed', message: string): void;
}

const maxTries = 3;

/** Whether ssh2 refused to parse a key because its passphrase is missing or wrong. */
function needsPassphrase(error: Error): boolean {
  return /passphrase|encrypted|decrypt|bad decrypt/i.test(error.message);
}

/**
 * ssh2's `authHandler` for one hop: the profile's single method, asking for what is missing.
 * A saved password or passphrase that fails is not retried by prompting: the session ends with
 * `auth-failed` so the user sees that the stored secret is wrong.
 */
export function authHandlerFor(hop: Hop, ask: AuthAsk): AuthHandlerMiddleware {
  let tries = 0;
  /** The user cancelled a login prompt: no further round may ask again. */
  let cancelled = false;
  const { username } = hop;
  const auth = hop.auth;

  const attempt = async (): Promise<AnyAuthMethod | false | 'cancel'> => {
    tries += 1;
    if (cancelled) return false;
    switch (auth.mode) {
      case 'password': {
        if (auth.password !== null) {
          return tries === 1 ? { type: 'password', username, password: auth.password } : false;
        }
        if (tries > maxTries) return false;
        const password = await ask.password(tries > 1);
        return password === null ? 'cancel' : { type: 'password', username, password };
      }
      case 'key': {
        if (tries > 1) return false;
        let passphrase = auth.passphrase ?? undefined;
        for (let prompts = 0; ; prompts += 1) {
          const parsed = ssh2.utils.parseKey(auth.privateKey, passphrase);
          if (!(parsed instanceof Error)) {
            return {
              type: 'publickey',
              username,
              key: auth.privateKey,
              ...(passphrase === undefined ? {} : { passphrase }),
            };
          }
          if (!needsPassphrase(parsed)) {
            ask.abort(
              'auth-failed',
              `The private key ${auth.keyLabel} cannot be read: ${parsed.message}`,
            );
            return false;
          }
          if (prompts >= maxTries) return false;
          const answer = await ask.passphrase(passphrase !== undefined);
          if (answer === null) return 'cancel';
          passphrase = answer;
        }
      }
      case 'agent':
        return tries === 1 ? { type: 'agent', username, agent: auth.socket } : false;
      case 'keyboard-interactive':
        if (tries > maxTries) return false;
        return {
          type: 'keyboard-interactive',
          username,
          prompt: (name, instructions, _lang, prompts, finish) => {
            const asked = prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true }));
            void ask.keyboard(name, instructions, asked).then((answers) => {
              if (answers === null) {
                cancelled = true;
                ask.abort('cancelled', 'The login prompt was cancelled.');
                // An empty answer ends this round, and authentication stops with it (the server
                // would otherwise be asked for another round and the prompt come back).
                finish(asked.map(() => ''));
              } else finish(answers);
            });
          },
        };
    }
  };

  return (_methodsLeft, _partial, next: NextAuthHandler) => {
    // ssh2 accepts `false` to end authentication; its typings do not say so.
    const done = next as unknown as (method: AnyAuthMethod | false) => void;
    attempt().then(
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
