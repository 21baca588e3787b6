import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import { unlockedTestStore } from '../store/test-helpers';
import { useTempDirs } from '../test-support/temp-dir';
import { sha256Fingerprint } from './fingerprint';
import { AppError } from '../../shared/errors';
import { HostKeyStore, type StoredHostKey } from './host-key-store';
import { HostKeyTrust, type HostKeyAsk } from './host-key-trust';
import { entryMatches, parseKnownHosts } from './known-hosts-file';
import type { HostKeyAnswer } from './session-types';

const tempDir = useTempDirs();

// Fixed keys made with ssh-keygen; the hashed line is `ssh-keygen -H` of `[h.example]:2222`.
const ed1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA7cA3NatKlfipV+McjZmRVpl+nNS+5sh4jPU0/xgomZ';
const ed1Fingerprint = 'SHA256:/DDRsF0gRuQokrHm/ZkHH6XbCJbsY09ybOJg3sGvRyc';
const ed2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0nzB446wtNN2LIWiqHN6F2Cu+rT6k+rboePYgxQLyM';
const ecdsa =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMzkCDcKcpC78Y8615D/aJbb43pbndayWXAPQr7ZowhMkUDVBLODviniH4D7Omol0gBbs/tMEidgjq3EVKvIDx0=';
const hashed = `|1|k70BKhUQnxOifTV6QYIc2nYNmHs=|3PiAswjt6Xu14xByE9/2KRKsYQE= ${ed1}`;
const blob = (line: string): Buffer => Buffer.from(line.split(' ')[1] ?? '', 'base64');

describe('known_hosts parsing', () => {
  const file = [
    '# comment',
    '',
    `alpha.example,10.0.0.1 ${ed1} alpha`,
    `[beta.example]:2200 ${ed2}`,
    hashed,
    `*.lab.example,!evil.lab.example ${ecdsa}`,
    `@revoked * ${ed2}`,
    `@cert-authority *.example ${ecdsa} CA`,
    '@unknown-marker x ssh-ed25519 AAAA',
    `broken-line ssh-ed25519 not*base64`,
    `mismatch ssh-rsa ${ed1.split(' ')[1] ?? ''}`,
  ].join('\n');
  const parsed = parseKnownHosts(file);
  const matches = (host: string, port: number) =>
    parsed.entries.filter((e) => entryMatches(e, host, port)).map((e) => e.line);

  it('reads plain, [host]:port, hashed, wildcard and marked lines and skips damaged ones', () => {
    expect(parsed.entries.map((e) => [e.line, e.marker, e.keyType])).toEqual([
      [3, null, 'ssh-ed25519'],
      [4, null, 'ssh-ed25519'],
      [5, null, 'ssh-ed25519'],
      [6, null, 'ecdsa-sha2-nistp256'],
      [7, 'revoked', 'ssh-ed25519'],
      [8, 'cert-authority', 'ecdsa-sha2-nistp256'],
    ]);
    expect(parsed.skipped).toEqual([9, 10, 11]);
  });

  it('matches hosts the way OpenSSH looks them up', () => {
    expect(matches('alpha.example', 22)).toEqual([3, 7, 8]);
    expect(matches('ALPHA.example', 22)).toEqual([3, 7, 8]);
    expect(matches('10.0.0.1', 22)).toEqual([3, 7]);
    // A non-default port is looked up as [host]:port only.
    expect(matches('alpha.example', 2222)).toEqual([7]);
    expect(matches('beta.example', 2200)).toEqual([4, 7]);
    expect(matches('h.example', 2222)).toEqual([5, 7]);
    expect(matches('h.example', 22)).toEqual([7, 8]);
    expect(matches('db.lab.example', 22)).toEqual([6, 7, 8]);
    expect(matches('evil.lab.example', 22)).toEqual([7, 8]);
  });

  it('formats SHA256 fingerprints like ssh-keygen -l', () => {
    expect(sha256Fingerprint(blob(ed1))).toBe(ed1Fingerprint);
  });
});

