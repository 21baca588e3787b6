import { describe, expect, it } from 'vitest';
import { generateFleet, groundTruth, type Fleet } from '../../../lab/fleet';
import { fleetRecords } from '../sync/fleet-connector';
import {
  altNameOf,
  correlate,
  isIdentifyingMac,
  machineIdentity,
  recordKey,
  sameMachine,
  type CorrelationInput,
} from './correlate';
import { pairwiseScores } from './correlation-quality';

function profileOf(system: string, externalId: string): string {
  return system === 'proxmox' ? `pve-${externalId.split('/')[0] ?? ''}` : system;
}

function fleetInputs(fleet: Fleet): CorrelationInput[] {
  return (['foreman', 'proxmox', 'patchmon', 'routeros'] as const).flatMap((system) =>
    fleetRecords(fleet, system).map((r) => ({
      ...r,
      profileId: profileOf(system, r.externalId),
      // As the record store reads it for correlation.
      altName: altNameOf(
        system,
        r.name,
        (r.raw as { host?: { friendly_name?: unknown } }).host?.friendly_name,
      ),
    })),
  );
}

function scoreFleet(fleet: Fleet) {
  const records = fleetInputs(fleet);
  const groups = correlate(records).map((g) =>
    g.map((m) => recordKey(records[m.index]!.profileId, records[m.index]!.externalId)),
  );
  const truth = groundTruth(fleet).map((entry) =>
    entry.records.map((r) => recordKey(profileOf(r.system, r.externalId), r.externalId)),
  );
  return pairwiseScores(groups, truth);
}

function input(partial: Partial<CorrelationInput> & { profileId: string; externalId: string }) {
  return {
    system: 'foreman',
    name: 'x',
    fqdn: null,
    ips: [],
    macs: [],
    machineId: null,
    smbiosUuid: null,
    serial: null,
    ...partial,
  } satisfies CorrelationInput;
}

describe('correlation against the lab ground truth', () => {
  it.each([
    [300, 1],
    [300, 2],
    [1000, 3],
    [1000, 7],
    [3000, 11],
  ])('merges a fleet of %i (seed %i) with pairwise precision and recall ≥ 0.99', (size, seed) => {
    const scores = scoreFleet(generateFleet({ size, seed }));
    console.log(
      `correlation size=${size} seed=${seed}: precision=${scores.precision.toFixed(4)} recall=${scores.recall.toFixed(4)} (${scores.correctPairs}/${scores.predictedPairs} predicted, ${scores.truePairs} true pairs)`,
    );
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.99);
  });
});

