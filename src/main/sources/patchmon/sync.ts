/**
 * A PatchMon sync: every host with its patch stats in one request, then info, network and system
 * only for hosts that are new or reported since the previous sync.
 */
import type { HttpClient } from '../../net/http-client';
import { HttpError } from '../../net/errors';
import { mapLimit } from '../../net/pool';
import type { PreviousRecord, SourceRecord, SyncContext } from '../types';
import { changeStamp, normalizeHost } from './normalize';
import {
  HostInfo,
  HostList,
  HostNetwork,
  HostSystem,
  StoredHost,
  type HostListItem,
} from './schemas';

export const hostsPath = '/api/hosts';

/** The previous details, when the host has not reported since they were fetched. */
export function reusable(
  previous: PreviousRecord | undefined,
  host: HostListItem,
): StoredHost | null {
  const stamp = changeStamp(host);
  if (previous === undefined || stamp === null || previous.changeStamp !== stamp) return null;
  const stored = StoredHost.safeParse(previous.raw);
  return stored.success ? stored.data : null;
}

async function details(
  http: HttpClient,
  host: HostListItem,
  signal: AbortSignal,
): Promise<StoredHost | null> {
  const base = `${hostsPath}/${encodeURIComponent(host.id)}`;
  try {
    const [info, network, system] = await Promise.all([
      http.getJson(`${base}/info`, HostInfo, { signal }),
      http.getJson(`${base}/network`, HostNetwork, { signal }),
      http.getJson(`${base}/system`, HostSystem, { signal }),
    ]);
    return { host, info, network, system };
  } catch (error) {
    // Deleted between the listing and now: it is gone, not an error.
    if (error instanceof HttpError && error.reason === 'not-found') return null;
    throw error;
  }
}

export async function syncPatchmon(
  http: HttpClient,
  context: SyncContext,
): Promise<SourceRecord[]> {
  const { signal } = context;
  const list = await http.getJson(hostsPath, HostList, { signal, query: { include: 'stats' } });
  context.progress({ phase: 'hosts', done: 1, total: 1, records: list.hosts.length });

  const reused = new Map<string, StoredHost>();
  const stale: HostListItem[] = [];
  for (const host of list.hosts) {
    const stored = reusable(context.previous(host.id), host);
    if (stored === null) stale.push(host);
    // The list item is the newer view of the stats.
    else reused.set(host.id, { ...stored, host });
  }
  let done = 0;
  const step = Math.max(1, Math.ceil(stale.length / 100));
  const report = () => {
    context.progress({ phase: 'details', done, total: stale.length, records: list.hosts.length });
  };
  report();
  // Normalized as each host's answers arrive, so the work is spread over the wait for the rest.
  const fetched = new Map<string, SourceRecord | null>();
  // Each host takes three requests at once; the client bounds what is in flight. As many hosts
  // as the client has connections keep every connection busy while answers are being parsed.
  await mapLimit(stale, http.concurrency, async (host) => {
    const stored = await details(http, host, signal);
    fetched.set(host.id, stored === null ? null : normalizeHost(stored));
    done += 1;
    if (done % step === 0 || done === stale.length) report();
  });

  const records: SourceRecord[] = [];
  for (const host of list.hosts) {
    const stored = reused.get(host.id);
    const record = stored === undefined ? fetched.get(host.id) : normalizeHost(stored);
    if (record !== null && record !== undefined) records.push(record);
  }
  return records;
}
