import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabTls, tlsFor, type FaultRule, type TlsMaterial } from '../../../../lab/common';
import { generateFleet, type Fleet } from '../../../../lab/fleet';
import { startForeman, type ForemanLab } from '../../../../lab/foreman';
import type { ProfileView } from '../../../shared/profiles';
import type { HttpError } from '../../net/errors';
import type { RequestEvent } from '../../net/http-client';
import { rejection as failure } from '../../net/test-server';
import { profileView, recordingContext } from '../test-helpers';
import { syncCancelController } from '../../sync/sync-engine';
import { createForemanConnector, type ForemanConnectorOptions } from './index';

/**
 * Every fault the lab can inject, each on its own small Foreman (one TLS identity for all),
 * asserting the typed error a person sees — or a sync that recovers by retrying.
 */
let fleet: Fleet;
let tls: TlsMaterial;
const servers: ForemanLab[] = [];

beforeAll(async () => {
  fleet = generateFleet({ size: 20, seed: 5 });
  tls = tlsFor(await createLabTls(), 'self-signed');
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(rules: FaultRule[] = []) {
  const server = await startForeman({
    fleet,
    tls,
    faults: rules.length === 0 ? null : { seed: 1, systems: { foreman: rules } },
  });
  servers.push(server);
  const profile: ProfileView = profileView('faulty', {
    kind: 'foreman',
    url: server.url,
    auth: { mode: 'token', username: server.credentials.username },
    tls: { insecure: false, caFile: null, pinnedSha256: tls.fingerprint256 },
  });
  return { server, profile, secrets: { token: server.credentials.personalAccessToken } };
}

const quick: ForemanConnectorOptions = {
  http: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10, headersTimeoutMs: 500 },
};

async function syncError(
  rules: FaultRule[],
  options: ForemanConnectorOptions = quick,
): Promise<HttpError> {
  const { profile, secrets } = await serve(rules);
  return failure(createForemanConnector(options).sync(profile, secrets, recordingContext()));
}

const hosts = /^\/api\/hosts$/;

describe('Foreman connector under faults', () => {
  it('retries 5xx answers and completes the sync', async () => {
    const { profile, secrets } = await serve([{ route: '/api/hosts', error5xx: 0.2 }]);
    const events: RequestEvent[] = [];
    const connector = createForemanConnector({
      http: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 5, onRequest: (e) => events.push(e) },
    });
    const records = await connector.sync(profile, secrets, recordingContext());
    expect(records).toHaveLength(fleet.foreman.hosts.length);
    const retried = events.filter((e) => e.status === 500);
    expect(retried.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.attempt > 1)).toHaveLength(retried.length);
  });

  it('reports a persistent 5xx after retrying', async () => {
    const error = await syncError([{ route: hosts, error5xx: 1, status5xx: 503 }]);
    expect(error).toMatchObject({ code: 'unavailable', reason: 'server-error' });
    expect(error.message).toBe(
      'Foreman GET /hosts?page=1: server error (503: Foreman is in maintenance mode.) after 2 attempts.',
    );
  });

  it('waits as long as Retry-After asks on 429, then reports it', async () => {
    const { profile, secrets } = await serve([
      { route: '/api/status', tooManyRequests: 1, retryAfterSeconds: 1 },
    ]);
    const events: RequestEvent[] = [];
    const started = Date.now();
    const error = await failure(
      createForemanConnector({
        http: { ...quick.http, onRequest: (e) => events.push(e) },
      }).test(profile, secrets, syncCancelController().signal),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(error).toMatchObject({ code: 'rate-limited', reason: 'rate-limited' });
    expect(events.filter((e) => e.path === '/status').map((e) => e.status)).toEqual([429, 429]);
  });

  it('gives up on a hanging server after its timeout', async () => {
    const error = await syncError([{ route: hosts, hang: 1 }], {
      http: { ...quick.http, headersTimeoutMs: 200 },
    });
    expect(error).toMatchObject({ code: 'timeout', reason: 'headers-timeout' });
    expect(error.message).toBe('Foreman GET /hosts?page=1: no answer within 200 ms.');
  });

  it('reports truncated JSON', async () => {
    const error = await syncError([{ route: hosts, truncatedJson: 1 }]);
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'invalid-json' });
    expect(error.message).toMatch(/^Foreman GET \/hosts\?page=1: the answer is not valid JSON/);
  });

  it('reports invalid JSON in a host’s facts', async () => {
    const error = await syncError([{ route: /\/facts$/, invalidJson: 1 }]);
    expect(error).toMatchObject({ reason: 'invalid-json' });
    expect(error.message).toMatch(/^Foreman GET \/hosts\/\d+\/facts: the answer is not valid JSON/);
  });

  it('calls an HTML answer a failed request once the API has answered, never an empty fleet', async () => {
    const error = await syncError([{ route: hosts, wrongContentType: 1 }]);
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'not-api' });
    // The status request before it got the API: this is no wrong URL.
    expect(error.message).toMatch(
      /^Foreman GET \/hosts\?page=1: answered with a web page \(text\/html\) instead of JSON, though the API answered the requests before it/,
    );
  });

  it('names the field path of a value with the wrong type', async () => {
    const { server, profile, secrets } = await serve();
    // The simulator's host objects are the shared fleet's: put a copy in its place.
    const victim = { ...server.sim.hosts[3]!, name: 42 as unknown as string };
    server.sim.hosts[3] = victim;
    const error = await failure(
      createForemanConnector(quick).sync(profile, secrets, recordingContext()),
    );
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'invalid-data' });
    expect(error.details.field).toMatch(/^results\[\d+\]\.name$/);
    expect(error.message).toMatch(
      /^Foreman GET \/hosts\?page=1: unexpected data at results\[\d+\]\.name: Invalid input: expected string, received number/,
    );
  });

  it('refuses an oversized answer', async () => {
    const error = await syncError([], { http: { ...quick.http, maxBodyBytes: 8 * 1024 } });
    expect(error).toMatchObject({ code: 'payload-too-large', reason: 'too-large' });
    expect(error.message).toContain('larger than 8 KiB');
  });

  it('reports expired and revoked credentials', async () => {
    for (const fault of ['expired', 'revoked'] as const) {
      const error = await syncError([{ credentials: fault }]);
      expect(error).toMatchObject({ code: 'forbidden', reason: 'unauthorized' });
      expect(error.message).toContain(
        'Foreman refused the credentials (401: Unable to authenticate user admin)',
      );
    }
    const { server, profile } = await serve();
    const error = await failure(
      createForemanConnector(quick).test(
        profile,
        { token: server.credentials.revokedToken },
        syncCancelController().signal,
      ),
    );
    expect(error).toMatchObject({ reason: 'unauthorized' });
  });

  it('explains that a personal access token is not a Bearer token', async () => {
    const { server, profile } = await serve();
    const bearer = {
      ...profile,
      connection: { ...profile.connection, auth: { mode: 'bearer' } },
    } as ProfileView;
    const error = await failure(
      createForemanConnector(quick).test(
        bearer,
        { token: server.credentials.personalAccessToken },
        syncCancelController().signal,
      ),
    );
    expect(error).toMatchObject({ reason: 'unauthorized' });
    expect(error.message).toContain('only as HTTP Basic login:token');
  });

  it('refuses a server whose certificate is not the pinned one', async () => {
    const { profile, secrets } = await serve();
    const other = await createLabTls();
    const pinned = {
      ...profile,
      connection: {
        ...profile.connection,
        tls: { insecure: false, caFile: null, pinnedSha256: other.selfSigned.fingerprint256 },
      },
    } as ProfileView;
    const error = await failure(
      createForemanConnector(quick).sync(pinned, secrets, recordingContext()),
    );
    expect(error).toMatchObject({ reason: 'tls-pin-mismatch' });
    expect(error.message).toContain('does not match the pinned fingerprint');
  });

  it('stops when the sync is cancelled', async () => {
    const { profile, secrets } = await serve([{ route: /\/facts$/, latencyMs: 200 }]);
    const controller = syncCancelController();
    const context = recordingContext([], controller.signal);
    setTimeout(() => controller.abort(), 100);
    const error = await failure(createForemanConnector(quick).sync(profile, secrets, context));
    expect(error).toMatchObject({ code: 'cancelled' });
  });
});
