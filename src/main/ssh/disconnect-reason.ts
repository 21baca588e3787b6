import type { DisconnectReason } from './session-types';

export interface HopLabel {
  index: number;
  host: string;
  port: number;
  username: string;
}

/** `host:port`, an IPv6 address in brackets so the port stays apart from it (`[::1]:22`). */
export const hostPort = (host: string, port: number): string =>
  `${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
const where = (hop: HopLabel): string => hostPort(hop.host, hop.port);

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
    case 'agent':
      // A local problem (the agent stopped, or refused to sign), not the server's.
      return {
        ...base,
        kind: 'auth-failed',
        retryable: false,
        message:
          `The ssh-agent could not be used to log in to ${where(hop)} (${err.message}). ` +
          'Check that the agent runs and SSH_AUTH_SOCK points to it.',
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

/** SSH_MSG_CHANNEL_OPEN_FAILURE reason 1: the server will not open such channels at all. */
const administrativelyProhibited = 1;

/**
 * A jump host (`via`) could not open the tunnel to the next hop (`to`). A forbidden tunnel is
 * the jump host's configuration (`AllowTcpForwarding`, `PermitOpen`) and no retry changes it;
 * a failed connect is the next hop's, as seen from the jump host.
 */
export function jumpFailed(
  via: HopLabel,
  to: HopLabel,
  reasonCode: unknown,
  description: string,
): DisconnectReason {
  // The description is the server's own text: one short line of it.
  const said = description
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .trim()
    .slice(0, 200);
  if (reasonCode === administrativelyProhibited) {
    return {
      hop: via.index,
      kind: 'network',
      retryable: false,
      message:
        `The jump host ${where(via)} refused to open a connection to ${where(to)}` +
        `${said === '' ? '' : ` (${said})`}; it may not allow TCP forwarding.`,
    };
  }
  return {
    hop: to.index,
    kind: 'network',
    retryable: true,
    message: `The jump host ${where(via)} could not connect to ${where(to)}${said === '' ? '' : `: ${said}`}.`,
  };
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
