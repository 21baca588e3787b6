import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionEngine } from './acl';
import { AccessStore } from './access-store';
import { type TestLab, data, startFixture, tokenAuth } from './test-support';

type Obj = Record<string, unknown>;

describe('ACL evaluation', () => {
  const setup = (): { store: AccessStore; perms: PermissionEngine } => {
    const store = new AccessStore(8);
    store.addUser({ userid: 'alice@pve', enable: true, expire: 0 });
    store.addUser({ userid: 'bob@pve', enable: true, expire: 0, groups: ['ops'] });
    return { store, perms: new PermissionEngine(store) };
  };

  it('propagates down the tree; deeper entries replace shallower ones', () => {
    const { store, perms } = setup();
    store.setAcl('/', 'users', 'alice@pve', 'PVEAuditor', true);
    expect(perms.has('alice@pve', '/vms/101', 'VM.Audit')).toBe(true);
    store.setAcl('/vms/101', 'users', 'alice@pve', 'PVEVMUser', true);
    expect(perms.has('alice@pve', '/vms/101', 'VM.PowerMgmt')).toBe(true);
    expect(perms.has('alice@pve', '/vms/101', 'Sys.Audit')).toBe(false);
    expect(perms.has('alice@pve', '/vms/102', 'VM.PowerMgmt')).toBe(false);
  });

  it('applies propagate=0 only to the exact path and NoAccess cancels everything', () => {
    const { store, perms } = setup();
    store.setAcl('/vms', 'users', 'alice@pve', 'PVEAuditor', false);
    expect(perms.permissions('alice@pve', '/vms').get('VM.Audit')).toBe(0);
    expect(perms.has('alice@pve', '/vms/101', 'VM.Audit')).toBe(false);
    store.setAcl('/', 'users', 'alice@pve', 'PVEAuditor', true);
    store.setAcl('/nodes', 'users', 'alice@pve', 'NoAccess', true);
    expect(perms.permissions('alice@pve', '/nodes/pve1').size).toBe(0);
  });

  it('lets user entries override group entries on the same path', () => {
    const { store, perms } = setup();
    store.setAcl('/', 'groups', 'ops', 'PVEAdmin', true);
    expect(perms.has('bob@pve', '/vms/1', 'VM.Allocate')).toBe(true);
    store.setAcl('/', 'users', 'bob@pve', 'PVEAuditor', true);
    expect(perms.has('bob@pve', '/vms/1', 'VM.Allocate')).toBe(false);
  });

  it('grants pool roles on member guests without propagation', () => {
    const { store, perms } = setup();
    store.pools.set('infra', { vms: new Set([101]), storage: new Set() });
    store.setAcl('/pool/infra', 'users', 'alice@pve', 'PVEVMUser', true);
    expect(perms.permissions('alice@pve', '/vms/101').get('VM.PowerMgmt')).toBe(0);
    expect(perms.has('alice@pve', '/vms/102', 'VM.PowerMgmt')).toBe(false);
  });

  it('intersects privilege-separated tokens with their user; privsep=0 inherits', () => {
    const { store, perms } = setup();
    store.addToken('alice@pve', 'sep', { privsep: true, expire: 0 });
    store.addToken('alice@pve', 'full', { privsep: false, expire: 0 });
    store.setAcl('/', 'users', 'alice@pve', 'PVEAuditor', true);
    expect(perms.permissions('alice@pve!sep', '/').size).toBe(0);
    expect(perms.has('alice@pve!full', '/', 'Sys.Audit')).toBe(true);
    store.setAcl('/', 'tokens', 'alice@pve!sep', 'Administrator', true);
    expect(perms.has('alice@pve!sep', '/vms/1', 'VM.Audit')).toBe(true);
    expect(perms.has('alice@pve!sep', '/vms/1', 'VM.PowerMgmt')).toBe(false);
  });

  it('gives root@pam everything and its privsep tokens only their own ACLs', () => {
    const store = new AccessStore(9);
    const perms = new PermissionEngine(store);
    store.addToken('root@pam', 'sep', { privsep: true, expire: 0 });
    expect(perms.has('root@pam', '/', 'Permissions.Modify')).toBe(true);
    expect(perms.permissions('root@pam!sep', '/').size).toBe(0);
    store.setAcl('/', 'tokens', 'root@pam!sep', 'PVEAuditor', true);
    expect(perms.has('root@pam!sep', '/vms/5', 'VM.GuestAgent.Audit')).toBe(true);
  });
});

