/** Integration host API (reference §4), host groups (§7), gethomepage (§8) and host create (§9). */
import { patchmonPackages } from '../fleet';
import type { PatchmonHostGroup } from '../fleet';
import type { LabRequest, LabResponse } from '../common/http';
import type { PatchmonState, PmHost } from './model';
import { fail, goTime, ok, readJson, rfc3339 } from './respond';

const INTERVAL_MS = 60 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function reportingState(state: PatchmonState, h: PmHost): 'reporting' | 'overdue' | 'stale' {
  const silence = state.clock() - h.lastUpdate;
  return silence <= INTERVAL_MS ? 'reporting' : silence <= 2 * INTERVAL_MS ? 'overdue' : 'stale';
}

function groupsOf(state: PatchmonState, h: PmHost) {
  return h.hostGroupIds.flatMap((id) => {
    const g = state.group(id);
    return g ? [{ id: g.id, name: g.name }] : [];
  });
}

export function listHosts(state: PatchmonState, req: LabRequest): LabResponse {
  const filter = req.query.get('hostgroup');
  const stats = (req.query.get('include') ?? '').split(',').includes('stats');
  let hosts = state.hosts;
  let filtered: string[] | undefined;
  if (filter !== null && filter !== '') {
    filtered = filter
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const ids = new Set(
      state.groups
        .filter((g) => filtered!.includes(g.id) || filtered!.includes(g.name))
        .map((g) => g.id),
    );
    hosts = hosts.filter((h) => h.hostGroupIds.some((id) => ids.has(id)));
  }
  const body: Record<string, unknown> = {
    hosts: hosts.map((h) => {
      const item: Record<string, unknown> = {
        id: h.id,
        friendly_name: h.friendlyName,
        hostname: h.hostname,
        ip: h.ip,
        host_groups: groupsOf(state, h),
      };
      if (stats) {
        const reporting = reportingState(state, h);
        Object.assign(item, {
          os_type: h.osType,
          os_version: h.osVersion,
          last_update: rfc3339(h.lastUpdate),
          status: h.status,
          effective_status:
            h.status === 'pending' ? 'pending' : reporting === 'stale' ? 'inactive' : 'active',
          needs_reboot: h.needsReboot,
          updates_count: h.updatesCount,
          security_updates_count: h.securityUpdatesCount,
          total_packages: h.totalPackages,
          reporting_state: reporting,
          update_state:
            h.securityUpdatesCount > 0
              ? 'security_required'
              : h.updatesCount > 0
                ? 'updates_pending'
                : 'up_to_date',
        });
      }
      return item;
    }),
    total: hosts.length,
  };
  if (filtered) body.filtered_by_groups = filtered;
  return ok(200, body);
}

/**
 * Interfaces as the agent reports them (every non-loopback interface with an address, as
 * `{name, type, addresses: [{address, family}]}`), passed through by the server. A Docker host
 * also reports Docker's bridge, 172.17.0.1 on every such host.
 */
function networkInterfaces(h: PmHost): unknown[] {
  if (h.ip === '') return [];
  const out: unknown[] = [
    { name: 'eth0', type: 'ethernet', addresses: [{ address: h.ip, family: 'inet' }] },
  ];
  if (h.dockerEnabled) {
    out.push({
      name: 'docker0',
      type: 'bridge',
      addresses: [{ address: '172.17.0.1', family: 'inet' }],
    });
  }
  return out;
}

export function findHost(state: PatchmonState, id: string): PmHost {
  const host = UUID.test(id) ? state.host(id) : undefined;
  if (!host) throw fail(404, 'Host not found');
  return host;
}

