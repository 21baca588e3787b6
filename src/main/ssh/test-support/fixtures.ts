import fs from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { generateKey, type KeyPair } from './sshd';

export interface TestKeys {
  dir: string;
  hostA: KeyPair;
  hostB: KeyPair;
  client: KeyPair;
  remove(): Promise<void>;
}

/** Host and client keys for one test file (ssh-keygen once, not per test). */
export async function testKeys(): Promise<TestKeys> {
  const dir = await fs.mkdtemp('/tmp/rackside-ssh-keys-');
  const [hostA, hostB, client] = await Promise.all([
    generateKey(dir, 'host-a'),
    generateKey(dir, 'host-b'),
    generateKey(dir, 'client'),
  ]);
  return { dir, hostA, hostB, client, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * `testKeys()` for the calling test file: filled in before its first test and removed after its
 * last, so a file writes `const keys = useTestKeys();` and reads `keys.client` in its tests.
 */
export function useTestKeys(): Readonly<TestKeys> {
  const keys = {} as TestKeys;
  beforeAll(async () => {
    Object.assign(keys, await testKeys());
  });
  afterAll(() => keys.remove());
  return keys;
}

/** The connection part of a key-authenticated SSH profile for `root`. */
export function sshProfile(
  name: string,
  port: number,
  keyFile: string,
  extra: { hostKeyPolicy?: 'ask' | 'accept-new' | 'strict'; jumpHostId?: string | null } = {},
) {
  return {
    name,
    connection: {
      kind: 'ssh' as const,
      host: '127.0.0.1',
      port,
      username: 'root',
      auth: { mode: 'key' as const, keyFile },
      hostKeyPolicy: extra.hostKeyPolicy ?? 'ask',
      jumpHostId: extra.jumpHostId ?? null,
    },
    secrets: {},
  };
}
