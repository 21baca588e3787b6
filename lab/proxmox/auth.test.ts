import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestLab, data, startFixture, tokenAuth } from './test-support';

describe('Proxmox simulator authentication', () => {
  let lab: TestLab;
  beforeAll(async () => {
    lab = await startFixture();
  });
  afterAll(async () => {
    await lab.server.close();
  });

  it('answers 401 "No ticket" with an empty body and no content type without credentials', async () => {
    const r = await lab.client.get('/version');
    expect(r.status).toBe(401);
    expect(r.statusText).toBe('No ticket');
    expect(r.text).toBe('');
    expect(r.contentType).toBeNull();
  });

  it('accepts the API token header, also with a space instead of the first =', async () => {
    const ok = await lab.client.get('/version', tokenAuth(lab.server.rootToken));
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe('application/json;charset=UTF-8');
    const { tokenid, secret } = lab.server.rootToken;
    const spaced = await lab.client.get('/version', { header: `PVEAPIToken ${tokenid}=${secret}` });
    expect(spaced.status).toBe(200);
  });

  it.each([
    ['unknown token', 'PVEAPIToken=root@pam!nope=4b7f2a3c-9d1e-4f60-8a2b-6c0d5e7f8a91'],
    ['unknown user', 'PVEAPIToken=ghost@pve!lab=4b7f2a3c-9d1e-4f60-8a2b-6c0d5e7f8a91'],
    ['wrong secret', 'PVEAPIToken=root@pam!lab=00000000-0000-0000-0000-000000000000'],
    ['no secret', 'PVEAPIToken=root@pam!lab'],
    ['malformed token id', 'PVEAPIToken=rootpam=abc'],
  ])('refuses a bad token (%s) with 401 "Authentication failed!"', async (_, header) => {
    const r = await lab.client.get('/version', { header });
    expect(r.status).toBe(401);
    expect(r.statusText).toBe('Authentication failed!');
    expect(r.text).toBe('');
  });

  it('issues a ticket and CSRF token in the PVE formats, with capabilities', async () => {
    const r = await lab.client.post('/access/ticket', undefined, {
      username: 'root@pam',
      password: 'lab-root-pw',
    });
    expect(r.status).toBe(200);
    const d = data<Record<string, unknown>>(r);
    expect(d.username).toBe('root@pam');
    expect(d.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/=]+$/);
    expect(d.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:[A-Za-z0-9+/]+$/);
    expect(d.clustername).toBe('lab');
    expect(d.cap).toMatchObject({
      vms: { 'VM.Audit': 1 },
      nodes: { 'Sys.Audit': 1 },
      dc: { 'Sys.Audit': 1 },
    });
  });

  it('accepts username plus realm', async () => {
    const r = await lab.client.post('/access/ticket', undefined, {
      username: 'root',
      realm: 'pam',
      password: 'lab-root-pw',
    });
    expect(data<{ username: string }>(r).username).toBe('root@pam');
  });

  it('refuses a wrong password with 401 "authentication failure" and a JSON body', async () => {
    const r = await lab.client.post('/access/ticket', undefined, {
      username: 'root@pam',
      password: 'x',
    });
    expect(r.status).toBe(401);
    expect(r.statusText).toBe('authentication failure');
    expect(r.json).toEqual({ data: null, message: 'authentication failure\n' });
  });

  it('refuses API tokens at /access/ticket with 403', async () => {
    const r = await lab.client.post('/access/ticket', tokenAuth(lab.server.rootToken), {
      username: 'root@pam',
      password: 'lab-root-pw',
    });
    expect(r.status).toBe(403);
    expect((r.json as { message: string }).message).toBe(
      "Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.\n)\n",
    );
  });

  it('authenticates GETs by cookie and by the Authorization fallback', async () => {
    const { ticket } = await lab.client.login('root@pam', 'lab-root-pw');
    expect((await lab.client.get('/version', { ticket })).status).toBe(200);
    const viaHeader = await lab.client.get('/version', { header: `PVEAuthCookie=${ticket}` });
    expect(viaHeader.status).toBe(200);
  });

  it('requires the CSRF token on writes with a ticket, not with a token', async () => {
    const { ticket, csrf } = await lab.client.login('root@pam', 'lab-root-pw');
    const form = { path: '/', roles: 'PVEAuditor', users: 'monitor@pve' };
    const missing = await lab.client.put('/access/acl', { ticket }, form);
    expect(missing.status).toBe(401);
    expect(missing.statusText).toBe('Permission denied - invalid csrf token');
    expect(missing.text).toBe('');
    const wrong = await lab.client.put(
      '/access/acl',
      { ticket, csrf: `${csrf.slice(0, 9)}AAAA` },
      form,
    );
    expect(wrong.status).toBe(401);
    const ok = await lab.client.put('/access/acl', { ticket, csrf }, form);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ data: null });
    const byToken = await lab.client.put('/access/acl', tokenAuth(lab.server.rootToken), form);
    expect(byToken.status).toBe(200);
  });

  it('expires tickets after two hours and renews them when posted as the password', async () => {
    const { ticket } = await lab.client.login('root@pam', 'lab-root-pw');
    lab.clock.now += 3600_000;
    const renewed = await lab.client.post('/access/ticket', undefined, {
      username: 'root@pam',
      password: ticket,
    });
    expect(renewed.status).toBe(200);
    const fresh = data<{ ticket: string }>(renewed).ticket;
    lab.clock.now += 3601_000;
    const expired = await lab.client.get('/version', { ticket });
    expect(expired.status).toBe(401);
    expect(expired.statusText).toBe('Authentication failed!');
    expect((await lab.client.get('/version', { ticket: fresh })).status).toBe(200);
    lab.clock.now += 3600_000;
    expect((await lab.client.get('/version', { ticket: fresh })).status).toBe(401);
  });

  it('refuses tokens of disabled users and expired tokens', async () => {
    const root = tokenAuth(lab.server.rootToken);
    await lab.client.post('/access/users', root, { userid: 'temp@pve' });
    const created = await lab.client.post('/access/users/temp@pve/token/t1', root, {
      privsep: '0',
    });
    const secret = data<{ value: string }>(created).value;
    const auth = { header: `PVEAPIToken=temp@pve!t1=${secret}` };
    expect((await lab.client.get('/version', auth)).status).toBe(200);
    await lab.client.put('/access/users/temp@pve', root, { enable: '0' });
    expect((await lab.client.get('/version', auth)).status).toBe(401);
    await lab.client.put('/access/users/temp@pve', root, { enable: '1' });
    const expire = String(Math.floor(lab.clock.now / 1000) + 60);
    await lab.client.put('/access/users/temp@pve/token/t1', root, { expire });
    expect((await lab.client.get('/version', auth)).status).toBe(200);
    lab.clock.now += 120_000;
    expect((await lab.client.get('/version', auth)).status).toBe(401);
  });
});

