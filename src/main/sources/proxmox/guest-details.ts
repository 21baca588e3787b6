import { isHttpError } from '../../net/errors';
import { serverMessage } from '../../net/failures';
import type { HttpResponse } from '../../net/http-client';
import type { ProxmoxClient } from './client';
import { seg } from './client';
import type { GuestDetails } from './normalize';
import { agentEnabled } from './property-string';
import { AgentNetwork, GuestConfig, type GuestResource, LxcInterfaces } from './schemas';

/** The warning the issue asks for when agent addresses are forbidden. */
export const noGuestIpsWarning = 'no guest IPs — the token lacks VM.Monitor / VM.GuestAgent.Audit';

/**
 * Why a running container has no live interfaces when the server cannot list them for any of
 * its containers. Every container of that server gets the same words, whether its own request
 * was answered so or skipped because an earlier one was; its addresses then come from its
 * config (static `ip=` settings of its `net*` lines).
 */
export const lxcInterfacesNotes = {
  /** The `interfaces` endpoint exists since PVE 8.1; older servers answer 501. */
  unsupported:
    "this Proxmox VE version (before 8.1) cannot list a container's interfaces; addresses come from its config",
  /** 403: the endpoint needs VM.Audit on /vms/{vmid} (reference §4). */
  forbidden:
    'the token lacks VM.Audit on the container, which listing its interfaces needs; addresses come from its config',
} as const;

/**
 * Things learned while fetching details that apply to the whole sync: a privilege that is
 * missing for one guest is missing for all of them, so the request is not repeated.
 */
export interface DetailState {
  agentForbidden: boolean;
  interfacesUnsupported: boolean;
  interfacesForbidden: boolean;
  configForbidden: boolean;
  /** Nodes whose guests could not be read (offline, unreachable) → guest count. */
  unreachable: Map<string, number>;
  /** Guests gone from their node while the sync ran (deleted or migrated): `116 on pve1`. */
  gone: string[];
  /** Guests whose config could not be read for another reason. */
  configFailures: string[];
  /** How long a QEMU guest agent may take before its VM is listed without addresses. */
  agentTimeoutMs: number;
  /** Keys of one-shot warnings already given. */
  warned: Set<string>;
  warn(message: string): void;
}

/** Concurrent guests may hit the same missing privilege; the person hears about it once. */
function warnOnce(state: DetailState, key: string, message: string): void {
  if (state.warned.has(key)) return;
  state.warned.add(key);
  state.warn(message);
}

export function newDetailState(
  warn: (message: string) => void,
  agentTimeoutMs = defaultAgentTimeoutMs,
): DetailState {
  return {
    agentTimeoutMs,
    agentForbidden: false,
    interfacesUnsupported: false,
    interfacesForbidden: false,
    configForbidden: false,
    unreachable: new Map(),
    gone: [],
    configFailures: [],
    warned: new Set(),
    warn,
  };
}

/** 595/596 are pveproxy's "cannot reach that node"; 500 "hostname lookup" the same. */
function nodeUnreachable(status: number): boolean {
  return status === 595 || status === 596;
}

export const defaultAgentTimeoutMs = 10_000;

const configMissing = /Configuration file '[^']*' does not exist/i;

/**
 * Proxmox VE's answer for a guest that is no longer on the node asked, deleted or migrated since
 * `/cluster/resources` listed it: 500 "Configuration file 'nodes/pve1/qemu-server/116.conf' does
 * not exist", in the reason phrase and, since PVE 8.4, in the body. Asking again cannot change
 * it, so it is not retried; any other 500 still is.
 */
export function guestGone(response: Omit<HttpResponse, 'attempts'>): boolean {
  if (response.status !== 500) return false;
  return (
    configMissing.test(response.statusText ?? '') || configMissing.test(serverMessage(response))
  );
}

function guestPath(guest: GuestResource): string {
  return `/nodes/${seg(guest.node)}/${guest.type}/${seg(guest.vmid)}`;
}

function noteGone(state: DetailState, guest: GuestResource): void {
  state.gone.push(`${guest.vmid} on ${guest.node}`);
}

/**
 * Config plus live interfaces of one guest. Returns null when not even the config could be
 * read (the record then carries only what `/cluster/resources` says).
 */
