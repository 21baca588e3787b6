/**
 * Which lab machines answer SSH, grouped by site. A site is a fleet location (`Berlin` → `ber`);
 * each site gets one listener and a synthetic bastion (`bastion-ber`) that is not part of the
 * inventory, as jump hosts usually are not. Windows guests, decommissioned machines and stopped
 * guests have no SSH.
 */
import { machineById, type Fleet, type Machine, type PveGuest, type RouterDevice } from '../fleet';

export type SshTargetKind = 'linux' | 'pve-node' | 'router' | 'bastion';

export interface SshTarget {
  kind: SshTargetKind;
  /** Short host name, as the prompt shows it. */
  name: string;
  fqdn: string;
  ip: string;
  site: string;
  machine: Machine;
  /** Proxmox cluster of a node, or null. */
  cluster: string | null;
  /** The router record for `router` targets. */
  router: RouterDevice | null;
}

export interface SshSite {
  code: string;
  location: string;
  bastion: SshTarget;
  targets: SshTarget[];
}

export const siteCode = (location: string): string => location.slice(0, 3).toLowerCase();

function bastionMachine(fleet: Fleet, code: string, template: Machine): Machine {
  const octets = template.ip.split('.');
  const ip = `${octets.slice(0, 3).join('.')}.5`;
  const suffix = code.padEnd(3, '0');
  return {
    ...template,
    id: `bastion-${code}`,
    kind: 'qemu',
    role: 'bastion',
    hostname: `bastion-${code}`,
    domain: 'lab.example.com',
    fqdn: `bastion-${code}.lab.example.com`,
    ip,
    mac: `bc:24:11:00:00:${(code.charCodeAt(0) % 256).toString(16).padStart(2, '0')}`,
    interfaces: [
      {
        ifname: 'ens18',
        mac: `bc:24:11:00:00:${(code.charCodeAt(0) % 256).toString(16).padStart(2, '0')}`,
        ip,
        prefix: 24,
        gateway: template.interfaces[0]?.gateway ?? null,
        bridge: null,
        vlan: null,
        dhcp: false,
      },
    ],
    os: { ...template.os, name: 'Debian', version: '12', major: '12', minor: '' },
    machineId: `ba5710${Buffer.from(suffix).toString('hex')}`.padEnd(32, '0'),
    smbiosUuid: null,
    cores: 2,
    memoryMiB: 2048,
    diskGiB: 20,
    bootTime: fleet.now - 41 * 86_400_000,
    formerHostname: null,
    formerIp: null,
    decommissioned: false,
  };
}

function runningGuests(fleet: Fleet): Map<string, PveGuest> {
  const byMachine = new Map<string, PveGuest>();
  for (const guest of fleet.proxmox.guests) byMachine.set(guest.machine, guest);
  return byMachine;
}

/** Every site with an SSH-reachable machine, in location order. */
export function sshSites(fleet: Fleet): SshSite[] {
  const guests = runningGuests(fleet);
  const clusterOf = new Map(fleet.proxmox.nodes.map((n) => [n.machine, n.cluster]));
  const routerOf = new Map(fleet.routeros.devices.map((r) => [r.machine, r]));
  const bySite = new Map<number, SshTarget[]>();
  for (const machine of fleet.machines) {
    if (machine.decommissioned) continue;
    const guest = guests.get(machine.id);
    if (guest && (guest.status !== 'running' || guest.template)) continue;
    const router = routerOf.get(machine.id) ?? null;
    if (!router && !machine.os.linux) continue;
    const location = fleet.locations.find((l) => l.id === machine.locationId);
    if (!location) continue;
    const kind: SshTargetKind = router
      ? 'router'
      : machine.kind === 'pve-node'
        ? 'pve-node'
        : 'linux';
    const list = bySite.get(location.id) ?? [];
    list.push({
      kind,
      name: router?.identity ?? machine.hostname,
      fqdn: machine.fqdn,
      ip: machine.ip,
      site: siteCode(location.name),
      machine,
      cluster: clusterOf.get(machine.id) ?? null,
      router,
    });
    bySite.set(location.id, list);
  }
  const sites: SshSite[] = [];
  for (const location of fleet.locations) {
    const targets = bySite.get(location.id);
    const first = targets?.[0];
    if (!targets || !first) continue;
    const code = siteCode(location.name);
    const machine = bastionMachine(fleet, code, first.machine);
    const bastion: SshTarget = {
      kind: 'bastion',
      name: machine.hostname,
      fqdn: machine.fqdn,
      ip: machine.ip,
      site: code,
      machine,
      cluster: null,
      router: null,
    };
    sites.push({ code, location: location.name, bastion, targets });
  }
  return sites;
}

export type Resolution =
  { ok: true; target: SshTarget } | { ok: false; reason: 'unknown' | 'ambiguous' };

/**
 * Finds a target of a site by short name, FQDN or IPv4 address. Short names that two domains
 * share (a deliberate fleet mess) are ambiguous: the FQDN or the address picks one.
 */
export function resolveTarget(site: SshSite, wanted: string): Resolution {
  const w = wanted.toLowerCase();
  if (w === site.bastion.name || w === site.bastion.fqdn || w === site.bastion.ip) {
    return { ok: true, target: site.bastion };
  }
  const exact = site.targets.filter((t) => t.fqdn === w || t.ip === w);
  if (exact.length === 1 && exact[0]) return { ok: true, target: exact[0] };
  const short = site.targets.filter((t) => t.name.toLowerCase() === w);
  if (short.length === 1 && short[0]) return { ok: true, target: short[0] };
  return { ok: false, reason: short.length > 1 ? 'ambiguous' : 'unknown' };
}

/** The guests of one Proxmox node, for `pct`. */
export function guestsOnNode(fleet: Fleet, node: string): PveGuest[] {
  return fleet.proxmox.guests.filter((g) => g.node === node);
}

export { machineById };