describe('Proxmox simulator 401 delay', () => {
  it('delays every 401 by the configured time, and nothing else', async () => {
    const lab = await startFixture({ authFailureDelayMs: 250 });
    try {
      let t = performance.now();
      const failed = await lab.client.post('/access/ticket', undefined, {
        username: 'root@pam',
        password: 'bad',
      });
      expect(failed.status).toBe(401);
      expect(performance.now() - t).toBeGreaterThanOrEqual(240);
      t = performance.now();
      expect((await lab.client.get('/version')).status).toBe(401);
      expect(performance.now() - t).toBeGreaterThanOrEqual(240);
      t = performance.now();
      expect((await lab.client.get('/version', tokenAuth(lab.server.rootToken))).status).toBe(200);
      expect(performance.now() - t).toBeLessThan(240);
    } finally {
      await lab.server.close();
    }
  });
});

describe('Proxmox simulator credential faults', () => {
  it('answers expired credentials as PVE does (401, empty body)', async () => {
    const lab = await startFixture({
      faults: {
        seed: 1,
        systems: { proxmox: [{ route: '/api2/json/nodes', credentials: 'expired' }] },
      },
    });
    try {
      const ok = await lab.client.get('/version', tokenAuth(lab.server.rootToken));
      expect(ok.status).toBe(200);
      const r = await lab.client.get('/nodes', tokenAuth(lab.server.rootToken));
      expect(r.status).toBe(401);
      expect(r.statusText).toBe('Authentication failed!');
      expect(r.text).toBe('');
    } finally {
      await lab.server.close();
    }
  });
});
