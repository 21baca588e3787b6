import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../lab/fleet/prng';
import type { SourceFreshness, SourceSystem } from '../../shared/inventory';
import { configuredSystems, driftSql, expectedIn, expectedSql } from './drift-rule';

const systems: SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];
const kinds = ['vm', 'container', 'node', 'bare-metal', 'router', 'host'];
const pieces = [
  'Debian',
  'debian 12',
  'Windows',
  'WINDOWS',
  'wInDoWs',
  'Microsoft Windows Server 2022',
  'Win10',
  'win2019',
  'WIN',
  'win-x',
  'W2K3',
  'w2k8',
  'xw2k',
  'Proxmox VE 8.2',
  'PROXMOX',
  'pve',
  'WİNDOWS',
  'wındows',
  'Ubuntu',
  ' ',
  '-',
  '0',
  '',
];

describe('the drift rule', () => {
  it('answers the same in JavaScript and in SQL for any kind and OS text', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE assets (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, os TEXT)');
    const insert = db.prepare('INSERT INTO assets (id, kind, os) VALUES (?, ?, ?)');
    const next = mulberry32(11);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const rows: { id: number; kind: string; os: string | null }[] = [];
    for (let id = 1; id <= 3000; id++) {
      const os =
        next() < 0.1
          ? null
          : Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(pieces)).join('');
      rows.push({ id, kind: pick(kinds), os });
    }
    for (const row of rows) insert.run(row.id, row.kind, row.os);
    for (const system of systems) {
      const sql = db
        .prepare(`SELECT id FROM assets a WHERE ${expectedSql(system)} ORDER BY id`)
        .pluck()
        .all();
      const js = rows.filter((r) => expectedIn(system, r.kind, r.os)).map((r) => r.id);
      expect(sql, system).toEqual(js);
      // Negated, too: the condition is never NULL, so NOT(...) is its complement.
      const not = db
        .prepare(`SELECT count(*) FROM assets a WHERE NOT ${expectedSql(system)}`)
        .pluck()
        .get();
      expect(not, system).toBe(rows.length - js.length);
    }
    db.close();
  });

  it('expects Foreman everywhere but routers, PatchMon on Linux machines, Proxmox for guests', () => {
    expect(expectedIn('foreman', 'bare-metal', 'Windows Server 2022')).toBe(true);
    expect(expectedIn('foreman', 'router', 'RouterOS 7')).toBe(false);
    expect(expectedIn('patchmon', 'vm', 'Debian 12')).toBe(true);
    expect(expectedIn('patchmon', 'vm', null)).toBe(true);
    expect(expectedIn('patchmon', 'vm', 'Microsoft Windows Server 2019')).toBe(false);
    expect(expectedIn('patchmon', 'bare-metal', 'W2K8 R2')).toBe(false);
    expect(expectedIn('patchmon', 'node', 'Debian 12')).toBe(false);
    expect(expectedIn('proxmox', 'container', 'Alpine')).toBe(true);
    expect(expectedIn('proxmox', 'bare-metal', 'Debian 12')).toBe(false);
    expect(expectedIn('routeros', 'router', 'RouterOS 7')).toBe(false);
  });

  it('expects nothing of a system without data', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE assets (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, os TEXT,
      in_foreman INTEGER, in_proxmox INTEGER, in_patchmon INTEGER, in_routeros INTEGER)`);
    db.prepare("INSERT INTO assets VALUES (1, 'vm', 'Debian', 0, 1, 0, 0)").run();
    const count = (system: SourceSystem, configured: SourceSystem[]): unknown =>
      db
        .prepare(`SELECT count(*) FROM assets a WHERE ${driftSql(system, configured)}`)
        .pluck()
        .get();
    expect(count('foreman', ['foreman', 'proxmox'])).toBe(1);
    expect(count('foreman', ['proxmox'])).toBe(0);
    expect(count('proxmox', systems)).toBe(0);
    db.close();
  });

  it('expects a system to know assets only once every one of its profiles has synced', () => {
    const source = (
      system: SourceSystem,
      dataFrom: string | null,
      hostFilter: string | null = null,
    ): SourceFreshness => ({ system, dataFrom, hostFilter }) as SourceFreshness;
    const day = '2026-11-24T10:00:00Z';
    // Two Proxmox clusters, one never synced: its guests are not missing from Proxmox VE.
    expect(
      configuredSystems([source('foreman', day), source('proxmox', day), source('proxmox', null)]),
    ).toEqual(['foreman']);
    expect(configuredSystems([source('proxmox', day), source('proxmox', day)])).toEqual([
      'proxmox',
    ]);
    // A host filter syncs part of Foreman: another profile must sync all of it.
    expect(configuredSystems([source('foreman', day, 'location = Berlin')])).toEqual([]);
    expect(
      configuredSystems([source('foreman', day, 'location = Berlin'), source('foreman', day)]),
    ).toEqual(['foreman']);
  });
});
