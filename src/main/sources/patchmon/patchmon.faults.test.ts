import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabTls, tlsFor, type FaultRule, type TlsMaterial } from '../../../../lab/common';
import { generateFleet, type Fleet } from '../../../../lab/fleet';
import { startPatchmon, type PatchmonLab } from '../../../../lab/patchmon';
import type { ProfileView } from '../../../shared/profiles';
import type { HttpError } from '../../net/errors';
import type { RequestEvent } from '../../net/http-client';
import { rejection as failure } from '../../net/test-server';
import { profileView, recordingContext } from '../test-helpers';
import { syncCancelController } from '../../sync/sync-engine';
import { createPatchmonConnector, type PatchmonConnectorOptions } from './index';

/**
 * Every fault the lab can inject, each on its own small PatchMon (one TLS identity for all),
 * asserting the typed error a person sees — or a sync that recovers by retrying.
 */
let fleet: Fleet;
let tls: TlsMaterial;
const servers: PatchmonLab[] = [];

beforeAll(async () => {
  fleet = generateFleet({ size: 20, seed: 9 });
  tls = tlsFor(await createLabTls(), 'self-signed');
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(rules: FaultRule[] = [], path = '') {
  const server = await startPatchmon({
    fleet,
    tls,
    faults: rules.length === 0 ? null : { seed: 1, systems: { patchmon: rules } },
  });
  servers.push(server);
  const profile: ProfileView = profileView('faulty', {
    kind: 'patchmon',
    url: `${server.url}${path}`,
    apiKey: server.credentials.api.key,
    adminUsername: null,
    tls: { insecure: false, caFile: null, pinnedSha256: tls.fingerprint256 },
  });
  return { server, profile, secrets: { apiSecret: server.credentials.api.secret } };
}

const quick: PatchmonConnectorOptions = {
  http: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10, headersTimeoutMs: 500 },
};

async function syncError(
  rules: FaultRule[],
  options: PatchmonConnectorOptions = quick,
): Promise<HttpError> {
  const { profile, secrets } = await serve(rules);
  return failure(createPatchmonConnector(options).sync(profile, secrets, recordingContext()));
}

const hosts = /^\/api\/v1\/api\/hosts$/;

describe('PatchMon connector under faults', () => {
  it('retries 5xx answers and completes the sync', async () => {
    const { profile, secrets } = await serve([{ route: '/api/v1/api/hosts', error5xx: 0.2 }]);
    const events: RequestEvent[] = [];
    const records = await createPatchmonConnector({
      http: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 5, onRequest: (e) => events.push(e) },
    }).sync(profile, secrets, recordingContext());
    expect(records).toHaveLength(fleet.patchmon.hosts.length);
    const failed = events.filter((e) => e.status === 500);
    expect(failed.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.attempt > 1)).toHaveLength(failed.length);
  });

  it('reports a persistent 5xx after retrying', async () => {
    const error = await syncError([{ route: hosts, error5xx: 1 }]);
    expect(error).toMatchObject({ code: 'unavailable', reason: 'server-error' });
    expect(error.message).toBe(
      'PatchMon GET /api/hosts: server error (500: Internal server error) after 2 attempts.',
    );
  });

  it('waits as long as Retry-After asks on 429, then reports it', async () => {
    const events: RequestEvent[] = [];
    const started = Date.now();
    const error = await syncError([{ route: hosts, tooManyRequests: 1, retryAfterSeconds: 1 }], {
      http: { ...quick.http, onRequest: (e) => events.push(e) },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(error).toMatchObject({ code: 'rate-limited', reason: 'rate-limited' });
    expect(error.message).toContain('Too many requests. Try again later.');
    expect(events.map((e) => e.status)).toEqual([429, 429]);
  });

  it('waits out a Retry-After given as an HTTP date and says how long it asked for', async () => {
    const events: RequestEvent[] = [];
    const started = Date.now();
    const error = await syncError(
      [{ route: hosts, tooManyRequests: 1, retryAfterSeconds: 2, retryAfterAsDate: true }],
      { http: { ...quick.http, onRequest: (e) => events.push(e) } },
    );
    // The date has whole seconds, so the wait is between one and two of them.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(error).toMatchObject({ code: 'rate-limited', reason: 'rate-limited' });
    expect(error.message).toMatch(/after 2 attempts; the server asks to wait [1-3] s\.$/);
    expect(events.map((e) => e.status)).toEqual([429, 429]);
  });

  it('gives up on a hanging server after its timeout', async () => {
    const error = await syncError([{ route: /\/system$/, hang: 1 }], {
      http: { ...quick.http, headersTimeoutMs: 200 },
    });
    expect(error).toMatchObject({ code: 'timeout', reason: 'headers-timeout' });
    expect(error.message).toMatch(/^PatchMon GET \/api\/hosts\/[0-9a-f-]+\/system: no answer/);
  });

  it('reports truncated and invalid JSON', async () => {
    for (const rule of [{ truncatedJson: 1 }, { invalidJson: 1 }]) {
      const error = await syncError([{ route: hosts, ...rule }]);
      expect(error).toMatchObject({ code: 'protocol-error', reason: 'invalid-json' });
      expect(error.message).toMatch(/^PatchMon GET \/api\/hosts: the answer is not valid JSON/);
    }
  });

  it('calls an HTML answer "not a PatchMon API endpoint", never an empty fleet', async () => {
    const error = await syncError([{ route: hosts, wrongContentType: 1 }]);
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'not-api' });
    expect(error.message).toContain('not a PatchMon API endpoint');
    // The real thing: a URL that misses the API lands on the web UI's index.html with 200.
    const { profile, secrets } = await serve([], '/patchmon');
    const spa = await failure(
      createPatchmonConnector(quick).sync(profile, secrets, recordingContext()),
    );
    expect(spa).toMatchObject({ reason: 'not-api' });
    expect(spa.message).toContain('not a PatchMon API endpoint');
  });

  it('names the field path of a value with the wrong type', async () => {
    const { server, profile, secrets } = await serve();
    const index = 2;
    server.state.hosts[index] = {
      ...server.state.hosts[index]!,
      updatesCount: 'many' as unknown as number,
    };
    const error = await failure(
      createPatchmonConnector(quick).sync(profile, secrets, recordingContext()),
    );
    expect(error).toMatchObject({ code: 'protocol-error', reason: 'invalid-data' });
    expect(error.details.field).toBe(`hosts[${index}].updates_count`);
    expect(error.message).toBe(
      `PatchMon GET /api/hosts: unexpected data at hosts[${index}].updates_count: Invalid input: expected number, received string.`,
    );
  });

  it('refuses an oversized answer', async () => {
    const error = await syncError([], { http: { ...quick.http, maxBodyBytes: 4 * 1024 } });
    expect(error).toMatchObject({ code: 'payload-too-large', reason: 'too-large' });
  });

  it('reports expired and revoked credentials', async () => {
    for (const [fault, said] of [
      ['expired', 'API key has expired'],
      ['revoked', 'API key is disabled'],
    ] as const) {
      const error = await syncError([{ credentials: fault }]);
      expect(error).toMatchObject({ code: 'forbidden', reason: 'unauthorized' });
      expect(error.message).toContain(`PatchMon refused the credentials (401: ${said})`);
    }
  });

  it('reports a credential without the host scope', async () => {
    const { server, profile, secrets } = await serve();
    const token = server.state.tokens.find((t) => t.tokenKey === server.credentials.api.key)!;
    token.scopes = {};
    const error = await failure(
      createPatchmonConnector(quick).sync(profile, secrets, recordingContext()),
    );
    expect(error).toMatchObject({ code: 'forbidden', reason: 'forbidden' });
    expect(error.message).toBe(
      'PatchMon GET /api/hosts: access denied (403: Access denied: This API key does not have the required permissions).',
    );
  });

  it('recognises a gethomepage widget credential: statistics, and why a sync fails', async () => {
    const { server, profile } = await serve();
    const widget = server.credentials.gethomepage;
    const asWidget = {
      ...profile,
      connection: { ...profile.connection, apiKey: widget.key },
    } as ProfileView;
    const connector = createPatchmonConnector(quick);
    const summary = await connector.test(
      asWidget,
      { apiSecret: widget.secret },
      syncCancelController().signal,
    );
    expect(summary.identity).toBe(`gethomepage widget credential ${widget.key}`);
    expect(summary.permissions[0]).toMatch(
      new RegExp(`^Fleet statistics: ${fleet.patchmon.hosts.length} hosts`),
    );
    expect(summary.warnings[0]).toContain('cannot list hosts');
    const error = await failure(
      connector.sync(asWidget, { apiSecret: widget.secret }, recordingContext()),
    );
    expect(error).toMatchObject({ reason: 'unauthorized' });
    expect(error.message).toContain('Invalid API key type');
  });
});
