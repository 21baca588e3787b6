import { describe, expect, it } from 'vitest';
import { foremanFacts, generateFleet, groundTruth, machineById, patchmonPackages } from '.';

const fleet = generateFleet({ size: 1000, seed: 7 });
const byId = (id: string) => machineById(fleet, id)!;

describe('fleet generation', () => {
  it('is deterministic: the same seed gives the same fleet, another seed another', () => {
    const again = generateFleet({ size: 1000, seed: 7 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(fleet));
    const other = generateFleet({ size: 1000, seed: 8 });
    expect(other.machines.map((m) => m.mac)).not.toEqual(fleet.machines.map((m) => m.mac));
  });

  it('has exactly `size` machines, from 10 to 100 000, quickly', () => {
    expect(fleet.machines).toHaveLength(1000);
    expect(generateFleet({ size: 10, seed: 1 }).machines).toHaveLength(10);
    expect(() => generateFleet({ size: 9, seed: 1 })).toThrow(RangeError);
    const started = performance.now();
    const big = generateFleet({ size: 100_000, seed: 3 });
    expect(big.machines).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('keeps MACs, FQDNs and VMIDs unique', () => {
    const macs = fleet.machines.flatMap((m) => m.interfaces.map((i) => i.mac));
    expect(new Set(macs).size).toBe(macs.length);
    const fqdns = fleet.machines.filter((m) => !m.decommissioned).map((m) => m.fqdn);
    expect(new Set(fqdns).size).toBe(fqdns.length);
    const vmids = fleet.proxmox.guests.map((g) => `${g.cluster}/${g.vmid}`);
    expect(new Set(vmids).size).toBe(vmids.length);
    const foremanNames = fleet.foreman.hosts.map((h) => h.name);
    expect(new Set(foremanNames).size).toBe(foremanNames.length);
  });

  it('describes the same machine consistently in every system', () => {
    for (const g of fleet.proxmox.guests) {
      const m = byId(g.machine);
      expect(g.name).toBe(m.hostname);
      expect(g.interfaces[0]!.mac).toBe(m.mac);
      expect(g.interfaces[0]!.ip).toBe(m.ip);
    }
    for (const h of fleet.foreman.hosts) {
      const m = byId(h.machine);
      expect(h.mac).toBe(m.mac);
      expect(h.ip).toBe(m.formerIp ?? m.ip);
      expect(h.name).toBe(`${m.formerHostname ?? m.hostname}.${m.domain}`);
      const facts = foremanFacts(fleet, h);
      if (h.hasFacts) {
        expect(facts.machine_id).toBe(m.machineId);
        expect(facts['networking::mac']).toBe(m.mac);
        if (m.smbiosUuid) expect(facts['dmi::product::uuid']).toBe(m.smbiosUuid.toUpperCase());
        expect(Object.values(facts).every((v) => typeof v === 'string')).toBe(true);
      }
    }
    for (const h of fleet.patchmon.hosts) {
      const m = byId(h.machine);
      expect(h.friendlyName).toBe(m.formerHostname ?? m.hostname);
      if (h.status === 'active') expect(h.reportedMachineId).toBe(m.machineId);
      else expect(h.reportedMachineId).toMatch(/^pending-/);
    }
    for (const d of fleet.routeros.devices) {
      const m = byId(d.machine);
      expect(d.identity).toBe(m.hostname);
      expect(d.interfaces[0]!.mac).toBe(m.mac.toUpperCase());
      expect(d.addresses[0]!.address).toBe(`${m.ip}/24`);
    }
  });

  it('contains the messes real fleets have', () => {
    const guests = new Set(fleet.proxmox.guests.map((g) => g.machine));
    const inForeman = new Set(fleet.foreman.hosts.map((h) => h.machine));
    const inPatchmon = new Set(fleet.patchmon.hosts.map((h) => h.machine));
    expect([...guests].some((id) => !inForeman.has(id))).toBe(true);
    expect([...guests].some((id) => !inPatchmon.has(id) && byId(id).os.linux)).toBe(true);
    expect(fleet.machines.some((m) => m.formerHostname !== null)).toBe(true);
    expect(fleet.machines.some((m) => m.formerIp !== null)).toBe(true);
    const stale = fleet.patchmon.hosts.filter((h) => fleet.now - h.lastUpdate > 2 * 3_600_000);
    expect(stale.length).toBeGreaterThan(0);
    expect(fleet.patchmon.hosts.some((h) => byId(h.machine).decommissioned)).toBe(true);
    const domainsByShort = new Map<string, Set<string>>();
    for (const m of fleet.machines) {
      const set = domainsByShort.get(m.hostname) ?? new Set<string>();
      set.add(m.domain);
      domainsByShort.set(m.hostname, set);
    }
    expect([...domainsByShort.values()].some((s) => s.size > 1)).toBe(true);
  });

  it('exports ground truth naming every record exactly once', () => {
    const truth = groundTruth(fleet);
    expect(truth).toHaveLength(fleet.machines.length);
    expect(truth.every((e) => e.records.length > 0)).toBe(true);
    const ids = truth.flatMap((e) => e.records.map((r) => `${r.system}:${r.externalId}`));
    expect(new Set(ids).size).toBe(ids.length);
    const expected =
      fleet.proxmox.guests.length +
      fleet.proxmox.nodes.length +
      fleet.foreman.hosts.length +
      fleet.patchmon.hosts.length +
      fleet.routeros.devices.length;
    expect(ids).toHaveLength(expected);
    const guest = fleet.proxmox.guests[0]!;
    expect(ids).toContain(`proxmox:${guest.cluster}/${guest.type}/${guest.vmid}`);
  });

  it('derives package lists matching the PatchMon counts', () => {
    const host = fleet.patchmon.hosts.find((h) => h.updatesCount > 0)!;
    const pkgs = patchmonPackages(host);
    expect(pkgs).toHaveLength(host.totalPackages);
    expect(pkgs.filter((p) => p.needsUpdate)).toHaveLength(host.updatesCount);
    expect(pkgs.filter((p) => p.isSecurityUpdate)).toHaveLength(host.securityUpdatesCount);
    expect(patchmonPackages(host)).toEqual(pkgs);
  });
});
