/** Address and MAC allocation for the fleet: /24 subnets per (location, domain), unique MACs per OUI. */
import { hashSeed } from './prng';
import type { Subnet } from './types';

const HOST_FIRST = 10;
const HOST_LAST = 250;
const DHCP_FIRST = 100;
const DHCP_LAST = 199;

function ipOf(a: number, b: number, c: number, d: number): string {
  return `${a}.${b}.${c}.${d}`;
}

/** Hands out subnets and host addresses. Subnet k is 10.(16 + k/256).(k%256).0/24. */
export class SubnetAllocator {
  readonly subnets: Subnet[] = [];
  private readonly open = new Map<string, { subnet: Subnet; next: number }>();

  constructor(private readonly domainName: (id: number) => string) {}

  /** Allocates the next free address in a subnet of this location and domain. */
  allocate(locationId: number, domainId: number): { ip: string; subnet: Subnet } {
    const key = `${locationId}/${domainId}`;
    let slot = this.open.get(key);
    if (!slot || slot.next > HOST_LAST) {
      slot = { subnet: this.newSubnet(locationId, domainId), next: HOST_FIRST };
      this.open.set(key, slot);
    }
    const ip = hostIp(slot.subnet, slot.next);
    slot.next += 1;
    return { ip, subnet: slot.subnet };
  }

  /** Another free address in the same subnet when there is one (a DHCP lease that moved). */
  allocateIn(subnet: Subnet): string | null {
    const slot = this.open.get(`${subnet.locationId}/${subnet.domainId}`);
    if (slot?.subnet.id !== subnet.id || slot.next > HOST_LAST) return null;
    const ip = hostIp(subnet, slot.next);
    slot.next += 1;
    return ip;
  }

  private newSubnet(locationId: number, domainId: number): Subnet {
    const k = this.subnets.length;
    const b = 16 + Math.floor(k / 256);
    const c = k % 256;
    const domain = this.domainName(domainId).split('.')[0] ?? 'net';
    const subnet: Subnet = {
      id: k + 1,
      name: `${domain}-v4-${String(k + 1).padStart(3, '0')}`,
      network: ipOf(10, b, c, 0),
      cidr: 24,
      mask: '255.255.255.0',
      gateway: ipOf(10, b, c, 1),
      dnsPrimary: ipOf(10, b, c, 1),
      from: ipOf(10, b, c, DHCP_FIRST),
      to: ipOf(10, b, c, DHCP_LAST),
      vlanid: 100 + (k % 3900),
      domainId,
      locationId,
    };
    this.subnets.push(subnet);
    return subnet;
  }
}

function hostIp(subnet: Subnet, host: number): string {
  return subnet.network.replace(/\.0$/, `.${host}`);
}

/** True when the address lies in the DHCP range (`.100`–`.199`) every lab subnet uses. */
export function inDhcpRange(ip: string): boolean {
  const last = Number(ip.slice(ip.lastIndexOf('.') + 1));
  return last >= DHCP_FIRST && last <= DHCP_LAST;
}

/** Unique MACs per OUI: a bijective scramble of a counter, so neighbours do not look sequential. */
export class MacAllocator {
  private readonly counters = new Map<string, number>();

  constructor(private readonly salt: number) {}

  next(oui: string): string {
    const n = this.counters.get(oui) ?? 0;
    this.counters.set(oui, n + 1);
    const v = (Math.imul(n, 0x3c6ef35) ^ this.salt ^ hashSeed(oui)) & 0xffffff;
    const hex = v.toString(16).padStart(6, '0');
    return `${oui}:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
  }
}

export const PROXMOX_OUI = 'bc:24:11';
export const MIKROTIK_OUI = '48:8f:5a';
