import { describe, expect, it } from 'vitest';
import { commandNames } from '../../shared/channels';
import { commands, maxRequestBytes, type CommandSpec } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createCore } from '../app/create-core';
import { silentLogger, createLogger, type LogRecord } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { createRouter, type Handlers } from './router';

const tempDir = useTempDirs();
const context = { host: 'browser' } as const;

async function core() {
  return createCore({
    dataDir: await tempDir(),
    host: 'browser',
    version: '1.2.3',
    logger: silentLogger,
  });
}

/** Payloads no command accepts: wrong shapes, extra keys, prototype tricks, non-JSON values. */
const hostilePayloads: readonly [string, unknown][] = [
  ['null', null],
  ['a string', 'settings'],
  ['a number', 42],
  ['an array', [1, 2, 3]],
  ['an unknown key', { unexpected: true }],
  ['a prototype key', JSON.parse('{"__proto__": {"polluted": true}}')],
  ['a BigInt', { theme: 10n }],
];

describe('the contract router', () => {
  it.each(commandNames)(
    '%s rejects malformed, wrongly-typed and hostile payloads',
    async (name) => {
      const { router } = await core();
      for (const [what, payload] of hostilePayloads) {
        const result = await router.dispatch(name, payload, context);
        expect(result.ok, `${name} accepted ${what}`).toBe(false);
        if (!result.ok) expect(result.error.code).toBe('bad-request');
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it.each(commandNames)('%s refuses an oversized payload before validating it', async (name) => {
    const { router } = await core();
    const spec: CommandSpec = commands[name];
    const limit = spec.maxBytes ?? maxRequestBytes;
    const result = await router.dispatch(name, { theme: 'x'.repeat(limit + 1) }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'payload-too-large' } });
  });

  it('refuses a cyclic payload with a clear error instead of crashing', async () => {
    const { router } = await core();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const result = await router.dispatch('settings:set', cyclic, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('rejects unknown channels and channels that are not strings', async () => {
    const { router } = await core();
    for (const channel of ['settings:drop', 'app:info ', '', '__proto__', 'constructor', 7, null]) {
      const result = await router.dispatch(channel, {}, context);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });

  it('answers app:info with the version, platform and data folder', async () => {
    const { router, dataDir } = await core();
    const result = await router.dispatch('app:info', {}, context);
    expect(result).toMatchObject({
      ok: true,
      data: {
        name: 'Rackside',
        version: '1.2.3',
        host: 'browser',
        dataDir,
        vault: 'uninitialized',
      },
    });
  });

  it('keeps settings unchanged when a change is invalid, and applies a valid one', async () => {
    const { router } = await core();
    const before = await router.dispatch('settings:get', {}, context);
    for (const bad of [
      { theme: 'neon' },
      { lockTimeoutMinutes: -1 },
      { lockTimeoutMinutes: 1.5 },
      { lockTimeoutMinutes: '15' },
      { lockTimeoutMinutes: 10_000 },
    ]) {
      expect((await router.dispatch('settings:set', bad, context)).ok).toBe(false);
    }
    expect(await router.dispatch('settings:get', {}, context)).toEqual(before);
    const changed = await router.dispatch('settings:set', { theme: 'dark' }, context);
    expect(changed).toMatchObject({ ok: true, data: { theme: 'dark', lockTimeoutMinutes: 15 } });
  });

  it('pushes settings:changed to subscribers when settings change', async () => {
    const { router, events } = await core();
    const seen: unknown[] = [];
    events.subscribe((name, payload) => seen.push([name, payload]));
    await router.dispatch('settings:set', { lockTimeoutMinutes: 5 }, context);
    expect(seen).toEqual([
      [
        'settings:changed',
        { theme: 'system', lockTimeoutMinutes: 5, savedSearches: [], defaultSshUser: '' },
      ],
    ]);
  });

  it('turns a handler crash into an internal error without leaking its message', async () => {
    const records: LogRecord[] = [];
    const handlers = {
      'app:info': () => {
        throw new Error('database password is hunter2');
      },
      'settings:get': () => {
        throw new AppError('vault-locked', 'Unlock the vault first');
      },
    } as unknown as Handlers;
    const router = createRouter(handlers, createLogger({ sink: (r) => records.push(r) }));
    const crashed = await router.dispatch('app:info', {}, context);
    expect(crashed).toEqual({
      ok: false,
      error: { code: 'internal', message: 'app:info failed unexpectedly; see the log' },
    });
    expect(records).toHaveLength(1);
    const typed = await router.dispatch('settings:get', {}, context);
    expect(typed).toEqual({
      ok: false,
      error: { code: 'vault-locked', message: 'Unlock the vault first' },
    });
  });
});
