import { z } from 'zod';
import type { PreviousRecord } from '../types';
import type { GuestDetails } from './normalize';
import { AgentInterface, GuestConfig, GuestResource, LxcInterfaces } from './schemas';

/**
 * Deciding, from `/cluster/resources` alone, whether a guest's details (config, interfaces,
 * agent addresses) can be taken from the previous sync instead of being fetched again. Fetching
 * the config *is* the detail request, so its `digest` cannot be the test; instead the cheap
 * listing fields that change with anything we show must be equal, the guest must not have
 * rebooted (its boot time, now − uptime, is stable within a tolerance) and the details must be
 * younger than a maximum age, which bounds how long a hot-plugged NIC or a new DHCP lease can
 * go unnoticed.
 */

export interface ReuseOptions {
  /** Details older than this are fetched again even when nothing changed (default 6 h). */
  maxAgeMs: number;
  /** How far two computed boot times may differ and still be the same boot (default 120 s). */
  bootToleranceMs: number;
}

export const defaultReuse: ReuseOptions = { maxAgeMs: 6 * 3600_000, bootToleranceMs: 120_000 };

const StoredGuest = z.looseObject({
  resource: GuestResource,
  config: GuestConfig.nullable(),
  interfaces: z.union([LxcInterfaces, z.array(AgentInterface)]).nullable(),
  interfacesNote: z.string().nullable(),
  detailsFetchedAt: z.iso.datetime().nullable(),
  observedAt: z.iso.datetime(),
});

const compared = ['node', 'status', 'name', 'tags', 'pool', 'template', 'lock', 'type'] as const;

function bootTime(resource: GuestResource, observedAt: number): number | null {
  return resource.status === 'running' && resource.uptime !== undefined
    ? observedAt - resource.uptime * 1000
    : null;
}

/** What the previous sync stored of a guest: its listing then, and the details it fetched. */
interface Stored {
  resource: GuestResource;
  observedAt: string;
  details: GuestDetails;
}

function stored(previous: PreviousRecord | undefined): Stored | null {
  if (previous === undefined) return null;
  const parsed = StoredGuest.safeParse(previous.raw);
  if (!parsed.success) return null;
  const old = parsed.data;
  if (old.config === null || old.detailsFetchedAt === null) return null;
  return {
    resource: old.resource,
    observedAt: old.observedAt,
    details: {
      config: old.config,
      interfaces: old.interfaces,
      interfacesNote: old.interfacesNote,
      fetchedAt: old.detailsFetchedAt,
    },
  };
}

/**
 * The details the previous sync fetched, whatever the listing says now: for a guest whose node
 * cannot be reached. Its listing is then `unknown`, without name or stats (reference §5.3), so
 * nothing in it can be compared; the last known config and addresses are all there is.
 */
export function lastKnownDetails(previous: PreviousRecord | undefined): GuestDetails | null {
  return stored(previous)?.details ?? null;
}

export function reusableDetails(
  previous: PreviousRecord | undefined,
  resource: GuestResource,
  now: number,
  options: ReuseOptions = defaultReuse,
): GuestDetails | null {
  const old = stored(previous);
  if (old === null) return null;
  const fetchedAt = Date.parse(old.details.fetchedAt);
  if (!(now - fetchedAt < options.maxAgeMs)) return null;
  for (const key of compared) if (old.resource[key] !== resource[key]) return null;
  const before = bootTime(old.resource, Date.parse(old.observedAt));
  const after = bootTime(resource, now);
  if ((before === null) !== (after === null)) return null;
  if (before !== null && after !== null && Math.abs(before - after) > options.bootToleranceMs) {
    return null;
  }
  return old.details;
}
