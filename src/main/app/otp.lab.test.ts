import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../lab/index';
import { startOtpLab } from '../../../lab/otp';
import type { EventName, EventPayload, OtpRequestEvent, Response } from '../../shared/contract';
import type { SyncProgressEvent } from '../../shared/inventory';
import { Manifest, type ManifestInput } from '../../shared/manifest';
import type { ProfileView } from '../../shared/profiles';
import type { Result } from '../../shared/result';
import { createLogger } from '../core/logger';
import { importManifest } from '../profiles/import-export';
import { tempDir } from '../db/test-helpers';
import { createCore, type Core } from './create-core';

/**
 * One-time codes through the app core: a Proxmox VE profile with TOTP syncs when the person
 * answers `otp:request` with the right code, fails clearly with a wrong code or none, and never
 * holds up the other sources.
 */

const host = { host: 'browser' } as const;
const rightCode = '246810';

let lab: Lab;
let core: Core;
let totp: ProfileView;
let tokenProfiles: ProfileView[];
const logLines: string[] = [];
const requests: OtpRequestEvent[] = [];
const closed: string[] = [];
const ended: SyncProgressEvent[] = [];
/** What the person does with the next code request. */
let respond: (request: OtpRequestEvent) => void = () => undefined;
/** The next question the app asks, left unanswered for the test to handle. */
const nextRequest = (): Promise<OtpRequestEvent> =>
  new Promise((resolve) => {
    respond = resolve;
  });

async function call(channel: string, payload: unknown): Promise<Result<unknown>> {
  return core.router.dispatch(channel, payload, host);
}

async function ok<T>(result: Promise<Result<unknown>>): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw new Error(`${settled.error.code}: ${settled.error.message}`);
  return settled.data as T;
}

