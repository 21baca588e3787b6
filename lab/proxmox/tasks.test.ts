import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUpid, parseUpid } from './tasks';
import { type TestLab, data, startFixture, tokenAuth } from './test-support';

type Obj = Record<string, unknown>;

describe('UPIDs', () => {
  it('formats and parses PVE::UPID strings with the trailing colon', () => {
    const upid = formatUpid({
      node: 'pve1',
      pid: 0x3a1f2,
      pstart: 0x0a1b2c3d,
      starttime: 0x66f1a2b3,
      type: 'vzstart',
      id: '101',
      user: 'svc-desktop@pve!desktop',
    });
    expect(upid).toBe('UPID:pve1:0003A1F2:0A1B2C3D:66F1A2B3:vzstart:101:svc-desktop@pve!desktop:');
    expect(parseUpid(upid)).toMatchObject({
      node: 'pve1',
      pid: 238066,
      starttime: 1727111859,
      id: '101',
    });
    expect(parseUpid('UPID:pve1:zz')).toBeUndefined();
  });
});

describe('Proxmox simulator power actions and tasks', () => {
  let lab: TestLab;
  let root: { token: string };
  beforeAll(async () => {
    lab = await startFixture({ taskDurationMs: 2000 });
    root = tokenAuth(lab.server.rootToken);
  });
  afterAll(async () => {
    await lab.server.close();
  });

  const status = async (node: string, upid: string): Promise<Obj> =>
    data<Obj>(
      await lab.client.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`, root),
    );

  it('starts a container: UPID at once, task running, then stopped OK and the CT running', async () => {
    const r = await lab.client.post('/nodes/pve2/lxc/105/status/start', root);
    expect(r.status).toBe(200);
    const upid = data<string>(r);
    expect(upid).toMatch(
      /^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzstart:105:root@pam!lab:$/,
    );
    const running = await status('pve2', upid);
    expect(running).toMatchObject({
      upid,
      node: 'pve2',
      type: 'vzstart',
      id: '105',
      user: 'root@pam',
      tokenid: 'lab',
      status: 'running',
    });
    expect(running).not.toHaveProperty('exitstatus');
    expect(data<Obj>(await lab.client.get('/nodes/pve2/lxc/105/status/current', root)).status).toBe(
      'stopped',
    );
    lab.clock.now += 2500;
    expect(await status('pve2', upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    const ct = data<Obj>(await lab.client.get('/nodes/pve2/lxc/105/status/current', root));
    expect(ct).toMatchObject({ status: 'running', uptime: 0 });
    lab.clock.now += 10_000;
    expect(data<Obj>(await lab.client.get('/nodes/pve2/lxc/105/status/current', root)).uptime).toBe(
      10,
    );
  });

  it('refuses impossible actions synchronously with 500', async () => {
    const again = await lab.client.post('/nodes/pve1/lxc/101/status/start', root);
    expect(again.status).toBe(500);
    expect(again.statusText).toBe('CT 101 already running');
    const stop = await lab.client.post('/nodes/pve2/qemu/104/status/stop', root);
    expect(stop.statusText).toBe('VM 104 not running');
    const reboot = await lab.client.post('/nodes/pve2/lxc/106/status/reboot', root);
    expect(reboot.statusText).toBe('VM 106 not running');
    const shutdown = await lab.client.post('/nodes/pve2/lxc/106/status/shutdown', root);
    expect(shutdown.statusText).toBe('CT 106 not running');
  });

  it('reports a failing start only in the task exit status', async () => {
    const upid = data<string>(await lab.client.post('/nodes/pve2/lxc/106/status/start', root));
    lab.clock.now += 2500;
    expect(await status('pve2', upid)).toMatchObject({
      status: 'stopped',
      exitstatus: "startup for container '106' failed",
    });
    expect(data<Obj>(await lab.client.get('/nodes/pve2/lxc/106/status/current', root)).status).toBe(
      'stopped',
    );
    const log = await lab.client.get(`/nodes/pve2/tasks/${encodeURIComponent(upid)}/log`, root);
    expect(log.json).toMatchObject({
      total: 2,
      data: [{ n: 1 }, { n: 2, t: "TASK ERROR: startup for container '106' failed" }],
    });
  });

  it('shuts a VM down through qmshutdown', async () => {
    const upid = data<string>(
      await lab.client.post('/nodes/pve2/qemu/103/status/shutdown', root, { timeout: '30' }),
    );
    expect(upid).toContain(':qmshutdown:103:');
    lab.clock.now += 2500;
    expect(await status('pve2', upid)).toMatchObject({ exitstatus: 'OK' });
    expect(
      data<Obj>(await lab.client.get('/nodes/pve2/qemu/103/status/current', root)),
    ).toMatchObject({ status: 'stopped', qmpstatus: 'stopped' });
  });

  it('lists finished tasks of a node, newest first, with total', async () => {
    const r = await lab.client.get('/nodes/pve2/tasks?vmid=105&source=all', root);
    const rows = data<Obj[]>(r);
    expect((r.json as { total: number }).total).toBe(rows.length);
    expect(rows[0]).toMatchObject({
      node: 'pve2',
      type: 'vzstart',
      id: '105',
      user: 'root@pam',
      tokenid: 'lab',
      status: 'OK',
    });
    const failed = data<Obj[]>(await lab.client.get('/nodes/pve2/tasks?errors=1', root));
    expect(failed.map((t) => t.status)).toEqual(["startup for container '106' failed"]);
  });

  it('answers unknown and unparsable UPIDs with 400', async () => {
    const unknown = await lab.client.get(
      `/nodes/pve1/tasks/${encodeURIComponent('UPID:pve1:00000001:00000001:00000001:vzstart:1:root@pam:')}/status`,
      root,
    );
    expect(unknown.status).toBe(400);
    expect((unknown.json as { errors: Obj }).errors).toEqual({ upid: 'no such task' });
    const bad = await lab.client.get('/nodes/pve1/tasks/nonsense/status', root);
    expect((bad.json as { errors: Obj }).errors).toEqual({ upid: 'unable to parse worker upid' });
  });

  it('lets a task owner read it, others only with Sys.Audit on the node', async () => {
    const token = tokenAuth(lab.server.token);
    const upid = data<string>(await lab.client.post('/nodes/pve1/qemu/102/status/reboot', token));
    expect(upid).toContain(':qmreboot:102:svc-rackside@pve!rackside:');
    const own = await lab.client.get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, token);
    expect(data<Obj>(own)).toMatchObject({ user: 'svc-rackside@pve', tokenid: 'rackside' });
    const rootUpid = data<string>(
      await lab.client.post('/nodes/pve1/qemu/100/status/reboot', root),
    );
    const other = await lab.client.get(
      `/nodes/pve1/tasks/${encodeURIComponent(rootUpid)}/status`,
      token,
    );
    expect(other.status).toBe(200);
    await lab.client.put('/access/acl', root, {
      path: '/nodes/pve1',
      roles: 'NoAccess',
      tokens: 'svc-rackside@pve!rackside',
    });
    const denied = await lab.client.get(
      `/nodes/pve1/tasks/${encodeURIComponent(rootUpid)}/status`,
      token,
    );
    expect(denied.status).toBe(403);
    expect(denied.statusText).toBe('Permission check failed (/nodes/pve1, Sys.Audit)');
  });
});
