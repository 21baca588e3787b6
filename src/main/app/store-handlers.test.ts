import { describe, expect, it } from 'vitest';
import { createCore, type Core } from './create-core';
import { silentLogger } from '../core/logger';
import { sampleProfiles } from '../profiles/fixtures';
import { useTempDirs } from '../test-support/temp-dir';
import type { Result } from '../../shared/result';

const tempDir = useTempDirs();
const context = { host: 'browser' } as const;
const passphrase = 'a good long passphrase';

async function core(): Promise<Core> {
  return createCore({
    dataDir: await tempDir(),
    host: 'browser',
    version: '0.0.0',
    logger: silentLogger,
  });
}

async function call(c: Core, channel: string, payload: unknown): Promise<Result<unknown>> {
  return c.router.dispatch(channel, payload, context);
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed cast for test reads
function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

const secretValues = sampleProfiles
  .flatMap((p) => Object.values(p.secrets ?? {}))
  .filter((v): v is string => typeof v === 'string');

describe('vault and profile commands', () => {
  it('walks first run → setup → lock → refused unlock → unlock, announcing each change', async () => {
    const c = await core();
    const announced: string[] = [];
    c.events.subscribe((name, payload) => {
      if (name === 'vault:changed') announced.push((payload as { state: string }).state);
    });
    expect(data<{ state: string }>(await call(c, 'vault:status', {})).state).toBe('uninitialized');
    expect(await call(c, 'vault:setup', { passphrase: 'short' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('at least 8') as unknown },
    });
    expect(data<{ state: string }>(await call(c, 'vault:status', {})).state).toBe('uninitialized');

    data(await call(c, 'vault:setup', { passphrase }));
    data(await call(c, 'vault:lock', {}));
    const wrong = await call(c, 'vault:unlock', { passphrase: 'not the passphrase' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong-passphrase' } });
    expect(data<{ state: string }>(await call(c, 'vault:status', {})).state).toBe('locked');
    data(await call(c, 'vault:unlock', { passphrase }));
    expect(announced).toEqual(['unlocked', 'locked', 'unlocked']);
    await c.close();
  });

  it('holds the unlock limit for wrong passphrases sent at once through the router', async () => {
    const c = await core();
    data(await call(c, 'vault:setup', { passphrase }));
    data(await call(c, 'vault:lock', {}));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(c, 'vault:unlock', { passphrase: `wrong passphrase ${String(i)}` }),
      ),
    );
    const codes = results.map((result) => (result.ok ? 'ok' : result.error.code));
    expect(codes.filter((code) => code === 'wrong-passphrase')).toHaveLength(3);
    expect(codes.filter((code) => code === 'rate-limited')).toHaveLength(7);
    const status = data<{ state: string; unlockWaitMs: number }>(await call(c, 'vault:status', {}));
    expect(status.state).toBe('locked');
    expect(status.unlockWaitMs).toBeGreaterThan(0);
    await c.close();
  }, 60_000);

  it('never returns a secret: saved profiles show only hasSecret', async () => {
    const c = await core();
    data(await call(c, 'vault:setup', { passphrase }));
    const changes: unknown[] = [];
    c.events.subscribe((name) => {
      if (name === 'profiles:changed') changes.push(name);
    });
    const responses: unknown[] = [];
    for (const profile of sampleProfiles)
      responses.push(data(await call(c, 'profiles:save', profile)));
    const listed = data<{ name: string; hasSecret: Record<string, boolean> }[]>(
      await call(c, 'profiles:list', {}),
    );
    responses.push(listed);
    expect(listed.map((p) => p.name).sort()).toEqual(sampleProfiles.map((p) => p.name).sort());
    expect(listed.find((p) => p.name === 'patchmon-lab')?.hasSecret).toEqual({
      apiSecret: true,
      adminPassword: true,
    });
    const text = JSON.stringify(responses);
    for (const secret of secretValues) expect(text).not.toContain(secret);
    expect(changes).toHaveLength(sampleProfiles.length);
    await c.close();
  });

  it('refuses secrets while locked and bad profiles at any time, changing nothing', async () => {
    const c = await core();
    data(await call(c, 'vault:setup', { passphrase }));
    data(await call(c, 'profiles:save', sampleProfiles[0]));
    data(await call(c, 'vault:lock', {}));
    const before = await call(c, 'profiles:list', {});

    expect(await call(c, 'profiles:save', sampleProfiles[1])).toMatchObject({
      ok: false,
      error: { code: 'vault-locked' },
    });
    const hostile = [
      { ...sampleProfiles[3], name: '' },
      { ...sampleProfiles[3], name: 'x'.repeat(101) },
      {
        ...sampleProfiles[3],
        connection: { kind: 'routeros', host: '-oProxyCommand=sh', username: 'a' },
      },
      {
        ...sampleProfiles[0],
        connection: { kind: 'foreman', url: 'javascript:alert(1)', auth: { mode: 'bearer' } },
      },
      { ...sampleProfiles[0], connection: { kind: 'telnet', host: 'h' } },
      { ...sampleProfiles[0], secrets: { privateKey: 'not a field foreman uses' } },
      { ...sampleProfiles[0], extra: true },
      { ...sampleProfiles[0], tags: ['two words'] },
    ];
    for (const bad of hostile) {
      const result = await call(c, 'profiles:save', bad);
      expect(result.ok, JSON.stringify(bad).slice(0, 120)).toBe(false);
    }
    expect(await call(c, 'profiles:list', {})).toEqual(before);
    await c.close();
  });

  it('imports all or nothing, naming the bad entry', async () => {
    const c = await core();
    data(await call(c, 'vault:setup', { passphrase }));
    const manifest = {
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'good-one',
          connection: { kind: 'ssh', host: 'a.example', username: 'ops', auth: { mode: 'agent' } },
        },
        {
          name: 'bad-one',
          connection: {
            kind: 'ssh',
            host: 'b.example',
            username: 'ops',
            port: 70000,
            auth: { mode: 'agent' },
          },
        },
      ],
    };
    const result = await call(c, 'profiles:import', { content: JSON.stringify(manifest) });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    if (!result.ok) expect(result.error.message).toMatch(/profiles\[1\] "bad-one".*port/);
    expect(data<unknown[]>(await call(c, 'profiles:list', {}))).toEqual([]);
    expect(
      await call(c, 'profiles:import', { content: '{"rackside": "profile-man' }),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('not valid JSON') as unknown },
    });
    await c.close();
  });

  it('exports with secrets only under a passphrase, and imports that file back', async () => {
    const c = await core();
    data(await call(c, 'vault:setup', { passphrase }));
    for (const profile of sampleProfiles) data(await call(c, 'profiles:save', profile));

    const plain = data<{ content: string }>(
      await call(c, 'profiles:export', { ids: 'all', passphrase: null }),
    );
    for (const secret of secretValues) expect(plain.content).not.toContain(secret);
    const sealed = data<{ content: string; fileName: string }>(
      await call(c, 'profiles:export', { ids: 'all', passphrase: 'export passphrase 9' }),
    );
    expect(sealed.fileName).toMatch(/\.encrypted\.json$/);
    for (const secret of secretValues) expect(sealed.content).not.toContain(secret);

    const other = await core();
    data(await call(other, 'vault:setup', { passphrase }));
    expect(await call(other, 'profiles:import', { content: sealed.content })).toMatchObject({
      ok: false,
      error: {
        code: 'wrong-passphrase',
        message: 'This export is encrypted: enter its passphrase.',
      },
    });
    const wrong = await call(other, 'profiles:import', {
      content: sealed.content,
      passphrase: 'nope nope nope',
    });
    expect(wrong.ok).toBe(false);
    const summary = data<{ created: string[] }>(
      await call(other, 'profiles:import', {
        content: sealed.content,
        passphrase: 'export passphrase 9',
      }),
    );
    expect(summary.created).toHaveLength(sampleProfiles.length);
    const listed = data<{ hasSecret: Record<string, boolean> }[]>(
      await call(other, 'profiles:list', {}),
    );
    expect(listed.every((p) => Object.values(p.hasSecret).every(Boolean))).toBe(true);
    await c.close();
    await other.close();
  });
});
