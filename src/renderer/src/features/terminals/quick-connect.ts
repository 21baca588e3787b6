import { asciiHostName } from '../../../../shared/profiles';

/**
 * What the quick-connect bar understands: `user@host`, `user@host:port`, `user@[v6]:port`, a
 * bare `user@v6`, and a pasted `ssh [-p port] [-l user] user@host`. An internationalised host
 * name is connected to in its ASCII form.
 */
export interface QuickTarget {
  user: string;
  host: string;
  port: number;
}

export type QuickParse = { ok: true; target: QuickTarget } | { ok: false; message: string };

/** A login name as OpenSSH takes it; `:` included, as bastions route `user:target@bastion`. */
const userPattern = /^(?!-)[^\s@\p{Cc}]{1,64}$/u;
const hostPattern = /^(?!-)[A-Za-z0-9._-]{1,253}$/;
const v6Pattern = /^[0-9A-Fa-f:.%]{2,253}$/;

/** Part of the input, quoted in a message: a long paste is cut short to fit beside the field. */
function shown(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/**
 * An OpenSSH command line pasted into the bar (`ssh -p 2222 ops@db1`, `ssh -l ops db1`) as the
 * `user@host:port` it means; null when the input is not one. Only `-p` and `-l` are read: any
 * other option is refused, since the bar cannot honour it.
 */
function fromSshCommand(text: string): { text: string } | { message: string } | null {
  const words = text.split(/\s+/);
  if (words[0] !== 'ssh' || words.length < 2) return null;
  let user: string | undefined;
  let port: string | undefined;
  let destination: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    if (/^-[pl]./.test(word)) {
      // Written together, as ssh also takes them: `-p2222`, `-lops`.
      if (word.startsWith('-p')) port = word.slice(2);
      else user = word.slice(2);
    } else if (word === '-p' || word === '-l') {
      const value = words[i + 1];
      if (value === undefined) return { message: `${word} needs a value.` };
      if (word === '-p') port = value;
      else user = value;
      i++;
    } else if (word.startsWith('-')) {
      return {
        message: `Only -p and -l are read from an ssh command line, not ${shown(word)}; save a profile for the rest.`,
      };
    } else if (destination === undefined) destination = word;
    else return { message: 'Type one user@host; a command to run goes in a profile.' };
  }
  if (destination === undefined) return { message: 'Type user@host or user@host:port.' };
  const at = destination.lastIndexOf('@');
  const login = at >= 0 ? destination.slice(0, at + 1) : user === undefined ? '' : `${user}@`;
  const host = destination.slice(at + 1);
  // ssh takes a bare IPv6 address; with a port after it, the bar needs it in brackets.
  const target =
    port !== undefined && host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { text: `${login}${target}${port === undefined ? '' : `:${port}`}` };
}

/** Parses quick-connect input; the port defaults to 22. Never throws. */
export function parseQuickConnect(input: string): QuickParse {
  const command = fromSshCommand(input.trim());
  if (command !== null && 'message' in command) return { ok: false, message: command.message };
  const text = command?.text ?? input.trim();
  const at = text.lastIndexOf('@');
  if (at < 0 && text !== '') {
    // Whom to log in as is suggested only for a destination that would then connect.
    const destination = parseDestination(text);
    if ('message' in destination) return { ok: false, message: destination.message };
    return { ok: false, message: `Add whom to log in as: user@${shown(text)}.` };
  }
  if (at <= 0) return { ok: false, message: 'Type user@host or user@host:port.' };
  const user = text.slice(0, at);
  if (!userPattern.test(user))
    return { ok: false, message: `"${shown(user)}" is not a login name.` };
  const destination = parseDestination(text.slice(at + 1));
  if ('message' in destination) return { ok: false, message: destination.message };
  return { ok: true, target: { user, ...destination } };
}

/** `host`, `host:port`, `[v6]:port` or a bare v6 address: the part after `user@`. */
function parseDestination(text: string): { host: string; port: number } | { message: string } {
  let rest = text;
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) return { message: 'An IPv6 address needs its closing ].' };
    host = rest.slice(1, end);
    rest = rest.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':'))
      return { message: 'Only :port may follow the address.' };
    portText = rest === '' ? undefined : rest.slice(1);
    if (!v6Pattern.test(host)) return { message: `"${shown(host)}" is not an IPv6 address.` };
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    // Two colons or more: an IPv6 address without a port (with one, it needs [brackets]).
    host = rest;
    if (!v6Pattern.test(host)) return { message: `"${shown(host)}" is not an IPv6 address.` };
  } else {
    const colon = rest.indexOf(':');
    host = asciiHostName(colon < 0 ? rest : rest.slice(0, colon));
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
    // Dots alone (`.`, `..`) name no host; the resolver would only say it found none.
    if (!hostPattern.test(host) || !/[A-Za-z0-9]/.test(host)) {
      return { message: host === '' ? 'Add a host.' : `"${shown(host)}" is not a host name.` };
    }
  }
  let port = 22;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return { message: 'The port must be a number.' };
    port = Number(portText);
    if (port < 1 || port > 65535) return { message: 'The port must be 1–65535.' };
  }
  return { host, port };
}

export function formatQuickTarget(target: QuickTarget): string {
  return `${target.user}@${bracketed(target.host)}${target.port === 22 ? '' : `:${String(target.port)}`}`;
}

/** `user@host:port`, an IPv6 address in brackets so the port stays apart from it. */
export function formatAddress(user: string, host: string, port: number): string {
  return `${user}@${bracketed(host)}:${String(port)}`;
}

/** `host:port`, an IPv6 address in brackets (`[::1]:22`), as OpenSSH and URLs write it. */
export function formatHostPort(host: string, port: number): string {
  return `${bracketed(host)}:${String(port)}`;
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