describe('Proxmox simulator access management', () => {
  let lab: TestLab;
  let root: { token: string };
  beforeAll(async () => {
    lab = await startFixture();
    root = tokenAuth(lab.server.rootToken);
  });
  afterAll(async () => {
    await lab.server.close();
  });

  it('creates users and tokens; the secret appears once', async () => {
    expect(
      (
        await lab.client.post('/access/users', root, {
          userid: 'svc-desktop@pve',
          comment: 'desktop',
        })
      ).json,
    ).toEqual({ data: null });
    const dup = await lab.client.post('/access/users', root, { userid: 'svc-desktop@pve' });
    expect(dup.status).toBe(500);
    expect(dup.statusText).toBe("create user failed: user 'svc-desktop@pve' already exists");
    const created = await lab.client.post('/access/users/svc-desktop@pve/token/desktop', root, {
      privsep: '1',
      comment: 'desktop client',
    });
    const d = data<Obj>(created);
    expect(d).toEqual({
      'full-tokenid': 'svc-desktop@pve!desktop',
      info: { privsep: '1', comment: 'desktop client' },
      value: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ) as unknown,
    });
    const list = await lab.client.get('/access/users/svc-desktop@pve/token', root);
    expect(data(list)).toEqual([
      { tokenid: 'desktop', privsep: 1, expire: 0, comment: 'desktop client' },
    ]);
    expect(list.text).not.toContain(d.value as string);
    const one = await lab.client.get('/access/users/svc-desktop@pve/token/desktop', root);
    expect(data(one)).toEqual({ privsep: 1, expire: 0, comment: 'desktop client' });
    const again = await lab.client.post('/access/users/svc-desktop@pve/token/desktop', root);
    expect(again.status).toBe(400);
    expect((again.json as { errors: Obj }).errors).toEqual({ tokenid: 'Token already exists.' });
    const users = data<Obj[]>(await lab.client.get('/access/users?full=1', root));
    const entry = users.find((u) => u.userid === 'svc-desktop@pve')!;
    expect(entry).toMatchObject({ enable: 1, expire: 0, comment: 'desktop', 'realm-type': 'pve' });
    expect(entry.tokens).toEqual([
      { tokenid: 'desktop', privsep: 1, expire: 0, comment: 'desktop client' },
    ]);
  });

  it('gives a fresh privsep token no rights until token ACLs are added (intersected with the user)', async () => {
    await lab.client.post('/access/users', root, { userid: 'sep@pve' });
    const secret = data<{ value: string }>(
      await lab.client.post('/access/users/sep@pve/token/tk', root),
    ).value;
    const token = { header: `PVEAPIToken=sep@pve!tk=${secret}` };
    expect(data<Obj[]>(await lab.client.get('/cluster/resources?type=vm', token))).toEqual([]);
    const status = await lab.client.get('/cluster/status', token);
    expect(status.status).toBe(403);
    expect(status.statusText).toBe('Permission check failed (/, Sys.Audit)');
    expect(status.json).toEqual({
      data: null,
      message: 'Permission check failed (/, Sys.Audit)\n',
    });
    await lab.client.put('/access/acl', root, {
      path: '/',
      roles: 'PVEAuditor',
      tokens: 'sep@pve!tk',
    });
    expect((await lab.client.get('/cluster/status', token)).status).toBe(403);
    await lab.client.put('/access/acl', root, {
      path: '/vms',
      roles: 'PVEVMAdmin',
      users: 'sep@pve',
    });
    const vms = data<Obj[]>(await lab.client.get('/cluster/resources?type=vm', token));
    expect(vms.length).toBeGreaterThan(0);
    const power = await lab.client.post('/nodes/pve1/lxc/101/status/reboot', token);
    expect(power.status).toBe(403);
    expect(power.statusText).toBe('Permission check failed (/vms/101, VM.PowerMgmt)');
    const perms = data<Obj>(await lab.client.get('/access/permissions', token));
    expect(perms['/vms']).toEqual({ 'VM.Audit': 1 });
    expect(perms).not.toHaveProperty('/');
  });

  it('answers the guest-agent call with 403 without VM.Monitor (PVE 8)', async () => {
    const path = '/nodes/pve1/qemu/100/agent/network-get-interfaces';
    const r = await lab.client.get(path, tokenAuth(lab.server.auditorToken));
    expect(r.status).toBe(403);
    expect(r.statusText).toBe('Permission check failed (/vms/100, VM.Monitor)');
    expect((await lab.client.get(path, tokenAuth(lab.server.token))).status).toBe(200);
  });

  it('filters lists silently and strips node stats without Sys.Audit', async () => {
    await lab.client.post('/access/users', root, { userid: 'vmonly@pve' });
    const secret = data<{ value: string }>(
      await lab.client.post('/access/users/vmonly@pve/token/tk', root, { privsep: '0' }),
    ).value;
    await lab.client.put('/access/acl', root, {
      path: '/vms/101',
      roles: 'PVEAuditor',
      users: 'vmonly@pve',
    });
    const token = { header: `PVEAPIToken=vmonly@pve!tk=${secret}` };
    const lxc = data<Obj[]>(await lab.client.get('/nodes/pve1/lxc', token));
    expect(lxc.map((e) => e.vmid)).toEqual([101]);
    expect(data<Obj[]>(await lab.client.get('/nodes/pve1/qemu', token))).toEqual([]);
    const nodes = data<Obj[]>(await lab.client.get('/nodes', token));
    expect(nodes.find((n) => n.node === 'pve1')).toEqual({
      id: 'node/pve1',
      type: 'node',
      node: 'pve1',
      status: 'online',
      ssl_fingerprint: lab.server.fingerprint,
    });
    expect((await lab.client.get('/nodes/pve1/status', token)).statusText).toBe(
      'Permission check failed (/nodes/pve1, Sys.Audit)',
    );
    expect((await lab.client.get('/nodes/pve1/apt/update', token)).statusText).toBe(
      'Permission check failed (/nodes/pve1, Sys.Modify)',
    );
  });

  it('validates ACL updates as pve-access-control does', async () => {
    const none = await lab.client.put('/access/acl', root, { path: '/', roles: 'PVEAuditor' });
    const msg = "either 'users', 'groups' or 'tokens' is required.";
    expect((none.json as { errors: Obj }).errors).toEqual({ users: msg, groups: msg, tokens: msg });
    const badPath = await lab.client.put('/access/acl', root, {
      path: '/bogus',
      roles: 'PVEAuditor',
      users: 'monitor@pve',
    });
    expect((badPath.json as { errors: Obj }).errors).toEqual({ path: "invalid ACL path '/bogus'" });
    const badRole = await lab.client.put('/access/acl', root, {
      path: '/',
      roles: 'Nope',
      users: 'monitor@pve',
    });
    expect(badRole.status).toBe(500);
    expect(badRole.statusText).toBe("ACL update failed: role 'Nope' does not exist");
    const badUser = await lab.client.put('/access/acl', root, {
      path: '/',
      roles: 'PVEAuditor',
      users: 'ghost@pve',
    });
    expect(badUser.statusText).toBe("ACL update failed: user 'ghost@pve' does not exist");
    const badToken = await lab.client.put('/access/acl', root, {
      path: '/',
      roles: 'PVEAuditor',
      tokens: 'monitor@pve!xx',
    });
    expect(badToken.statusText).toBe(
      "ACL update failed: no such token 'xx' for user 'monitor@pve'",
    );
    const notAllowed = await lab.client.put('/access/acl', tokenAuth(lab.server.token), {
      path: '/vms/101',
      roles: 'PVEAuditor',
      users: 'monitor@pve',
    });
    expect(notAllowed.status).toBe(403);
    expect(notAllowed.statusText).toBe(
      'Permission check failed (/vms/101, Permissions.Modify|VM.Allocate)',
    );
  });

  it('refuses to grant a role the caller does not fully hold without Permissions.Modify', async () => {
    await lab.client.post('/access/users', root, { userid: 'vmadmin@pve' });
    await lab.client.put('/access/acl', root, {
      path: '/vms',
      roles: 'PVEVMAdmin',
      users: 'vmadmin@pve',
    });
    const secret = data<{ value: string }>(
      await lab.client.post('/access/users/vmadmin@pve/token/tk', root, { privsep: '0' }),
    ).value;
    const token = { header: `PVEAPIToken=vmadmin@pve!tk=${secret}` };
    const ok = await lab.client.put('/access/acl', token, {
      path: '/vms/101',
      roles: 'PVEVMUser',
      users: 'monitor@pve',
    });
    expect(ok.status).toBe(200);
    const r = await lab.client.put('/access/acl', token, {
      path: '/vms/101',
      roles: 'PVEAdmin',
      users: 'monitor@pve',
    });
    expect(r.status).toBe(500);
    expect(r.statusText).toBe('ACL update failed: 400 Parameter verification failed.');
    expect((r.json as { message: string }).message).toContain(
      "role: Cannot add role 'PVEAdmin' - requires 'Permissions.Modify' or superset of privileges.",
    );
  });

  it('lists ACLs, roles and effective permissions in the PVE shapes', async () => {
    const acl = data<Obj[]>(await lab.client.get('/access/acl', root));
    expect(acl).toContainEqual({
      path: '/',
      type: 'token',
      ugid: 'svc-rackside@pve!rackside',
      roleid: 'PVEAuditor',
      propagate: 1,
    });
    const roles = data<Obj[]>(await lab.client.get('/access/roles', root));
    expect(roles).toContainEqual({
      roleid: 'PVEAuditor',
      special: 1,
      privs: 'Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,Sys.Audit,VM.Audit',
    });
    expect(roles).toContainEqual({ roleid: 'GuestAgentAudit', special: 0, privs: 'VM.Monitor' });
    const mine = data<Obj>(
      await lab.client.get('/access/permissions?path=/vms/101', tokenAuth(lab.server.token)),
    );
    expect(mine).toEqual({
      '/vms/101': expect.objectContaining({
        'VM.Audit': 1,
        'VM.PowerMgmt': 1,
        'VM.Monitor': 1,
      }) as unknown,
    });
    await lab.client.post('/access/users', root, { userid: 'nosys@pve' });
    await lab.client.put('/access/acl', root, {
      path: '/vms',
      roles: 'PVEAuditor',
      users: 'nosys@pve',
    });
    const secret = data<{ value: string }>(
      await lab.client.post('/access/users/nosys@pve/token/tk', root, { privsep: '0' }),
    ).value;
    const other = await lab.client.get('/access/permissions?userid=root@pam', {
      header: `PVEAPIToken=nosys@pve!tk=${secret}`,
    });
    expect(other.statusText).toBe('Permission check failed (/access, Sys.Audit)');
    const viaRoot = data<Obj>(
      await lab.client.get(
        `/access/permissions?userid=${encodeURIComponent('monitor@pve!monitoring')}`,
        root,
      ),
    );
    expect(viaRoot['/']).toMatchObject({ 'Sys.Audit': 1 });
  });

  it('regenerates and deletes tokens', async () => {
    await lab.client.post('/access/users', root, { userid: 'rot@pve' });
    const first = data<{ value: string }>(
      await lab.client.post('/access/users/rot@pve/token/tk', root, { privsep: '0' }),
    ).value;
    const regen = data<{ value: string; 'full-tokenid': string }>(
      await lab.client.put('/access/users/rot@pve/token/tk', root, { regenerate: '1' }),
    );
    expect(regen['full-tokenid']).toBe('rot@pve!tk');
    expect(regen.value).not.toBe(first);
    expect(
      (await lab.client.get('/version', { header: `PVEAPIToken=rot@pve!tk=${first}` })).status,
    ).toBe(401);
    expect(
      (await lab.client.get('/version', { header: `PVEAPIToken=rot@pve!tk=${regen.value}` }))
        .status,
    ).toBe(200);
    expect(
      (await lab.client.request('DELETE', '/access/users/rot@pve/token/tk', root)).json,
    ).toEqual({ data: null });
    expect(
      (await lab.client.get('/version', { header: `PVEAPIToken=rot@pve!tk=${regen.value}` }))
        .status,
    ).toBe(401);
  });
});

describe('Proxmox simulator as PVE 9', () => {
  it('lets PVEAuditor read guest-agent interfaces via VM.GuestAgent.Audit', async () => {
    const lab = await startFixture({ major: 9 });
    try {
      const r = await lab.client.get(
        '/nodes/pve1/qemu/100/agent/network-get-interfaces',
        tokenAuth(lab.server.auditorToken),
      );
      expect(r.status).toBe(200);
      expect(
        data<Obj>(await lab.client.get('/version', tokenAuth(lab.server.rootToken))),
      ).toMatchObject({ release: '9.0' });
    } finally {
      await lab.server.close();
    }
  });
});