/** Starts a sync through the contract and waits until every started profile has ended. */
async function sync(profileIds: string[] | 'all'): Promise<Map<string, SyncProgressEvent>> {
  const already = ended.length;
  const { started } = await ok<Response<'sync:start'>>(call('sync:start', { profileIds }));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const done = new Map(ended.slice(already).map((event) => [event.profileId, event]));
    if (started.every((id) => done.has(id))) return done;
    if (Date.now() > deadline) throw new Error('the sync did not end within a minute');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function status(): Promise<Response<'sync:status'>> {
  return ok<Response<'sync:status'>>(call('sync:status', {}));
}

async function answer(request: OtpRequestEvent, body: Record<string, unknown>): Promise<void> {
  const result = await call('otp:answer', { requestId: request.requestId, ...body });
  if (!result.ok) throw new Error(result.error.message);
}

beforeAll(async () => {
  let manifest: ManifestInput;
  ({ lab, manifest } = await startOtpLab(11, rightCode));
  core = await createCore({
    // A folder for the whole file: the core runs across its tests, on one database.
    dataDir: tempDir(),
    host: 'browser',
    version: '0',
    unlockWith: 'otp test passphrase',
    logger: createLogger({
      level: 'debug',
      sink: (record) => logLines.push(JSON.stringify(record)),
    }),
  });
  core.events.subscribe(<K extends EventName>(name: K, payload: EventPayload<K>) => {
    if (name === 'otp:request') {
      const request = payload as OtpRequestEvent;
      requests.push(request);
      respond(request);
    }
    if (name === 'otp:closed') closed.push((payload as { requestId: string }).requestId);
    if (name === 'sync:progress') {
      const event = payload as SyncProgressEvent;
      if (event.state !== 'running') ended.push(event);
    }
  });
  importManifest(core.store.db, core.store.profiles, Manifest.parse(manifest));
  const proxmox = core.store.profiles.list().filter((p) => p.connection.kind === 'proxmox');
  const withCode = proxmox.find((p) => p.name === 'PVE with TOTP');
  if (withCode === undefined) throw new Error('the TOTP profile was not imported');
  totp = withCode;
  tokenProfiles = proxmox.filter((p) => p !== withCode);
}, 60_000);

afterAll(async () => {
  await core.close();
  await lab.close();
});

describe('a Proxmox VE profile with a one-time code, synced through the app', () => {
  it('asks for the code once, says who logs in where, and syncs with the right code', async () => {
    requests.length = 0;
    respond = (request) =>
      void answer(request, { code: ` ${rightCode.slice(0, 3)} ${rightCode.slice(3)} ` });
    const done = await sync([totp.id]);
    expect(done.get(totp.id)).toMatchObject({ state: 'ok', error: null });
    expect(done.get(totp.id)?.records).toBeGreaterThan(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      profileId: totp.id,
      profileName: 'PVE with TOTP',
      reason: expect.stringContaining('root@pam') as string,
    });
    expect(closed).toContain(requests[0]!.requestId);
    // Nothing waits any more, and the code itself was never written anywhere.
    expect(await ok(call('otp:list', {}))).toEqual([]);
    expect(logLines.join('\n')).not.toContain(rightCode);
  });

  it('fails a wrong code as a refused login and keeps the data of the last good sync', async () => {
    const before = (await status()).lastRuns.find((run) => run.profileId === totp.id);
    expect(before?.assets).toBeGreaterThan(0);
    respond = (request) => void answer(request, { code: '000000' });
    const done = await sync([totp.id]);
    expect(done.get(totp.id)?.state).toBe('failed');
    expect(done.get(totp.id)?.error).toMatch(/refused the login of root@pam.*one-time code/);
    const after = await status();
    expect(after.lastRuns.find((run) => run.profileId === totp.id)?.assets).toBe(before?.assets);
    const source = after.sources.find((s) => s.profileId === totp.id);
    expect(source).toMatchObject({ offline: true, lastStatus: 'failed' });
    expect(source?.dataFrom).not.toBeNull();
    expect(logLines.join('\n')).not.toContain('000000');
  });

  it('fails a declined code with "no code given" while every other source syncs', async () => {
    requests.length = 0;
    respond = (request) => void answer(request, { cancel: true });
    const done = await sync('all');
    expect(requests).toHaveLength(1);
    expect(done.get(totp.id)?.state).toBe('failed');
    expect(done.get(totp.id)?.error).toMatch(/No one-time code given for "PVE with TOTP"/);
    expect(tokenProfiles.length).toBeGreaterThan(0);
    for (const profile of tokenProfiles) {
      expect(done.get(profile.id), profile.name).toMatchObject({ state: 'ok', error: null });
    }
  });

  it('shares one question between two logins of the same profile', async () => {
    requests.length = 0;
    const asked = nextRequest();
    const syncing = sync([totp.id]);
    const request = await asked;
    // A second login of the same profile while the first still waits (a test of the profile).
    const second = core.otp.request(totp);
    expect(requests).toHaveLength(1);
    expect(await ok(call('otp:list', {}))).toEqual([request]);
    await answer(request, { code: rightCode });
    await expect(second).resolves.toBe(rightCode);
    expect((await syncing).get(totp.id)?.state).toBe('ok');
    expect(requests).toHaveLength(1);
  });

  it('ends the question when the sync is cancelled', async () => {
    requests.length = 0;
    const asked = nextRequest();
    const syncing = sync([totp.id]);
    const request = await asked;
    await ok(call('sync:cancel', {}));
    const done = await syncing;
    expect(done.get(totp.id)?.state).toBe('cancelled');
    expect(closed).toContain(request.requestId);
    const late = await call('otp:answer', { requestId: request.requestId, code: rightCode });
    expect(late).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('otp:answer refuses bad answers with a clear error', () => {
  const unknownId = '6f1c3a52-9d0e-4b7a-8c11-2f4e5d6a7b8c';

  it.each([
    ['an unknown request', { requestId: unknownId, code: '123456' }, /no longer open/],
    ['a code that is not a string', { requestId: unknownId, code: 123456 }, /code: .*string/],
    ['a code that is not digits', { requestId: unknownId, code: 'abcdef' }, /6 to 8 digits/],
    ['a code that is too long', { requestId: unknownId, code: '1234567890' }, /6 to 8 digits/],
    ['neither code nor cancel', { requestId: unknownId }, /either a code or cancel/],
    ['a request id that is not one', { requestId: 'x', code: '123456' }, /requestId/],
  ])('%s', async (_, payload, message) => {
    const result = await call('otp:answer', payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    // The typed code is never repeated back.
    expect(result.error.message).not.toMatch(/123456|abcdef/);
  });

  it('keeps serving commands afterwards', async () => {
    expect(await call('app:info', {})).toMatchObject({ ok: true });
  });
});
