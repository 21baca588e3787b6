import { AppError } from '../../../shared/errors';
import type { TlsOptions } from '../../../shared/profiles';
import { untilAborted } from '../../net/retry';
import type { RouterOsApi } from './api';
import { legacyLoginResponse } from './login';
import { RouterOsSession, RouterOsTrapError, type SessionOptions } from './session';
import { encodeText, type RouterOsCharset } from './text';
import { connectNative } from './transport';

export interface NativeApiOptions {
  host: string;
  port: number;
  secure: boolean;
  tls: TlsOptions;
  username: string;
  password: string;
  charset?: RouterOsCharset;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  maxPendingBytes?: number;
  signal?: AbortSignal;
}

/**
 * Logs in the version-agnostic way (reference/routeros.md §1.8): name and password first
 * (6.43+); a router older than 6.43 ignores them and answers with a challenge in `=ret=`, which
 * gets the MD5 response.
 */
export async function login(
  session: RouterOsSession,
  username: string,
  password: string,
  charset: RouterOsCharset,
  signal?: AbortSignal,
): Promise<'plain' | 'challenge'> {
  const refused = (error: unknown): never => {
    if (error instanceof RouterOsTrapError) {
      throw new AppError(
        'forbidden',
        `RouterOS refused the login of ${username} (${error.trapMessage}). Check the user name and password, and that the user's group has the api policy.`,
      );
    }
    throw error;
  };
  // Credentials go out in the profile's charset, as the router compares bytes.
  const name = encodeText(username, charset);
  const first = await session
    .run(
      { command: '/login', attributes: { name, password: encodeText(password, charset) } },
      { signal },
    )
    .catch(refused);
  const challenge = first.done.ret;
  if (challenge === undefined) return 'plain';
  const response = legacyLoginResponse(password, challenge, charset);
  await session
    .run({ command: '/login', attributes: { name, response } }, { signal })
    .catch(refused);
  return 'challenge';
}

/** A logged-in native API session as a `RouterOsApi`. */
export async function openNativeApi(options: NativeApiOptions): Promise<RouterOsApi> {
  // A cancel ends the wait for a connect that hangs, not only the commands after it.
  const socket = await untilAborted(
    connectNative({
      host: options.host,
      port: options.port,
      secure: options.secure,
      tls: options.tls,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    }),
    options.signal,
    (late) => late.destroy(),
  );
  const charset = options.charset ?? 'auto';
  const sessionOptions: SessionOptions = {
    charset,
    peer: `${options.host}:${options.port}`,
    ...(options.commandTimeoutMs === undefined
      ? {}
      : { commandTimeoutMs: options.commandTimeoutMs }),
    ...(options.maxPendingBytes === undefined ? {} : { maxPendingBytes: options.maxPendingBytes }),
  };
  const session = new RouterOsSession(socket, sessionOptions);
  try {
    await login(session, options.username, options.password, charset, options.signal);
  } catch (error) {
    await session.close();
    throw error;
  }
  return {
    transport: options.secure ? 'native api-ssl' : 'native api',
    print: async (menu, signal) => {
      const result = await session.run({ command: `${menu}/print` }, { signal });
      return result.records.map((reply) => ({ ...reply.attributes }));
    },
    close: () => session.close(),
  };
}
