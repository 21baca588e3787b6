/**
 * Identity from Foreman facts. Fact names depend on the uploader (reference/foreman.md §6.6):
 * Puppet/Facter (`dmi::product::uuid`, `networking::interfaces::eth0::mac`), Ansible
 * (`ansible_product_uuid`, `ansible_machine_id`, `ansible_eth0::macaddress`) and
 * subscription-manager (`dmi.system.uuid`). Facter has no core fact for `/etc/machine-id`; sites
 * add it as `machine_id`.
 */
import type { RecordKind } from '../types';
import {
  addUnique,
  isPlumbingInterface,
  normalizeIp,
  normalizeMac,
  normalizeMachineId,
  normalizeSmbiosUuid,
} from '../identity';

export type Facts = Readonly<Record<string, string | null>>;

const machineIdFacts = ['machine_id', 'machineid', 'ansible_machine_id', 'systemd::machine_id'];
const smbiosFacts = [
  'dmi::product::uuid',
  'dmi::system::uuid',
  'dmi.system.uuid',
  'ansible_product_uuid',
  'uuid',
];
const serialFacts = [
  'dmi::product::serial_number',
  'serialnumber',
  'dmi.system.serial_number',
  'ansible_product_serial',
];

function first(facts: Facts, names: readonly string[]): string | null {
  for (const name of names) {
    const value = facts[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

const junkSerial =
  /^(|0+|none|n\/a|na|default string|to be filled by o\.e\.m\.|system serial number|not specified|not applicable|chassis serial number)$/i;

export function normalizeSerial(value: string | null | undefined): string | null {
  const text = value?.trim() ?? '';
  return junkSerial.test(text) || text.length > 128 ? null : text;
}

export function machineIdFromFacts(facts: Facts): string | null {
  return normalizeMachineId(first(facts, machineIdFacts));
}

export function smbiosUuidFromFacts(facts: Facts): string | null {
  for (const name of smbiosFacts) {
    const uuid = normalizeSmbiosUuid(facts[name]);
    if (uuid !== null) return uuid;
  }
  return null;
}

export function serialFromFacts(facts: Facts): string | null {
  return normalizeSerial(first(facts, serialFacts));
}

/** The interface a flattened fact name belongs to, if any (`networking::interfaces::eth0::mac`). */
function interfaceOf(name: string): string | null {
  const parts = name.split(/::|\./);
  const structured = parts.indexOf('interfaces');
  if (structured >= 0) return parts[structured + 1] ?? null;
  const legacy = /^(?:macaddress|ipaddress6?)_(.+)$/.exec(name);
  if (legacy) return legacy[1] ?? null;
  const ansible = /^ansible_([^:.]+)(?:::|\.)/.exec(name);
  return ansible ? (ansible[1] ?? null) : null;
}

function leaf(name: string): string {
  return name.split(/::|\./).pop() ?? name;
}

function collect(facts: Facts, matches: (leafName: string, name: string) => boolean): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(facts)) {
    if (value === null || !matches(leaf(name), name)) continue;
    const nic = interfaceOf(name);
    if (nic !== null && isPlumbingInterface(nic)) continue;
    values.push(value);
  }
  return values;
}

export function macsFromFacts(facts: Facts, into: string[] = []): string[] {
  addUnique(
    into,
    collect(facts, (l, n) => l === 'mac' || l === 'macaddress' || n.startsWith('macaddress_')),
    normalizeMac,
  );
  return into;
}

export function ipsFromFacts(facts: Facts, into: string[] = []): string[] {
  addUnique(
    into,
    collect(
      facts,
      (l, n) =>
        ['ip', 'ip6', 'ipaddress', 'ipaddress6', 'address'].includes(l) || /^ipaddress6?_/.test(n),
    ),
    normalizeIp,
  );
  return into;
}

const containerTypes = new Set([
  'lxc',
  'docker',
  'openvz',
  'podman',
  'systemd-nspawn',
  'container',
]);

/** From `virtual` / `is_virtual` (Facter) or `ansible_virtualization_*`; null when unknown. */
export function kindFromFacts(facts: Facts): RecordKind | null {
  const virtual = (facts.virtual ?? facts.ansible_virtualization_type ?? '').toLowerCase();
  const role = (facts.ansible_virtualization_role ?? '').toLowerCase();
  if (containerTypes.has(virtual)) return 'container';
  if (virtual === 'physical' || role === 'host') return 'bare-metal';
  if (virtual !== '' || facts.is_virtual === 'true' || role === 'guest') return 'vm';
  return null;
}
