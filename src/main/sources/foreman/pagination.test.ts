import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rejection, sendJson, startTestServer, type TestServer } from '../../net/test-server';
import { profileView } from '../test-helpers';
import { syncCancelController } from '../../sync/sync-engine';
import { ForemanClient, foremanProfile } from './client';

/**
 * Foreman's offset pagination (reference/foreman.md §4) while the collection changes underneath
 * a sync, and servers that page differently from what was asked.
 */
interface Behaviour {
  /** Called before each `/api/hosts` page is answered, with the page number. */
  beforePage?: (page: number, hosts: number[]) => void;
  /** The page size the server applies whatever `per_page` says. */
  forcedPerPage?: number;
  /** A server (or proxy) that drops the `page` parameter. */
  ignorePage?: boolean;
  /** Facts of host 1: name → value. */
  facts?: Record<string, string>;
}

const servers: TestServer[] = [];
const clients: ForemanClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A Foreman index of hosts 1..count ordered by id, with the envelope of §4. */
async function foreman(count: number, behaviour: Behaviour = {}) {
  const hosts = Array.from({ length: count }, (_, i) => i + 1);
  const server = await startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const asked = Number(url.searchParams.get('per_page') ?? '20');
    const perPage = behaviour.forcedPerPage ?? asked;
    const page = behaviour.ignorePage === true ? 1 : Number(url.searchParams.get('page') ?? '1');
    if (url.pathname === '/api/hosts') {
      behaviour.beforePage?.(page, hosts);
      const slice = hosts.slice((page - 1) * perPage, page * perPage);
      sendJson(res, 200, {
        total: hosts.length,
        subtotal: hosts.length,
        page,
        per_page: perPage,
        search: null,
        sort: { by: 'id', order: 'ASC' },
        results: slice.map((id) => ({ id, name: `host${id}.lab.example.com` })),
      });
      return;
    }
    if (url.pathname === '/api/hosts/1/facts') {
      const pairs = Object.entries(behaviour.facts ?? {});
      const slice = pairs.slice((page - 1) * perPage, page * perPage);
      sendJson(res, 200, {
        total: pairs.length,
        subtotal: slice.length === 0 ? 0 : 1,
        page,
        per_page: perPage,
        search: ' host = 1',
        sort: { by: null, order: null },
        results: slice.length === 0 ? {} : { 'host1.lab.example.com': Object.fromEntries(slice) },
      });
      return;
    }
    sendJson(res, 404, { error: { message: 'not found' } });
  });
  servers.push(server);
  const profile = foremanProfile(
    profileView('paging', {
      kind: 'foreman',
      url: server.url,
      auth: { mode: 'token', username: 'admin' },
      tls: { insecure: false, caFile: null, pinnedSha256: null },
    }),
  );
  const client = await ForemanClient.open(profile, { token: 'pat' }, { http: { maxRetries: 0 } });
  clients.push(client);
  return { client, hosts, server };
}

const Host = z.looseObject({ id: z.number().int(), name: z.string() });
const signal = () => syncCancelController().signal;

function ids(items: { id: number }[]): number[] {
  return items.map((item) => item.id).sort((a, b) => a - b);
}

describe('Foreman pagination', () => {
  it('keeps every remaining host when one is deleted between two pages', async () => {
    let deleted = false;
    const { client } = await foreman(25, {
      // Host 3 goes after page 1 was served: host 11 slides from page 2 onto page 1.
      beforePage: (page, hosts) => {
        if (page === 2 && !deleted) {
          deleted = true;
          hosts.splice(hosts.indexOf(3), 1);
        }
      },
    });
    const listed = await client.listAll('/hosts', Host, { signal: signal(), perPage: 10 });
    const expected = Array.from({ length: 25 }, (_, i) => i + 1).filter((id) => id !== 3);
    // Host 3 was seen before it went; it is dropped by the next sync. No live host is missing.
    expect(ids(listed)).toEqual(expect.arrayContaining(expected));
  });

  it('pages by the size the server applies when it is smaller than the one asked for', async () => {
    const { client } = await foreman(45, { forcedPerPage: 20 });
    const listed = await client.listAll('/hosts', Host, { signal: signal(), perPage: 500 });
    expect(ids(listed)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  it('fails with the count it was promised when the server ignores the page number', async () => {
    const { client, server } = await foreman(45, { ignorePage: true });
    const error = await rejection(
      client.listAll('/hosts', Host, { signal: signal(), perPage: 20 }),
    );
    expect(error.reason).toBe('invalid-data');
    expect(error.message).toContain('Foreman GET /hosts');
    expect(error.message).toContain('45 records');
    expect(error.message).toContain('only 20 different ones');
    // A bounded number of passes, not an endless walk over the same page.
    expect(server.count).toBeLessThan(20);
  });

  it('reads every fact when the server pages facts by a smaller size than asked', async () => {
    const facts = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`fact${String(i).padStart(2, '0')}`, String(i)]),
    );
    const { client } = await foreman(1, { forcedPerPage: 20, facts });
    expect(await client.facts(1, signal(), 1000)).toEqual(facts);
  });
});
