import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import { keyTypeOf } from './fingerprint';

/**
 * OpenSSH `known_hosts` (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), read as an extra trust source.
 * Rackside never writes this file: keys the user accepts go to its own database.
 */

export type KnownHostsMarker = 'revoked' | 'cert-authority' | null;

export interface KnownHostsEntry {
  /** 1-based line number, so messages can point at the line to edit. */
  line: number;
  marker: KnownHostsMarker;
  /** Hashed (`|1|salt|hash`) or a comma list of patterns. */
  hosts: { hashed: { salt: Buffer; hash: Buffer } } | { patterns: readonly string[] };
  keyType: string;
  keyBase64: string;
  key: Buffer;
}

export interface ParsedKnownHosts {
  entries: KnownHostsEntry[];
  /** Lines that could not be read; skipped, as OpenSSH does. */
  skipped: number[];
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const skipped: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const entry = parseLine(line, index + 1);
    if (entry === null) skipped.push(index + 1);
    else entries.push(entry);
  });
  return { entries, skipped };
}

function parseLine(line: string, lineNumber: number): KnownHostsEntry | null {
  const fields = line.split(/[ \t]+/);
  let marker: KnownHostsMarker = null;
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return null;
  }
  const [hostField, keyType, keyBase64] = fields;
  if (hostField === undefined || keyType === undefined || keyBase64 === undefined) return null;
  if (!base64.test(keyBase64)) return null;
  const key = Buffer.from(keyBase64, 'base64');
  // A blob whose embedded type disagrees with the stated one is damaged.
  if (keyTypeOf(key) !== keyType) return null;
  let hosts: KnownHostsEntry['hosts'];
  if (hostField.startsWith('|1|')) {
    const [, , salt, hash] = hostField.split('|');
    if (salt === undefined || hash === undefined || !base64.test(salt) || !base64.test(hash)) {
      return null;
    }
    hosts = { hashed: { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') } };
  } else {
    hosts = { patterns: hostField.split(',').filter((p) => p !== '') };
  }
  return { line: lineNumber, marker, hosts, keyType, keyBase64, key };
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Whether an entry's host field names `host`:`port` (negated patterns win, as in OpenSSH). */
export function entryMatches(entry: KnownHostsEntry, host: string, port: number): boolean {
  const name = hostLookupName(host, port);
  if ('hashed' in entry.hosts) {
    const { salt, hash } = entry.hosts.hashed;
    const mine = createHmac('sha1', salt).update(name).digest();
    return mine.length === hash.length && timingSafeEqual(mine, hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The entries for one host and port; an absent file is an empty trust source. */
export async function readKnownHostsFile(file: string): Promise<ParsedKnownHosts> {
  try {
    return parseKnownHosts(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [] };
    throw error;
  }
}
