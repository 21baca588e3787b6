/**
 * Built-in privileges and roles of pve-access-control (`$privgroups`, `create_roles`), in the
 * PVE 8 and PVE 9 variants: PVE 9 dropped `VM.Monitor` and added the `VM.GuestAgent.*`
 * privileges (so a PVEAuditor can read guest-agent IPs on 9 but not on 8).
 */

export type PveMajor = 8 | 9;

interface PrivGroup {
  root: string[];
  admin: string[];
  user: string[];
  audit: string[];
}

function privGroups(major: PveMajor): Record<string, PrivGroup> {
  const vmAdmin = [
    'VM.Config.Disk',
    'VM.Config.CPU',
    'VM.Config.Memory',
    'VM.Config.Network',
    'VM.Config.HWType',
    'VM.Config.Options',
    'VM.Allocate',
    'VM.Clone',
    'VM.Migrate',
    'VM.Snapshot',
    'VM.Snapshot.Rollback',
  ];
  const vmUser = [
    'VM.Config.CDROM',
    'VM.Config.Cloudinit',
    'VM.Console',
    'VM.Backup',
    'VM.PowerMgmt',
  ];
  const vmAudit = ['VM.Audit'];
  if (major === 8) {
    vmAdmin.push('VM.Monitor');
  } else {
    vmAdmin.push('VM.Replicate', 'VM.GuestAgent.Unrestricted');
    vmUser.push(
      'VM.GuestAgent.FileRead',
      'VM.GuestAgent.FileWrite',
      'VM.GuestAgent.FileSystemMgmt',
    );
    vmAudit.push('VM.GuestAgent.Audit');
  }
  return {
    VM: { root: [], admin: vmAdmin, user: vmUser, audit: vmAudit },
    Sys: {
      root: ['Sys.PowerMgmt', 'Sys.Modify', 'Sys.Incoming', 'Sys.AccessNetwork'],
      admin: ['Sys.Console', 'Sys.Syslog'],
      user: [],
      audit: ['Sys.Audit'],
    },
    Datastore: {
      root: [],
      admin: ['Datastore.Allocate', 'Datastore.AllocateTemplate'],
      user: ['Datastore.AllocateSpace'],
      audit: ['Datastore.Audit'],
    },
    SDN: { root: [], admin: ['SDN.Allocate'], user: ['SDN.Use'], audit: ['SDN.Audit'] },
    User: {
      root: ['Realm.Allocate'],
      admin: ['User.Modify', 'Group.Allocate', 'Realm.AllocateUser'],
      user: [],
      audit: [],
    },
    Pool: { root: [], admin: ['Pool.Allocate'], user: [], audit: ['Pool.Audit'] },
    Mapping: {
      root: ['Mapping.Modify'],
      admin: [],
      user: ['Mapping.Use'],
      audit: ['Mapping.Audit'],
    },
    Permissions: { root: ['Permissions.Modify'], admin: [], user: [], audit: [] },
  };
}

export interface RoleDef {
  privs: Set<string>;
  special: boolean;
}

/** All valid privilege names for the given major version. */
export function allPrivileges(major: PveMajor): Set<string> {
  const all = new Set<string>();
  for (const g of Object.values(privGroups(major))) {
    for (const p of [...g.root, ...g.admin, ...g.user, ...g.audit]) all.add(p);
  }
  return all;
}

export function builtinRoles(major: PveMajor): Map<string, RoleDef> {
  const groups = privGroups(major);
  const roles = new Map<string, RoleDef>();
  const add = (id: string, privs: Iterable<string>): void => {
    roles.set(id, { privs: new Set(privs), special: true });
  };
  add('Administrator', allPrivileges(major));
  add('NoAccess', []);
  const everything = Object.values(groups);
  add(
    'PVEAdmin',
    everything.flatMap((g) => [...g.admin, ...g.user, ...g.audit]),
  );
  add(
    'PVEAuditor',
    everything.flatMap((g) => g.audit),
  );
  const g = (name: string): PrivGroup => groups[name]!;
  add('PVEVMAdmin', [...g('VM').admin, ...g('VM').user, ...g('VM').audit]);
  add('PVEVMUser', [...g('VM').user, ...g('VM').audit]);
  add('PVESysAdmin', [...g('Sys').admin, ...g('Sys').audit]);
  add('PVEDatastoreAdmin', [
    ...g('Datastore').admin,
    ...g('Datastore').user,
    ...g('Datastore').audit,
  ]);
  add('PVEDatastoreUser', [...g('Datastore').user, ...g('Datastore').audit]);
  add('PVEUserAdmin', g('User').admin);
  add('PVEPoolAdmin', [...g('Pool').admin, ...g('Pool').audit]);
  add('PVEPoolUser', g('Pool').audit);
  add('PVESDNAdmin', [...g('SDN').admin, ...g('SDN').user, ...g('SDN').audit]);
  add('PVESDNUser', [...g('SDN').user, ...g('SDN').audit]);
  add('PVEMappingAdmin', [...g('Mapping').root, ...g('Mapping').user, ...g('Mapping').audit]);
  add('PVEMappingUser', [...g('Mapping').user, ...g('Mapping').audit]);
  add('PVETemplateUser', ['VM.Clone', 'VM.Audit']);
  return roles;
}

/** The privileges the QEMU agent network call needs (`check_any`). */
export function agentPrivileges(major: PveMajor): string[] {
  return major === 8 ? ['VM.Monitor'] : ['VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted'];
}
