import { z } from 'zod';

/**
 * Where a profile points: host names and ports as a person types them, and source URLs — what
 * is refused in a save or an imported file, how a stored one is read, and which port it reaches.
 */

/** Proxmox VE's own port, reached by an https URL that names none. */
export const proxmoxDefaultPort = 8006;

/**
 * A host name as the resolver and OpenSSH take it: an internationalised name (`bücher.example`)
 * in its ASCII form (`xn--bcher-kva.example`), through the URL parser's own conversion, which the
 * page and Node share. Anything else is returned as it is, for the checks that follow to judge.
 */
export function asciiHostName(text: string): string {
  // eslint-disable-next-line no-control-regex -- printable ASCII needs no conversion
  if (/^[\x00-\x7f]*$/.test(text) || /[\s/\\?#@:[\]%]/.test(text)) return text;
  try {
    return new URL(`http://${text}`).hostname;
  } catch {
    return text;
  }
}

/**
 * Host name, IPv4 or IPv6 address; an internationalised name is kept in its ASCII form. A
 * leading dash is refused so it can never look like an option.
 */
export const HostName = z
  .string()
  .trim()
  .min(1, 'Host is required')
  .transform(asciiHostName)
  .pipe(
    z
      .string()
      .max(253)
      .regex(/^(?!-)[A-Za-z0-9._:%[\]-]+$/, 'Host must be a host name or an IP address'),
  );

/**
 * `host:port` with one colon (an IPv6 address has at least two), or `[IPv6]:port` as ssh and
 * URLs write it: the host is in group 1 or 2, the port in group 3.
 */
const hostWithPort = /^(?:\[([^\]\s]+)\]|([^:[\]\s]+)):([^:]*)$/;

/**
 * A host in a save or an imported file: a `HostName` without a port typed into it. The colon
 * allowed for IPv6 would let `router.example:8729` through as a host no resolver finds. Stored
 * hosts are read with `HostName`, so an old row written so is still read (see `HttpsUrl`).
 */
export const HostNameInput = z
  .string()
  .superRefine((host, ctx) => {
    const match = hostWithPort.exec(host.trim());
    if (match === null) return;
    const [, bracketed, plain, port] = match;
    const name = bracketed ?? plain;
    ctx.addIssue({
      code: 'custom',
      message:
        port !== undefined && /^\d{1,5}$/.test(port)
          ? `Put the port in the Port field: host ${name ?? ''}, port ${port}`
          : 'Host must be a host name or an IP address',
    });
  })
  .pipe(HostName);

export const Port = z.number().int().min(1).max(65535);

const urlScheme = /^([a-z][a-z0-9+.-]*):/i;

/** The authority of a URL as written (`user@host:port`), the text between `scheme://` and the path. */
function urlAuthority(value: string): string {
  const scheme = urlScheme.exec(value)?.[1] ?? '';
  return /^[/\\]*([^/\\?#]*)/.exec(value.slice(scheme.length + 1))?.[1] ?? '';
}

/** `[host, port]` of an authority without user info; an IPv6 literal keeps its brackets. */
function authorityHostPort(authority: string): RegExpExecArray | null {
  return /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority);
}

/**
 * The port a URL names in its text, or undefined when it names none. The URL parser drops a
 * scheme's own port (`new URL('https://pve:443').port` is `''`), so only the text tells an
 * explicit `:443` from no port at all.
 */
export function explicitUrlPort(url: string): number | undefined {
  const authority = urlAuthority(url.trim());
  const port = authorityHostPort(authority.slice(authority.lastIndexOf('@') + 1))?.[2];
  return port !== undefined && /^\d+$/.test(port) ? Number(port) : undefined;
}

/**
 * The port a source's URL reaches: the one it names, whichever it is; without one, Proxmox VE's
 * own 8006 over https (a plain-http Proxmox URL is a proxy on 80, as 8006 only redirects to
 * https), else the scheme's.
 */
export function sourceUrlPort(kind: 'foreman' | 'proxmox' | 'patchmon', url: string): number {
  const named = explicitUrlPort(url);
  if (named !== undefined) return named;
  const tls = urlScheme.exec(url.trim())?.[1]?.toLowerCase() === 'https';
  if (kind === 'proxmox' && tls) return proxmoxDefaultPort;
  return tls ? 443 : 80;
}

/**
 * What is wrong with a source URL typed by a person or read from a file, in their words; undefined
 * when it is fine. Credentials are refused: a URL is shown in lists and stored outside the vault.
 */
export function sourceUrlProblem(value: string): string | undefined {
  const scheme = urlScheme.exec(value)?.[1]?.toLowerCase();
  if (value === '') return 'URL is required';
  if (scheme !== 'https' && scheme !== 'http') return 'URL must start with https:// or http://';
  const authority = urlAuthority(value);
  if (authority.includes('@'))
    return "Put credentials in the profile's login fields, not in the URL";
  const hostPort = authorityHostPort(authority);
  if (hostPort?.[1] === undefined || hostPort[1] === '' || hostPort[1] === '[]')
    return 'URL has no host name: write it as https://host or https://host:port';
  const port = hostPort[2];
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port)) return 'The port in the URL must be a number';
    if (Number(port) < 1 || Number(port) > 65535)
      return `Port ${port} is out of range: use 1 to 65535`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'URL is not valid: check the host name';
  }
  if (url.username !== '' || url.password !== '')
    return "Put credentials in the profile's login fields, not in the URL";
  return undefined;
}

/** A source URL in a save or an imported file: http(s), a host, no credentials. */
export const HttpsUrl = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = sourceUrlProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A source URL as stored. Rows written before credentials were refused may hold some: they are
 * still read (one old row must not make every profile unreadable), with the credentials dropped
 * so they are never shown or sent; the next save stores the URL without them.
 */
export const StoredHttpsUrl = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/, message: 'URL must start with https:// or http://' }))
  .transform(withoutCredentials);

/** A URL with any user name and password taken out (migration 12 and old rows read). */
export function withoutCredentials(value: string): string {
  const url = new URL(value);
  if (url.username === '' && url.password === '') return value;
  url.username = '';
  url.password = '';
  // The parser drops a scheme's own port; an explicit `:443` is put back, as it is not 8006.
  const port = explicitUrlPort(value);
  if (port === undefined || url.port !== '') return url.toString();
  return url.toString().replace(`//${url.host}`, `//${url.host}:${String(port)}`);
}