async function trustBed(knownHosts: string) {
  const dir = await tempDir();
  const store = await unlockedTestStore(dir);
  const file = path.join(dir, 'known_hosts');
  await fs.writeFile(file, knownHosts);
  const trust = new HostKeyTrust(new HostKeyStore(store.db), {
    knownHostsFile: file,
    logger: silentLogger,
  });
  const asked: string[] = [];
  const ask =
    (answer: HostKeyAnswer): HostKeyAsk =>
    async (question) => {
      asked.push(`${question.host}:${question.port} ${question.keyType} ${question.fingerprint}`);
      return Promise.resolve(answer);
    };
  return { store, trust, asked, ask };
}

describe('a host key that cannot be remembered', () => {
  it('refuses the connection with the reason, for an answer of remember and for accept-new', async () => {
    const dir = await tempDir();
    const store = await unlockedTestStore(dir);
    const refusal =
      'Nothing was saved: the data folder was recovered by another Rackside process. Restart Rackside to use it.';
    // A store whose database refuses writes, saying why.
    class RefusingStore extends HostKeyStore {
      override remember(): StoredHostKey {
        throw new AppError('unavailable', refusal);
      }
    }
    const file = path.join(dir, 'known_hosts');
    await fs.writeFile(file, '');
    const trust = new HostKeyTrust(new RefusingStore(store.db), {
      knownHostsFile: file,
      logger: silentLogger,
    });
    const target = { host: 'web.example', port: 22, hop: 0 };
    const remember: HostKeyAsk = () => Promise.resolve('remember');
    for (const policy of ['ask', 'accept-new'] as const) {
      expect(await trust.verify({ ...target, policy }, blob(ed1), remember)).toMatchObject({
        accepted: false,
        reason: { kind: 'host-key-refused', message: refusal },
      });
    }
    expect(new HostKeyStore(store.db).list()).toEqual([]);
    store.close();
  });
});

