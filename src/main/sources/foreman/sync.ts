/**
 * A Foreman sync: reference collections, every host page by page, then details and facts only for
 * hosts that are new or whose `updated_at` moved since the previous sync.
 */
import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { HttpError } from '../../net/errors';
import { mapLimit } from '../../net/pool';
import type { PreviousRecord, SourceRecord, SyncContext } from '../types';
import type { ForemanClient } from './client';
import { emptyLookups, normalizeHost, type ForemanLookups } from './normalize';
import {
  ComputeResource,
  HostDetails,
  HostSummary,
  Hostgroup,
  OperatingSystem,
  StoredHost,
  Taxonomy,
} from './schemas';

export interface ForemanSyncOptions {
  /** Hosts per index page; Foreman has no maximum (reference §4). */
  hostsPerPage: number;
  /** Facts per page of `/hosts/:id/facts` (paginated per fact value). */
  factsPerPage: number;
  /** The profile's scoped-search filter for hosts (`hostgroup_title = base/web`), or null. */
  search: string | null;
}

export const defaultSyncOptions: ForemanSyncOptions = {
  hostsPerPage: 500,
  factsPerPage: 1000,
  search: null,
};

type Permitted<T> = { ok: true; value: T } | { ok: false; message: string };

/** A 403 means "this credential may not see that"; anything else is a real failure. */
export async function permitted<T>(run: () => Promise<T>): Promise<Permitted<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof HttpError && error.reason === 'forbidden') {
      return { ok: false, message: error.message };
    }
    throw error;
  }
}

async function loadLookups(client: ForemanClient, context: SyncContext): Promise<ForemanLookups> {
  const list = (
    path: string,
    schema: z.ZodType<{ id: number; name: string; title?: string | null | undefined }>,
  ) =>
    permitted(async () => {
      const items = await client.listAll(path, schema, { signal: context.signal, perPage: 1000 });
      return new Map(items.map((item) => [item.id, item.title ?? item.name]));
    });
  const [hostgroups, organizations, locations, computeResources, operatingSystems] =
    await Promise.all([
      list('/hostgroups', Hostgroup),
      list('/organizations', Taxonomy),
      list('/locations', Taxonomy),
      list('/compute_resources', ComputeResource),
      list('/operatingsystems', OperatingSystem),
    ]);
  const pick = (answer: Permitted<Map<number, string>>) => {
    if (answer.ok) return answer.value;
    context.warn(answer.message);
    return new Map<number, string>();
  };
  return {
    ...emptyLookups,
    hostgroups: pick(hostgroups),
    organizations: pick(organizations),
    locations: pick(locations),
    computeResources: pick(computeResources),
    operatingSystems: pick(operatingSystems),
  };
}

/** The previous details and facts, when the host has not changed since they were fetched. */
export function reusable(
  previous: PreviousRecord | undefined,
  summary: HostSummary,
): StoredHost | null {
  if (previous === undefined || previous.changeStamp === null) return null;
  if (summary.updated_at === null || summary.updated_at === undefined) return null;
  if (previous.changeStamp !== summary.updated_at) return null;
  const stored = StoredHost.safeParse(previous.raw);
  if (!stored.success || stored.data.host.interfaces === undefined) return null;
  return stored.data;
}

export async function syncForeman(
  client: ForemanClient,
  context: SyncContext,
  options: ForemanSyncOptions,
): Promise<SourceRecord[]> {
  const { signal } = context;
  const lookups = await loadLookups(client, context);
  const summaries = await client.listAll('/hosts', HostSummary, {
    signal,
    perPage: options.hostsPerPage,
    // Ordered by id so pages stay stable while hosts are renamed.
    query: { order: 'id ASC', search: options.search ?? undefined },
    onPage: ({ pagesDone, pagesTotal, items }) => {
      context.progress({ phase: 'hosts', done: pagesDone, total: pagesTotal, records: items });
    },
  });

  // A filter that matches nothing is a typo far more often than an empty fleet, and syncing it
  // would remove every host stored for the profile.
  if (summaries.length === 0 && options.search !== null) {
    throw new AppError(
      'bad-request',
      `Foreman's host filter "${options.search}" matches no hosts, which would remove every host synced from this profile; nothing was changed. Check the filter (Test login shows how many hosts it matches).`,
    );
  }
  const reused = new Map<number, StoredHost>();
  const stale: HostSummary[] = [];
  // Unchanged hosts whose facts the credential could not see last time: once view_facts is
  // granted their facts come, without their details again; while refused, only a first few ask.
  const factless: HostSummary[] = [];
  for (const summary of summaries) {
    const stored = reusable(context.previous(String(summary.id)), summary);
    if (stored === null) stale.push(summary);
    else reused.set(summary.id, stored);
    if (stored?.facts === null) factless.push(summary);
  }
  let factsAllowed = true;
  // Concurrent workers may all meet the 403; the user hears about it once.
  const denyFacts = (message: string) => {
    if (!factsAllowed) return;
    factsAllowed = false;
    context.warn(
      `${message} Without facts there are no machine ids or SMBIOS UUIDs from Foreman; grant view_facts to match hosts more reliably.`,
    );
  };
  let done = 0;
  const step = Math.max(1, Math.ceil(stale.length / 100));
  const report = () => {
    context.progress({
      phase: 'details',
      done,
      total: stale.length,
      records: summaries.length,
    });
  };
  report();
  // Normalized as each host's answers arrive, so the work is spread over the wait for the rest.
  const fetched = new Map<number, SourceRecord | null>();
  // Each host asks for details, then facts: twice as many hosts as connections keep every
  // connection busy (the client bounds what is in flight).
  await mapLimit(stale, client.concurrency * 2, async (summary) => {
    const path = `/hosts/${summary.id}`;
    const details = await client.get(path, HostDetails, signal).catch((error: unknown) => {
      // Deleted between the listing and now: it is gone, not an error.
      if (error instanceof HttpError && error.reason === 'not-found') return null;
      throw error;
    });
    let facts: Record<string, string | null> | null = null;
    if (details !== null && factsAllowed) {
      const answer = await permitted(() => client.facts(summary.id, signal, options.factsPerPage));
      if (answer.ok) facts = answer.value;
      else denyFacts(answer.message);
    }
    fetched.set(
      summary.id,
      details === null ? null : normalizeHost({ ...details, ...summary }, facts, lookups),
    );
    done += 1;
    if (done % step === 0 || done === stale.length) report();
  });
  await mapLimit(factless, client.concurrency, async (summary) => {
    if (!factsAllowed) return;
    const answer = await permitted(() => client.facts(summary.id, signal, options.factsPerPage));
    if (!answer.ok) {
      denyFacts(answer.message);
      return;
    }
    const stored = reused.get(summary.id);
    if (stored !== undefined) reused.set(summary.id, { ...stored, facts: answer.value });
  });

  const records: SourceRecord[] = [];
  for (const summary of summaries) {
    const stored = reused.get(summary.id);
    if (stored === undefined) {
      const record = fetched.get(summary.id);
      if (record !== null && record !== undefined) records.push(record);
      continue;
    }
    // The summary is the newer view of the index fields; details add interfaces and parameters.
    records.push(normalizeHost({ ...stored.host, ...summary }, stored.facts, lookups));
  }
  return records;
}