export function hostDetail(
  state: PatchmonState,
  req: LabRequest,
  h: PmHost,
  view: string,
): LabResponse {
  const boot = h.status === 'pending' ? null : h.bootTime;
  switch (view) {
    case 'stats':
      return ok(200, {
        host_id: h.id,
        total_installed_packages: h.totalPackages,
        outdated_packages: h.updatesCount,
        security_updates: h.securityUpdatesCount,
        total_repos: h.totalRepos,
      });
    case 'info':
      return ok(200, {
        id: h.id,
        machine_id: h.reportedMachineId,
        friendly_name: h.friendlyName,
        hostname: h.hostname,
        ip: h.ip,
        os_type: h.osType,
        os_version: h.osVersion,
        agent_version: h.agentVersion,
        host_groups: groupsOf(state, h),
      });
    case 'network':
      return ok(200, {
        id: h.id,
        ip: h.ip,
        gateway_ip: h.ip === '' ? '' : h.ip.replace(/\.\d+$/, '.1'),
        dns_servers: h.ip === '' ? [] : [h.ip.replace(/\.\d+$/, '.1')],
        network_interfaces: networkInterfaces(h),
      });
    case 'system':
      return ok(200, {
        id: h.id,
        architecture: h.architecture,
        kernel_version: h.kernel,
        installed_kernel_version: h.kernel,
        selinux_status: h.osType.includes('Linux') ? 'enforcing' : 'disabled',
        system_uptime:
          boot === null ? '' : `${Math.floor((state.clock() - boot) / 86_400_000)} days`,
        boot_time: boot === null ? null : rfc3339(boot),
        cpu_model: h.cpuModel,
        cpu_cores: h.cpuCores,
        ram_installed: h.ramGb,
        swap_size: 0,
        load_average: { '1min': 0.12, '5min': 0.08, '15min': 0.05 },
        disk_details: [],
        needs_reboot: h.needsReboot,
        reboot_reason: h.rebootReason,
      });
    case 'packages': {
      const updatesOnly = req.query.get('updates_only') === 'true';
      const pkgs = patchmonPackages(h).filter((p) => !updatesOnly || p.needsUpdate);
      return ok(200, {
        host: { id: h.id, hostname: h.hostname, friendly_name: h.friendlyName },
        packages: pkgs.map((p) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          category: p.category,
          current_version: p.currentVersion,
          available_version: p.availableVersion,
          needs_update: p.needsUpdate,
          is_security_update: p.isSecurityUpdate,
          last_checked: rfc3339(h.lastUpdate),
        })),
        total: pkgs.length,
      });
    }
    case 'package_reports': {
      const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? '10') || 10));
      const count = h.status === 'pending' ? 0 : Math.min(limit, 3);
      const reports = Array.from({ length: count }, (_, i) => ({
        id: `${h.id.slice(0, 30)}${String(i).padStart(6, '0')}`,
        status: 'success',
        date: rfc3339(h.lastUpdate - i * INTERVAL_MS),
        total_packages: h.totalPackages,
        outdated_packages: h.updatesCount,
        security_updates: h.securityUpdatesCount,
        payload_kb: Math.round(h.totalPackages * 0.21 * 10) / 10,
        execution_time_seconds: 2.4,
        error_message: null,
      }));
      return ok(200, { host_id: h.id, reports, total: count });
    }
    case 'agent_queue':
      return ok(200, {
        host_id: h.id,
        queue_status: { waiting: 0, active: 0, delayed: 0, failed: 0 },
        job_history: [],
        total_jobs: 0,
      });
    case 'notes':
      return ok(200, { host_id: h.id, notes: h.notes });
    case 'integrations':
      return ok(200, {
        host_id: h.id,
        integrations: {
          docker: h.dockerEnabled
            ? {
                enabled: true,
                description: 'Docker containers',
                containers_count: 4,
                volumes_count: 2,
                networks_count: 3,
              }
            : { enabled: false, description: 'Docker containers' },
        },
      });
    default:
      throw fail(404, 'Host not found');
  }
}

export function deleteHost(state: PatchmonState, id: string): LabResponse {
  if (!UUID.test(id)) throw fail(400, 'Invalid host ID format');
  const index = state.hosts.findIndex((h) => h.id === id);
  const host = state.hosts[index];
  if (!host) throw fail(404, 'Host not found');
  state.hosts.splice(index, 1);
  state.hostsChanged();
  return ok(200, {
    message: 'Host deleted successfully',
    deleted: { id: host.id, friendly_name: host.friendlyName, hostname: host.hostname },
  });
}