describe('host-key policies', () => {
  const target = { host: 'web.example', port: 22, hop: 0 };

  it('ask: trusts a key from known_hosts without asking, asks about an unknown one', async () => {
    const bed = await trustBed(`web.example ${ed1}\n`);
    const trusted = await bed.trust.verify(
      { ...target, policy: 'ask' },
      blob(ed1),
      bed.ask('cancel'),
    );
    expect(trusted).toEqual({ accepted: true, remembered: false });
    expect(bed.asked).toEqual([]);
    const other = await bed.trust.verify(
      { ...target, host: 'new.example', policy: 'ask' },
      blob(ed1),
      bed.ask('remember'),
    );
    expect(other).toEqual({ accepted: true, remembered: true });
    expect(bed.asked).toEqual([`new.example:22 ssh-ed25519 ${ed1Fingerprint}`]);
    expect(await bed.trust.check('new.example', 22, blob(ed1))).toMatchObject({
      status: 'trusted',
    });
    bed.store.close();
  });

  it('refuses a key remembered while its question waited, when another tab remembered a different one', async () => {
    const bed = await trustBed('');
    // Two tabs to a new host: the other tab's "remember" lands while this question is open.
    const late: HostKeyAsk = async () => {
      bed.trust.remember('web.example', 22, blob(ed1));
      return Promise.resolve('remember');
    };
    const verdict = await bed.trust.verify({ ...target, policy: 'ask' }, blob(ed2), late);
    expect(verdict.accepted).toBe(false);
    if (!verdict.accepted) expect(verdict.reason.kind).toBe('host-key-changed');
    // The key remembered first stays; the second is not written over it.
    expect(await bed.trust.check('web.example', 22, blob(ed1))).toMatchObject({
      status: 'trusted',
    });
    // The same key remembered meanwhile is simply trusted.
    const same: HostKeyAsk = async () => {
      bed.trust.remember('same.example', 22, blob(ed2));
      return Promise.resolve('remember');
    };
    expect(
      await bed.trust.verify({ ...target, host: 'same.example', policy: 'ask' }, blob(ed2), same),
    ).toEqual({ accepted: true, remembered: true });
    bed.store.close();
  });

  it('accept-new: of two first connections at once presenting different keys, only one gets in; the other is refused as changed', async () => {
    const bed = await trustBed('');
    const presented = [ed1, ed2];
    const verdicts = await Promise.all(
      presented.map((line) =>
        bed.trust.verify({ ...target, policy: 'accept-new' }, blob(line), bed.ask('cancel')),
      ),
    );
    // Which one is checked first depends on the file reads; exactly one is accepted.
    expect(verdicts.filter((v) => v.accepted)).toEqual([{ accepted: true, remembered: true }]);
    const winner = verdicts[0]?.accepted === true ? ed1 : ed2;
    const loser = winner === ed1 ? ed2 : ed1;
    const winnerFingerprint = sha256Fingerprint(blob(winner));
    expect(verdicts.find((v) => !v.accepted)).toMatchObject({
      accepted: false,
      reason: {
        kind: 'host-key-changed',
        hostKey: { known: [{ fingerprint: winnerFingerprint, source: 'Rackside known hosts' }] },
      },
    });
    expect(await bed.trust.check('web.example', 22, blob(winner))).toMatchObject({
      status: 'trusted',
    });
    // Nor does the store write a different key of the same type over the one it has.
    const store = new HostKeyStore(bed.store.db);
    expect(store.remember('web.example', 22, 'ssh-ed25519', blob(loser)).fingerprint).toBe(
      winnerFingerprint,
    );
    expect(store.keysFor('web.example', 22).map((k) => k.fingerprint)).toEqual([winnerFingerprint]);
    expect(bed.asked).toEqual([]);
    bed.store.close();
  });

  it('stores a key once when two tabs carry the same "remember" for it', async () => {
    const dir = await tempDir();
    const store = await unlockedTestStore(dir);
    const records: LogRecord[] = [];
    const trust = new HostKeyTrust(new HostKeyStore(store.db), {
      knownHostsFile: null,
      logger: createLogger({ sink: (record) => records.push(record) }),
    });
    // Both questions got the one dialog's answer at the same moment.
    const remember: HostKeyAsk = async () => Promise.resolve('remember');
    const verdicts = await Promise.all([
      trust.verify({ ...target, policy: 'ask' }, blob(ed1), remember),
      trust.verify({ ...target, policy: 'ask' }, blob(ed1), remember),
    ]);
    expect(verdicts.map((v) => v.accepted)).toEqual([true, true]);
    expect(records.filter((r) => r.message === 'host key remembered')).toHaveLength(1);
    expect(await trust.check('web.example', 22, blob(ed1))).toMatchObject({ status: 'trusted' });
    store.close();
  });

  it('refuses a changed key under every policy with old and new fingerprints, and never asks', async () => {
    const bed = await trustBed(`web.example ${ed1}\n`);
    for (const policy of ['ask', 'accept-new', 'strict'] as const) {
      const verdict = await bed.trust.verify({ ...target, policy }, blob(ed2), bed.ask('remember'));
      expect(verdict.accepted).toBe(false);
      if (verdict.accepted) continue;
      expect(verdict.reason.kind).toBe('host-key-changed');
      expect(verdict.reason.hostKey?.known).toEqual([
        {
          keyType: 'ssh-ed25519',
          fingerprint: ed1Fingerprint,
          source: `${path.join(bed.store.dataDir, 'known_hosts')}:1`,
        },
      ]);
      expect(verdict.reason.message).toContain(ed1Fingerprint);
      expect(verdict.reason.message).toContain(sha256Fingerprint(blob(ed2)));
    }
    expect(bed.asked).toEqual([]);
    bed.store.close();
  });

  it('accept-new remembers silently; strict refuses the unknown; a key of another type is unknown', async () => {
    const bed = await trustBed('');
    const strict = await bed.trust.verify(
      { ...target, policy: 'strict' },
      blob(ed1),
      bed.ask('remember'),
    );
    expect(strict).toMatchObject({ accepted: false, reason: { kind: 'host-key-refused' } });
    const fresh = await bed.trust.verify(
      { ...target, policy: 'accept-new' },
      blob(ed1),
      bed.ask('cancel'),
    );
    expect(fresh).toEqual({ accepted: true, remembered: true });
    const changed = await bed.trust.verify(
      { ...target, policy: 'accept-new' },
      blob(ed2),
      bed.ask('remember'),
    );
    expect(changed).toMatchObject({ accepted: false, reason: { kind: 'host-key-changed' } });
    expect(await bed.trust.check('web.example', 22, blob(ecdsa))).toMatchObject({
      status: 'unknown',
      otherTypes: [{ keyType: 'ssh-ed25519', fingerprint: ed1Fingerprint }],
    });
    expect(bed.asked).toEqual([]);
    bed.store.close();
  });

  it('refuses a @revoked key even when another line trusts it, and ignores @cert-authority for plain keys', async () => {
    const bed = await trustBed(`web.example ${ed2}\n@revoked * ${ed2}\n@cert-authority * ${ed1}\n`);
    const revoked = await bed.trust.verify(
      { ...target, policy: 'ask' },
      blob(ed2),
      bed.ask('remember'),
    );
    expect(revoked).toMatchObject({ accepted: false, reason: { kind: 'host-key-refused' } });
    expect(await bed.trust.check('other.example', 22, blob(ed1))).toEqual({
      status: 'unknown',
      otherTypes: [],
    });
    bed.store.close();
  });

  it("reads the system's ssh_known_hosts after the user's: its keys are trusted, its @revoked lines refuse", async () => {
    const dir = await tempDir();
    const store = await unlockedTestStore(dir);
    const user = path.join(dir, 'known_hosts');
    const system = path.join(dir, 'ssh_known_hosts');
    await fs.writeFile(user, `web.example ${ed2}\n`);
    await fs.writeFile(system, `db.example ${ed1}\n@revoked * ${ed2}\n`);
    const trust = new HostKeyTrust(new HostKeyStore(store.db), {
      knownHostsFile: user,
      systemKnownHostsFile: system,
      logger: silentLogger,
    });
    expect(await trust.check('db.example', 22, blob(ed1))).toEqual({
      status: 'trusted',
      source: `${system}:1`,
    });
    // Trusted in the user's file, revoked for every host in the system's.
    expect(await trust.check('web.example', 22, blob(ed2))).toEqual({
      status: 'revoked',
      source: `${system}:2`,
    });
    expect(await trust.knownKeyTypes('db.example', 22)).toEqual(['ssh-ed25519']);
    // A system file that is not there is no error.
    const without = new HostKeyTrust(new HostKeyStore(store.db), {
      knownHostsFile: user,
      systemKnownHostsFile: path.join(dir, 'missing'),
      logger: silentLogger,
    });
    expect(await without.check('web.example', 22, blob(ed2))).toMatchObject({ status: 'trusted' });
    // One that cannot be read is the administrator's to fix: in the log, not in every terminal.
    const unreadable = new HostKeyTrust(new HostKeyStore(store.db), {
      knownHostsFile: user,
      systemKnownHostsFile: dir,
      logger: silentLogger,
    });
    const notices: string[] = [];
    expect(
      await unreadable.check('web.example', 22, blob(ed2), (n) => notices.push(n)),
    ).toMatchObject({ status: 'trusted' });
    expect(notices).toEqual([]);
    store.close();
  });

  it('warns about a known_hosts file it cannot read and still trusts the keys it remembered', async () => {
    const dir = await tempDir();
    const store = await unlockedTestStore(dir);
    const file = path.join(dir, 'known_hosts');
    await fs.mkdir(file);
    const records: LogRecord[] = [];
    const trust = new HostKeyTrust(new HostKeyStore(store.db), {
      knownHostsFile: file,
      logger: createLogger({ sink: (record) => records.push(record) }),
    });
    trust.remember('web.example', 22, blob(ed1));
    const notices: string[] = [];
    const verdict = await trust.verify(
      { ...target, policy: 'strict' },
      blob(ed1),
      async () => Promise.resolve('cancel'),
      (message) => notices.push(message),
    );
    expect(verdict).toEqual({ accepted: true, remembered: false });
    expect(notices).toEqual([
      `${file} cannot be read (EISDIR); the host keys it holds are not known.`,
    ]);
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'known_hosts file unreadable' }),
    );
    store.close();
  });

  it('forget removes remembered keys so the next connection asks again', async () => {
    const bed = await trustBed('');
    bed.trust.remember('web.example', 2222, blob(ed1));
    bed.trust.remember('web.example', 2222, blob(ecdsa));
    expect(bed.trust.forget('web.example', 2222, 'ecdsa-sha2-nistp256')).toBe(1);
    expect(await bed.trust.check('web.example', 2222, blob(ed1))).toMatchObject({
      status: 'trusted',
    });
    expect(bed.trust.forget('web.example', 2222)).toBe(1);
    expect(await bed.trust.check('web.example', 2222, blob(ed1))).toMatchObject({
      status: 'unknown',
    });
    bed.store.close();
  });
});