export async function fetchGuestDetails(
  client: ProxmoxClient,
  guest: GuestResource,
  state: DetailState,
  signal: AbortSignal,
  now: () => number,
): Promise<GuestDetails | null> {
  if (state.configForbidden) return null;
  // Errors name the guest's own path: a person reads which node and guest answered so.
  const path = `${guestPath(guest)}/config`;
  const config = await client.attempt(path, GuestConfig, signal, path, guestGone);
  if (!config.ok) {
    if (guestGone(config.response)) {
      noteGone(state, guest);
    } else if (config.status === 403) {
      state.configForbidden = true;
      warnOnce(
        state,
        'config',
        `guest configs are hidden (${config.message || '403'}) — MACs and IP settings are missing; the token needs VM.Audit on /vms`,
      );
    } else if (nodeUnreachable(config.status)) {
      state.unreachable.set(guest.node, (state.unreachable.get(guest.node) ?? 0) + 1);
    } else {
      state.configFailures.push(`${guest.vmid}: ${config.message || String(config.status)}`);
    }
    return null;
  }
  const fetchedAt = new Date(now()).toISOString();
  const details: GuestDetails = {
    config: config.value,
    interfaces: null,
    interfacesNote: null,
    fetchedAt,
  };
  if (guest.status !== 'running') {
    details.interfacesNote = 'stopped';
    return details;
  }
  if (guest.type === 'lxc') await lxcInterfaces(client, guest, details, state, signal);
  else await agentInterfaces(client, guest, details, state, signal);
  return details;
}

async function lxcInterfaces(
  client: ProxmoxClient,
  guest: GuestResource,
  details: GuestDetails,
  state: DetailState,
  signal: AbortSignal,
): Promise<void> {
  if (state.interfacesUnsupported) {
    details.interfacesNote = lxcInterfacesNotes.unsupported;
    return;
  }
  if (state.interfacesForbidden) {
    details.interfacesNote = lxcInterfacesNotes.forbidden;
    return;
  }
  const path = `${guestPath(guest)}/interfaces`;
  const outcome = await client.attempt(path, LxcInterfaces, signal, path, guestGone);
  if (outcome.ok) {
    details.interfaces = outcome.value;
    if (outcome.value === null) details.interfacesNote = 'stopped';
    return;
  }
  if (outcome.status === 501) {
    state.interfacesUnsupported = true;
    details.interfacesNote = lxcInterfacesNotes.unsupported;
    return;
  }
  if (outcome.status === 403) {
    state.interfacesForbidden = true;
    details.interfacesNote = lxcInterfacesNotes.forbidden;
    warnOnce(
      state,
      'interfaces',
      'container interfaces hidden — the token lacks VM.Audit on the containers; their addresses come from their configs',
    );
    return;
  }
  details.interfacesNote = outcome.message || `HTTP ${outcome.status}`;
  if (guestGone(outcome.response)) noteGone(state, guest);
}

async function agentInterfaces(
  client: ProxmoxClient,
  guest: GuestResource,
  details: GuestDetails,
  state: DetailState,
  signal: AbortSignal,
): Promise<void> {
  if (details.config === null || !agentEnabled(details.config)) {
    details.interfacesNote = 'no guest agent configured';
    return;
  }
  if (state.agentForbidden) {
    details.interfacesNote = 'forbidden';
    return;
  }
  const timeout = AbortSignal.timeout(state.agentTimeoutMs);
  try {
    const path = `${guestPath(guest)}/agent/network-get-interfaces`;
    const outcome = await client.attempt(
      path,
      AgentNetwork,
      AbortSignal.any([signal, timeout]),
      path,
      // 500 "QEMU guest agent is not running" is the answer for this VM, not a passing failure:
      // retrying it only keeps the guest's worker waiting through the backoff.
      [500],
    );
    if (outcome.ok) {
      const result = outcome.value.result;
      if (Array.isArray(result)) details.interfaces = result;
      else details.interfacesNote = `agent error ${result.error.class ?? ''}`.trim();
      return;
    }
    // 500 "QEMU guest agent is not running" and its siblings: no addresses, not an error.
    details.interfacesNote = outcome.message || `HTTP ${outcome.status}`;
    if (guestGone(outcome.response)) noteGone(state, guest);
    if (outcome.status === 403) {
      details.interfacesNote = 'forbidden';
      state.agentForbidden = true;
      warnOnce(state, 'agent', noGuestIpsWarning);
    }
  } catch (error) {
    // A guest agent that never answers leaves this VM without addresses; the sync goes on.
    if (!signal.aborted && timeout.aborted && isHttpError(error, 'cancelled')) {
      details.interfacesNote = `guest agent did not answer within ${state.agentTimeoutMs / 1000} s`;
      return;
    }
    throw error;
  }
}
