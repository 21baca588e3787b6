import { AppError } from '../../../shared/errors';
import { statusError } from '../../net/failures';
import type { SourceRecord, SyncContext } from '../types';
import { proxmoxSystem, seg, type ProxmoxClient } from './client';
import { defaultAgentTimeoutMs, fetchGuestDetails, newDetailState } from './guest-details';
import { normalizeGuest, normalizeNode, type GuestDetails, type NodeFacts } from './normalize';
import { defaultReuse, lastKnownDetails, reusableDetails, type ReuseOptions } from './reuse';
import type { GuestResource, NodeResource } from './schemas';
import { ClusterResources, ClusterStatus, NodeStatus, type ClusterStatusEntry } from './schemas';

export interface ProxmoxSyncOptions {
  /** Guests whose details are fetched at once (each holds up to three requests in turn). */
  concurrency: number;
  reuse: ReuseOptions;
  now: () => number;
  agentTimeoutMs: number;
}

export const defaultSyncOptions: ProxmoxSyncOptions = {
  concurrency: 12,
  reuse: defaultReuse,
  now: Date.now,
  agentTimeoutMs: defaultAgentTimeoutMs,
};

interface ClusterView {
  name: string;
  /** From `/cluster/status`, when readable. */
  statusNodes: Map<string, ClusterStatusEntry>;
}

/**
 * The cluster's name for external ids: `/cluster/status` names a corosync cluster; a standalone
 * node has no cluster entry and goes by its node name. Without Sys.Audit on `/` the status is
 * hidden and the first node's name stands in (with a warning, as ids may then change).
 */
async function clusterView(
  client: ProxmoxClient,
  nodes: NodeResource[],
  context: SyncContext,
): Promise<ClusterView> {
  const status = await client.attempt('/cluster/status', ClusterStatus, context.signal);
  const statusNodes = new Map<string, ClusterStatusEntry>();
  if (status.ok) {
    for (const entry of status.value) {
      if (entry.type === 'node' && entry.name !== undefined) statusNodes.set(entry.name, entry);
    }
    const cluster = status.value.find((entry) => entry.type === 'cluster')?.name;
    const standalone = [...statusNodes.keys()][0];
    const name = cluster ?? standalone;
    if (name !== undefined) return { name, statusNodes };
  } else if (status.status !== 403) {
    throw statusError(status.response, {
      system: proxmoxSystem,
      endpoint: 'GET /cluster/status',
      status: status.status,
    });
  }
  const first = nodes.map((node) => node.node).sort()[0];
  if (first === undefined) {
    throw new AppError('protocol-error', 'Proxmox VE GET /cluster/resources lists no nodes.');
  }
  context.warn(
    `cluster name hidden (needs Sys.Audit on /); records are filed under node "${first}" and node addresses are missing`,
  );
  return { name: first, statusNodes };
}

/** Runs `task` over `items`, at most `limit` at a time, stopping at the first failure. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      if (signal.aborted) throw new AppError('cancelled', 'Proxmox VE sync cancelled.');
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function syncProxmox(
  client: ProxmoxClient,
  context: SyncContext,
  options: ProxmoxSyncOptions = defaultSyncOptions,
): Promise<SourceRecord[]> {
  const { signal } = context;
  const observedAt = new Date(options.now()).toISOString();
  context.progress({ phase: 'cluster', done: 0, total: null, records: 0 });
  const resources = await client.get('/cluster/resources', ClusterResources, signal);
  const guests: GuestResource[] = [];
  const nodes: NodeResource[] = [];
  // `ClusterResources` took every qemu/lxc entry as a guest and every node entry as a node (the
  // catch-all branch refuses those types), so the type tells them apart without parsing again.
  for (const entry of resources) {
    if (entry.type === 'qemu' || entry.type === 'lxc') guests.push(entry as GuestResource);
    else if (entry.type === 'node') nodes.push(entry as NodeResource);
  }
  const cluster = await clusterView(client, nodes, context);

  const records: SourceRecord[] = [];
  const state = newDetailState((message) => {
    context.warn(message);
  }, options.agentTimeoutMs);
  let done = 0;
  const total = guests.length;
  context.progress({ phase: 'guests', done, total, records: 0 });
  await eachLimited(guests, options.concurrency, signal, async (guest) => {
    const externalId = `${cluster.name}/${guest.type}/${guest.vmid}`;
    const previous = context.previous(externalId);
    let details: GuestDetails | null = reusableDetails(
      previous,
      guest,
      options.now(),
      options.reuse,
    );
    if (details === null) {
      details = await fetchGuestDetails(client, guest, state, signal, options.now);
      // A guest whose node is unreachable keeps its last known details rather than losing
      // them; its listing (`unknown`, no name) cannot match the one they were fetched with.
      if (details === null && previous !== undefined) {
        details = state.unreachable.has(guest.node)
          ? lastKnownDetails(previous)
          : reusableDetails(previous, guest, options.now(), {
              ...options.reuse,
              maxAgeMs: Number.POSITIVE_INFINITY,
              bootToleranceMs: Number.POSITIVE_INFINITY,
            });
      }
    }
    records.push(normalizeGuest(cluster.name, guest, details, observedAt));
    done += 1;
    if (done % 50 === 0 || done === total) {
      context.progress({ phase: 'guests', done, total, records: records.length });
    }
  });
  for (const [node, count] of state.unreachable) {
    context.warn(`node ${node} is unreachable; ${count} guest(s) keep their last known details`);
  }
  if (state.gone.length > 0) {
    // By vmid: guests finish in any order, the warning reads the same each time.
    const gone = state.gone.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const sample = gone.slice(0, 3).join(', ');
    const more = state.gone.length > 3 ? ', …' : '';
    context.warn(
      `${state.gone.length} guest(s) were deleted or migrated while the sync ran (${sample}${more}): listed as the cluster showed them when the sync began; the next sync shows where they are now`,
    );
  }
  if (state.configFailures.length > 0) {
    const sample = state.configFailures.slice(0, 3).join('; ');
    context.warn(`${state.configFailures.length} guest config(s) could not be read (${sample})`);
  }

  context.progress({ phase: 'nodes', done: 0, total: nodes.length, records: records.length });
  let nodeStatusForbidden = false;
  for (const node of nodes) {
    const entry = cluster.statusNodes.get(node.node);
    const facts: NodeFacts = {
      resource: node,
      ip: entry?.ip ?? null,
      online:
        entry?.online ??
        (node.status === 'online' ? true : node.status === 'offline' ? false : null),
      status: null,
    };
    if (facts.online === true && !nodeStatusForbidden) {
      const status = await client.attempt(`/nodes/${seg(node.node)}/status`, NodeStatus, signal);
      if (status.ok) facts.status = status.value;
      else if (status.status === 403) {
        nodeStatusForbidden = true;
        context.warn('node details are hidden — the token lacks Sys.Audit on /nodes');
      }
    }
    records.push(normalizeNode(cluster.name, node.node, facts));
  }
  context.progress({
    phase: 'done',
    done: nodes.length,
    total: nodes.length,
    records: records.length,
  });
  return records;
}
