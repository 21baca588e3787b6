import type { DisconnectReason } from './session-types';

export interface HopLabel {
  index: number;
  host: string;
  port: number;
  username: string;
}

const where = (hop: HopLabel): string => `${hop.host}:${hop.port}`;

const socketMessages: Record<string, string> = {
  ECONNREFUSED: 'refused the connection (nothing listens on that port?)',
  ECONNRESET: 'reset the connection',
  EHOSTUNREACH: 'is unreachable',
  ENETUNREACH: 'is unreachable (no route to the network)',
  ETIMEDOUT: 'did not answer (connection timed out)',
  EPIPE: 'closed the connection',
};

/** Turns an ssh2 error into a reason a person can act on. */
export function reasonFromError(error: unknown, hop: HopLabel): DisconnectReason {
  const err = error instanceof Error ? error : new Error(String(error));
  const { level, code } = err as Error & { level?: string; code?: string };
  const base = { hop: hop.index };
  switch (level) {
    case 'client-authentication':
      return {
        ...base,
        kind: 'auth-failed',
        retryable: false,
        message: `Authentication as ${hop.username} on ${where(hop)} failed.`,
      };
    case 'client-timeout':
      return {
        ...base,
        kind: 'timeout',
        retryable: true,
        message: /keepalive/i.test(err.message)
          ? `${where(hop)} gave no answer to keepalives; the connection was dropped.`
          : `${where(hop)} did not complete the SSH handshake in time.`,
      };
    case 'client-dns':
      return {
        ...base,
        kind: 'network',
        retryable: true,
        message: `Host ${hop.host} was not found.`,
      };
    case 'client-socket': {
      const what = code === undefined ? undefined : socketMessages[code];
      return {
        ...base,
        kind: 'network',
        retryable: true,
        message: `${where(hop)} ${what ?? `could not be reached (${err.message})`}.`,
      };
    }
    default:
      if (code !== undefined && code in socketMessages) {
        return {
          ...base,
          kind: 'network',
          retryable: true,
          message: `${where(hop)} ${socketMessages[code] ?? ''}.`,
        };
      }
      return {
        ...base,
        kind: 'protocol',
        retryable: false,
        message: `${where(hop)} broke the SSH protocol: ${err.message}.`,
      };
  }
}

export function closedDuringHandshake(hop: HopLabel): DisconnectReason {
  return {
    hop: hop.index,
    kind: 'server-closed',
    retryable: true,
    message: `${where(hop)} closed the connection before the session was set up.`,
  };
}

export function serverClosed(hop: HopLabel): DisconnectReason {
  return {
    hop: hop.index,
    kind: 'server-closed',
    retryable: true,
    message: `${where(hop)} closed the connection.`,
  };
}

export function exited(code: number | null, signal: string | null): DisconnectReason {
  const how =
    signal !== null
      ? `was ended by signal ${signal}`
      : code === null
        ? 'ended'
        : `exited with status ${code}`;
  return { kind: 'exited', retryable: false, message: `The remote session ${how}.` };
}
