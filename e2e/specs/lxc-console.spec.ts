import { machineById } from '../../lab/fleet';
import { startLab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { TerminalsPage } from '../pages/terminals-page';
import { expect, test } from '../support/fixtures';

test("a Proxmox container's console from the inventory, through its node's SSH profile", async ({
  app,
}) => {
  test.setTimeout(180_000);
  const lab = await startLab({ size: 80, seed: 11 });
  try {
    const { page } = app;
    const manifest = lab.manifest();
    // The lab's SSH profile for a Proxmox node logs in as `root:<node>`.
    const node = manifest.profiles
      .flatMap((p) => (p.connection.kind === 'ssh' ? [p.connection.username] : []))
      .map((user) => /^root:(.+-pve\d+)$/.exec(user)?.[1])
      .find((name) => name !== undefined);
    expect(node).toBeDefined();
    const guest = lab.fleet.proxmox.guests.find(
      (g) => g.node === node && g.type === 'lxc' && g.status === 'running',
    );
    const machine = guest && machineById(lab.fleet, guest.machine);
    if (guest === undefined || machine === undefined) {
      throw new Error(`the lab has no running container on ${node ?? ''}`);
    }

    const profiles = new ProfilesPage(page);
    await profiles.open();
    await page.getByTestId('profiles-import').click();
    await profiles.importFile('lab-manifest.json', JSON.stringify(manifest));
    await profiles.closeImport();
    const inventory = new InventoryPage(page);
    await inventory.syncAll('ok');
    await inventory.open('assets');
    await inventory.query(`kind:container name:${guest.name}`);
    await inventory.openFirst();

    const console = inventory.detail().getByTestId('asset-lxc-console');
    await expect(console).toBeEnabled();
    await expect(console).toHaveAttribute(
      'title',
      new RegExp(`pct enter ${String(guest.vmid)} on ${node ?? ''}`),
    );
    await console.click();

    const terminals = new TerminalsPage(page);
    // The node is checked like any SSH host before its password goes out.
    await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
    await terminals.acceptHostKey('once');
    await terminals.expectState('open');
    // The node was asked first which container has that id (node names repeat across clusters).
    expect(lab.ssh?.commandLog.some((c) => c.command === `pct config ${String(guest.vmid)}`)).toBe(
      true,
    );
    await expect(terminals.tabs().first()).toContainText(
      `CT ${String(guest.vmid)} on ${node ?? ''}`,
    );
    await expect(terminals.screen()).toContainText(`root@${machine.hostname}`, { timeout: 20_000 });
    await terminals.run('hostname');
    await expect
      .poll(() =>
        lab.ssh?.commandLog.find((c) => c.command === 'hostname' && c.via === 'pct-enter'),
      )
      .toMatchObject({ guest: { vmid: guest.vmid, node } });
    // Leaving the container ends the console: no root shell on the node is left in its tab.
    await terminals.typeLine('exit');
    await terminals.expectState('closed');
    await expect(terminals.screen()).not.toContainText(`root@${node ?? ''}:`);
  } finally {
    await lab.close();
  }
});