export function groupList(state: PatchmonState): LabResponse {
  const sorted = [...state.groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ok(
    200,
    sorted.map((g) => ({
      id: g.id,
      name: g.name,
      description: g.description,
      color: g.color,
      created_at: goTime(g.createdAt),
      updated_at: goTime(g.createdAt),
      _count: { hosts: state.hosts.filter((h) => h.hostGroupIds.includes(g.id)).length },
    })),
  );
}

/** Go's `models.HostGroup` has no json tags: PascalCase keys. */
export function groupPascal(g: PatchmonHostGroup): Record<string, unknown> {
  return {
    ID: g.id,
    Name: g.name,
    Description: g.description,
    Color: g.color,
    CreatedAt: goTime(g.createdAt),
    UpdatedAt: goTime(g.createdAt),
  };
}

export function saveGroup(
  state: PatchmonState,
  req: LabRequest,
  existing: PatchmonHostGroup | null,
) {
  const body = readJson(req);
  const name = typeof body.name === 'string' ? body.name.trim() : (existing?.name ?? '');
  if (name === '') throw fail(400, 'Host group name is required');
  const group: PatchmonHostGroup = existing ?? {
    id: state.uuid(),
    name,
    description: null,
    color: '#3B82F6',
    createdAt: state.clock(),
  };
  group.name = name;
  if (typeof body.description === 'string') group.description = body.description;
  if (typeof body.color === 'string') group.color = body.color;
  if (!existing) state.groups.push(group);
  return ok(existing ? 200 : 201, groupPascal(group));
}

export function homepageStats(state: PatchmonState): LabResponse {
  const hosts = state.hosts;
  const active = hosts.filter((h) => h.status === 'active');
  const osCounts = new Map<string, { name: string; count: number; os_version: string }>();
  for (const h of active) {
    const key = `${h.osType} ${h.osVersion}`;
    const entry = osCounts.get(key) ?? { name: h.osType, count: 0, os_version: h.osVersion };
    entry.count += 1;
    osCounts.set(key, entry);
  }
  const dist = [...osCounts.values()].sort((a, b) => b.count - a.count);
  const top = (i: number) => dist[i] ?? { name: 'None', count: 0 };
  const now = state.clock();
  return ok(200, {
    total_hosts: hosts.length,
    total_outdated_packages: hosts.reduce((n, h) => n + h.updatesCount, 0),
    total_repos: 12,
    hosts_needing_updates: active.filter((h) => h.updatesCount > 0).length,
    up_to_date_hosts: active.filter((h) => h.updatesCount === 0).length,
    awaiting_data_hosts: hosts.length - active.length,
    security_updates: hosts.reduce((n, h) => n + h.securityUpdatesCount, 0),
    hosts_with_security_updates: hosts.filter((h) => h.securityUpdatesCount > 0).length,
    recent_updates_24h: active.filter((h) => now - h.lastUpdate < 86_400_000).length,
    os_distribution: dist.map((d) => ({
      name: d.name,
      count: d.count,
      os_type: 'linux',
      os_version: d.os_version,
    })),
    top_os_1_name: top(0).name,
    top_os_1_count: top(0).count,
    top_os_2_name: top(1).name,
    top_os_2_count: top(1).count,
    top_os_3_name: top(2).name,
    top_os_3_count: top(2).count,
    last_updated: rfc3339(now),
  });
}

export function createHost(state: PatchmonState, req: LabRequest): LabResponse {
  const body = readJson(req);
  const name = typeof body.friendly_name === 'string' ? body.friendly_name.trim() : '';
  if (name === '') throw fail(400, 'Friendly name is required');
  const groupIds = Array.isArray(body.hostGroupIds)
    ? body.hostGroupIds.filter(
        (id): id is string => typeof id === 'string' && state.group(id) !== undefined,
      )
    : [];
  const now = state.clock();
  const host: PmHost = {
    ...state.hosts[0]!,
    id: state.uuid(),
    machine: '',
    reportedMachineId: `pending-${state.uuid()}`,
    friendlyName: name,
    hostname: '',
    ip: '',
    osType: 'unknown',
    osVersion: 'unknown',
    agentVersion: '',
    apiId: `patchmon_${state.rng.hex(8)}`,
    apiKey: state.rng.hex(32),
    hostGroupIds: groupIds,
    status: 'pending',
    lastUpdate: now,
    createdAt: now,
    totalPackages: 0,
    updatesCount: 0,
    securityUpdatesCount: 0,
    needsReboot: false,
  };
  state.hosts.push(host);
  state.hostsChanged();
  return ok(201, {
    message: 'Host created successfully',
    hostId: host.id,
    friendlyName: host.friendlyName,
    apiId: host.apiId,
    apiKey: host.apiKey,
    hostGroups: groupIds.map((id) => {
      const g = state.group(id)!;
      return { id: g.id, name: g.name, color: g.color };
    }),
    instructions: 'Use the API ID and key to configure the PatchMon agent on the host.',
  });
}
