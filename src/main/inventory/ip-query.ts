import { isIP } from 'node:net';
import { normalizeIp } from '../sources/identity';

/**
 * What an `ip:` filter looks for: one of an asset's addresses equal to `text`, or starting with
 * it (`prefix`, written `ip:10.0.3.*`). The words of the address only narrow the search (the
 * search index splits `10.16.0.24` into 10, 16, 0 and 24, which `ip:16` or `ip:0.24` would find
 * too); each candidate's stored addresses decide.
 */
export interface IpQuery {
  text: string;
  prefix: boolean;
}

/**
 * An `ip:` value as stored addresses are written (`normalizeIp`: IPv6 compressed, lower case),
 * so `ip:FD00:1:0::50` finds fd00:1::50. A prefix is only put in lower case: it is compared with
 * the stored text as it is. An address that is never stored (loopback, link-local) is kept as
 * typed, and finds nothing.
 */
export function ipQuery(value: string): IpQuery {
  const prefix = value.endsWith('*');
  const typed = (prefix ? value.slice(0, -1) : value).toLowerCase();
  if (prefix || isIP(typed) === 0) return { text: typed, prefix };
  return { text: normalizeIp(typed) ?? typed, prefix };
}

/** Whether one of an asset's stored addresses passes an `ip:` filter. */
export function ipMatches(ips: readonly string[], query: IpQuery): boolean {
  const { text, prefix } = query;
  for (const ip of ips) {
    if (prefix ? ip.startsWith(text) : ip === text) return true;
  }
  return false;
}

/**
 * The words that find an `ip:` filter's candidates. A prefix that ends between two parts
 * (`10.16.3.*`) is its whole words (10 16 3), read from three postings; only a prefix that ends
 * inside a part (`10.16.3*`) makes its last word a prefix, which reads every word it begins.
 */
export function ipWords(query: IpQuery): string {
  return query.prefix && !/[.:]$/.test(query.text) ? `${query.text}*` : query.text;
}
