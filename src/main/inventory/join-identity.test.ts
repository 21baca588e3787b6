import { describe, expect, it } from 'vitest';
import { generateFleet, type Fleet } from '../../../lab/fleet';
import { fleetStore } from '../sync/test-fleet';
import { InventoryService } from './inventory-service';

describe('a hand join', () => {
  it('lets go of a Proxmox record whose VMID was given to another machine, and keeps the rest', async () => {
    let fleet: Fleet = generateFleet({ size: 40, seed: 5 });
    const { store, engine } = await fleetStore(() => fleet);
    await engine.sync('all');
    const inventory = new InventoryService(store.db, () => engine.freshness());
    // A VM only Proxmox knows, joined by hand to a PatchMon host: the join names its record.
    const guests = new Map(fleet.proxmox.guests.map((g) => [g.name, g]));
    const vm = inventory
      .query({ query: 'kind:vm source:proxmox -source:foreman -source:patchmon', limit: 50 })
      .rows.find((row) => guests.get(row.name)?.smbiosUuid != null);
    const other = inventory.query({ query: 'source:patchmon -source:proxmox', limit: 1 }).rows[0];
    if (vm === undefined || other === undefined) throw new Error('missing assets');
    const guest = guests.get(vm.name);
    if (guest === undefined) throw new Error('no guest');
    const joined = await inventory.join([vm.id, other.id]);
    const joins = (): unknown =>
      store.db.prepare("SELECT count(*) FROM link_overrides WHERE kind = 'join'").pluck().get();
    const before = Number(joins());
    const pveLink = joined.links.find((l) => l.system === 'proxmox');
    if (pveLink === undefined) throw new Error('the join has no Proxmox record');

    // A re-sync of the same machines keeps the join.
    await engine.sync('all');
    expect(inventory.asset(joined.asset.id).links.map((l) => l.externalId)).toContain(
      pveLink.externalId,
    );

    // The guest destroyed and its VMID given to a new VM: new name, SMBIOS UUID and MACs.
    fleet = structuredClone(fleet);
    const reused = fleet.proxmox.guests.find((g) => g.vmid === guest.vmid && g.node === guest.node);
    if (reused === undefined) throw new Error('the guest went');
    reused.name = 'brandnew-vm';
    reused.smbiosUuid = '0e4b1c2d-0000-4000-8000-00000000beef';
    reused.interfaces = reused.interfaces.map((nic, i) => ({
      ...nic,
      mac: `BC:24:11:EE:00:${String(10 + i)}`,
      ip: null,
    }));
    await engine.sync('all');
    const now = inventory.query({ query: 'brandnew-vm', limit: 5 }).rows;
    expect(now.map((row) => row.name)).toEqual(['brandnew-vm']);
    const detail = inventory.asset(now[0]?.id ?? -1);
    // The new VM stands alone, not glued to the PatchMon host the old one was joined to.
    expect(detail.links.map((l) => l.system)).toEqual(['proxmox']);
    expect(joins()).toBe(before - 1);
    const host = inventory.query({ query: `name:${other.name}`, limit: 1 }).rows[0];
    expect(host?.systems).toEqual(['patchmon']);
    store.close();
  });
});