describe('correlate', () => {
  it('never merges two records of one profile, even when they share a cloned machine-id', () => {
    const groups = correlate([
      input({
        profileId: 'pm',
        system: 'patchmon',
        externalId: 'a',
        machineId: 'm1',
        name: 'web-1',
      }),
      input({
        profileId: 'pm',
        system: 'patchmon',
        externalId: 'b',
        machineId: 'm1',
        name: 'web-2',
      }),
      input({ profileId: 'fm', externalId: '1', machineId: 'm1', name: 'web-1' }),
    ]);
    expect(groups.map((g) => g.map((m) => m.index).sort())).toEqual([[0, 2], [1]]);
    const link = groups[0]!.find((m) => m.index === 2)!;
    expect(link).toMatchObject({ matchKey: 'hostname', confidence: 0.5 });
  });

  it('refuses a name match across different domains and a weak key against a strong one', () => {
    const groups = correlate([
      input({ profileId: 'fm', externalId: '1', name: 'db', fqdn: 'db.a.lan', machineId: 'x' }),
      input({ profileId: 'pm', system: 'patchmon', externalId: 'p', name: 'db', fqdn: 'db.b.lan' }),
      input({
        profileId: 'pve',
        externalId: 'g',
        system: 'proxmox',
        name: 'db',
        ips: ['10.0.0.5'],
      }),
      input({
        profileId: 'pm2',
        system: 'patchmon',
        externalId: 'q',
        name: 'db',
        ips: ['10.0.0.5'],
        machineId: 'y',
      }),
      input({ profileId: 'fm2', externalId: '2', name: 'db', ips: ['10.0.0.5'], machineId: 'x' }),
    ]);
    // machine-id joins the two Foreman records; name + IP cannot pull in the other machine-id;
    // the bare name is ambiguous (two Foreman records) and the domains differ anyway.
    expect(groups.map((g) => g.map((m) => m.index).sort())).toEqual([[0, 4], [1], [2, 3]]);
  });

  it('applies manual joins and splits over any key', () => {
    const records = [
      input({ profileId: 'fm', externalId: '1', macs: ['bc:24:11:00:00:01'] }),
      input({ profileId: 'pve', externalId: 'g', system: 'proxmox', macs: ['bc:24:11:00:00:01'] }),
      input({ profileId: 'pm', externalId: 'p', name: 'other' }),
    ];
    const split = correlate(records, [
      { kind: 'split', a: recordKey('fm', '1'), b: recordKey('pve', 'g') },
      { kind: 'join', a: recordKey('pm', 'p'), b: recordKey('pve', 'g') },
    ]);
    expect(split.map((g) => g.map((m) => m.index).sort())).toEqual([[0], [1, 2]]);
    expect(split[1]!.map((m) => m.matchKey)).toEqual(['manual', 'manual']);
  });

  it('merges a PatchMon host by its friendly name and an address when its own host name differs', () => {
    const records = [
      input({ profileId: 'fm', externalId: '654', name: 'es35', ips: ['10.16.6.65'] }),
      input({
        profileId: 'pm',
        externalId: 'uuid-1',
        system: 'patchmon',
        name: 'billing-es35',
        fqdn: 'billing-es35.dmz.example.com',
        ips: ['10.16.6.65'],
        altName: altNameOf('patchmon', 'billing-es35', 'es35'),
      }),
      // The same friendly name at another address is another machine.
      input({
        profileId: 'pm',
        externalId: 'uuid-2',
        system: 'patchmon',
        name: 'other',
        ips: ['10.16.6.99'],
        altName: altNameOf('patchmon', 'other', 'es35'),
      }),
    ];
    const groups = correlate(records);
    expect(groups.map((g) => g.map((m) => m.index).sort())).toEqual([[0, 1], [2]]);
    expect(groups[0]!.map((m) => m.matchKey)).toEqual(['hostname+ip', 'hostname+ip']);
    expect(altNameOf('patchmon', 'es35', 'ES35')).toBeNull();
    expect(altNameOf('foreman', 'es35', 'x')).toBeNull();
  });

  it('ignores MACs that do not identify a machine', () => {
    expect(isIdentifyingMac('bc:24:11:aa:bb:cc')).toBe(true);
    for (const mac of [
      '00:00:00:00:00:00',
      'ff:ff:ff:ff:ff:ff',
      '01:00:5e:00:00:01',
      '00:00:5e:00:01:07',
      '02:42:ac:11:00:02',
      'zz',
    ]) {
      expect(isIdentifyingMac(mac)).toBe(false);
    }
  });
});

describe('the machine a hand join was made for', () => {
  const record = (fields: {
    smbiosUuid?: string | null;
    machineId?: string | null;
    serial?: string | null;
    macs?: string[];
  }) => ({ smbiosUuid: null, machineId: null, serial: null, macs: [], ...fields });

  it('is the same while no identifier both know differs, and another when one does', () => {
    const then = machineIdentity(
      record({ smbiosUuid: '47655F4F-FF8F-4530-8383-83FE59DF3687', macs: ['BC:24:11:01:BF:84'] }),
    );
    // Case aside; a source that stops reporting a field; a second NIC added.
    expect(sameMachine(then, record({ smbiosUuid: '47655f4f-ff8f-4530-8383-83fe59df3687' }))).toBe(
      true,
    );
    expect(sameMachine(then, record({ macs: ['bc:24:11:01:bf:84', 'bc:24:11:01:bf:85'] }))).toBe(
      true,
    );
    // A VMID given to a new guest: another SMBIOS UUID, or only other MACs.
    expect(sameMachine(then, record({ smbiosUuid: '0e4b1c2d-0000-4000-8000-00000000beef' }))).toBe(
      false,
    );
    expect(sameMachine(then, record({ macs: ['bc:24:11:ee:00:10'] }))).toBe(false);
    // Joins made before identities were kept stay as they are.
    expect(sameMachine(null, record({ serial: 'X' }))).toBe(true);
  });
});
