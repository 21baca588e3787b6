/** JSON views of Foreman records, key for key as the Foreman 3.13 RABL views render them. */
import { foremanFacts, machineById } from '../fleet';
import type {
  Domain,
  Fleet,
  ForemanComputeResource,
  ForemanHost,
  ForemanHostgroup,
  ForemanOs,
  Location,
  Organization,
  Subnet,
} from '../fleet';

/** `"YYYY-MM-DD HH:MM:SS UTC"`. */
export function ftime(ms: number | null): string | null {
  if (ms === null) return null;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const globalLabels = ['OK', 'Warning', 'Error'] as const;
const buildLabels = ['Installed', 'Pending installation', 'Token expired', 'Installation error'];
const CREATED = Date.UTC(2024, 0, 10, 10, 0, 0);
const proxy = {
  name: 'proxy01.lab.example.com',
  id: 1,
  url: 'https://proxy01.lab.example.com:8443',
};

export interface ViewContext {
  fleet: Fleet;
  now: number;
  hostgroups: Map<number, ForemanHostgroup>;
  os: Map<number, ForemanOs>;
  computeResources: Map<number, ForemanComputeResource>;
}

export function hostMain(ctx: ViewContext, h: ForemanHost): Record<string, unknown> {
  const { fleet } = ctx;
  const domain = fleet.domains[h.domainId - 1];
  const subnet = fleet.subnets[h.subnetId - 1];
  const os = ctx.os.get(h.operatingsystemId);
  const hg = h.hostgroupId === null ? undefined : ctx.hostgroups.get(h.hostgroupId);
  const cr =
    h.computeResourceId === null ? undefined : ctx.computeResources.get(h.computeResourceId);
  const org = fleet.organizations[h.organizationId - 1];
  const loc = fleet.locations[h.locationId - 1];
  const redhat = os?.family === 'Redhat';
  const machine = machineById(fleet, h.machine);
  const out: Record<string, unknown> = {
    ip: h.ip,
    ip6: h.id % 10 === 0 ? `fd00:${h.subnetId.toString(16)}::${h.id.toString(16)}` : null,
    mac: h.mac,
    last_report: ftime(h.lastReport),
    realm_id: null,
    realm_name: null,
    sp_mac: null,
    sp_ip: null,
    sp_name: null,
    sp_subnet_id: null,
    domain_id: h.domainId,
    domain_name: domain?.name ?? null,
    architecture_id: 1,
    architecture_name: h.architecture,
    operatingsystem_id: h.operatingsystemId,
    operatingsystem_name: os?.title ?? null,
    subnet_id: h.subnetId,
    subnet_name: subnet?.name ?? null,
    subnet6_id: null,
    subnet6_name: null,
    ptable_id: h.managed ? (redhat ? 104 : 105) : null,
    ptable_name: h.managed ? (redhat ? 'Kickstart default' : 'Preseed default') : null,
    medium_id: h.managed ? h.operatingsystemId : null,
    medium_name: h.managed ? (os?.name ?? null) : null,
    pxe_loader: h.managed ? 'PXELinux BIOS' : null,
    build: h.build,
    comment: h.comment,
    disk: '',
    initiated_at: null,
    installed_at: ftime(h.installedAt),
    model_id: h.modelName === null ? null : modelId(h.modelName),
    hostgroup_id: h.hostgroupId,
    owner_id: h.ownerId,
    owner_name: h.ownerId === null ? null : 'Admin User',
    owner_type: h.ownerId === null ? null : 'User',
    creator_id: 4,
    creator: 'Admin User',
    enabled: h.enabled,
    managed: h.managed,
    use_image: null,
    image_file: '',
    uuid: h.uuid,
    compute_resource_id: h.computeResourceId,
    compute_resource_name: cr?.name ?? null,
    compute_profile_id: cr ? 1 : null,
    compute_profile_name: cr ? '1-Small' : null,
    capabilities: cr ? ['build', 'image'] : ['build'],
    provision_method: 'build',
    certname: h.name,
    image_id: null,
    image_name: null,
    created_at: ftime(h.createdAt),
    updated_at: ftime(h.updatedAt),
    last_compile: null,
    global_status: h.globalStatus,
    global_status_label: globalLabels[h.globalStatus],
    bmc_available: false,
    organization_id: h.organizationId,
    organization_name: org?.name ?? null,
    location_id: h.locationId,
    location_name: loc?.name ?? null,
    puppet_status: 0,
    model_name: h.modelName,
  };
  if (h.lastReport !== null) {
    out.configuration_status = 0;
    out.configuration_status_label =
      ctx.now - h.lastReport > 35 * 60_000 ? 'Out of sync' : 'No changes';
  }
  Object.assign(out, {
    compute_resource_provider: cr ? 'proxmox' : null,
    build_status: h.buildStatus,
    build_status_label: buildLabels[h.buildStatus],
    name: h.name,
    id: h.id,
    display_name: h.name,
    puppet_proxy_id: null,
    puppet_proxy_name: null,
    puppet_ca_proxy_id: null,
    puppet_ca_proxy_name: null,
    puppet_proxy: null,
    puppet_ca_proxy: null,
    hostgroup_name: hg?.name ?? null,
    hostgroup_title: hg?.title ?? null,
  });
  if (h.hasFacts && machine) {
    out.uptime_seconds = Math.floor((ctx.now - machine.bootTime) / 1000);
    out.reported_data = {
      boot_time: ftime(machine.bootTime),
      cores: machine.cores,
      sockets: 1,
      disks_total: machine.diskGiB * 1073741824,
      kernel_version: machine.os.kernel,
      bios_vendor: h.computeResourceId === null ? 'American Megatrends Inc.' : 'SeaBIOS',
      bios_release_date: '04/01/2014',
      bios_version:
        h.computeResourceId === null ? '2.19.1' : 'rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org',
    };
  }
  return out;
}

function modelId(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 97;
  return h + 1;
}

export function hostShow(ctx: ViewContext, h: ForemanHost): Record<string, unknown> {
  const machine = machineById(ctx.fleet, h.machine);
  const domain = ctx.fleet.domains[h.domainId - 1];
  const subnet = ctx.fleet.subnets[h.subnetId - 1];
  const nics = machine?.interfaces ?? [];
  return {
    ...hostMain(ctx, h),
    parameters: [],
    all_parameters: [],
    interfaces: nics.map((nic, i) => ({
      id: h.id * 10 + i,
      name: i === 0 ? h.name : null,
      ip: i === 0 ? h.ip : nic.ip,
      ip6: null,
      mac: nic.mac,
      mtu: 1500,
      fqdn: i === 0 ? h.name : null,
      identifier: nic.ifname,
      primary: i === 0,
      provision: i === 0,
      nic_delay: null,
      type: 'interface',
      subnet_id: i === 0 ? h.subnetId : null,
      subnet_name: i === 0 ? (subnet?.name ?? null) : null,
      subnet6_id: null,
      subnet6_name: null,
      domain_id: i === 0 ? h.domainId : null,
      domain_name: i === 0 ? (domain?.name ?? null) : null,
      created_at: ftime(h.createdAt),
      updated_at: ftime(h.updatedAt),
      managed: true,
      virtual: false,
    })),
    permissions: {
      view_hosts: true,
      create_hosts: true,
      edit_hosts: true,
      destroy_hosts: true,
      build_hosts: true,
      power_hosts: true,
      console_hosts: true,
      ipmi_boot_hosts: true,
      forget_status_hosts: true,
    },
  };
}

export function hostFacts(ctx: ViewContext, h: ForemanHost): Record<string, string> {
  return foremanFacts(ctx.fleet, h);
}

export function hostgroupView(ctx: ViewContext, g: ForemanHostgroup): Record<string, unknown> {
  const parent = g.parentId === null ? undefined : ctx.hostgroups.get(g.parentId);
  const os = g.operatingsystemId === null ? undefined : ctx.os.get(g.operatingsystemId);
  const domain = g.domainId === null ? undefined : ctx.fleet.domains[g.domainId - 1];
  const inherited = (own: number | null, fromParent: number | null | undefined) =>
    own === null && fromParent !== null && fromParent !== undefined ? fromParent : null;
  return {
    id: g.id,
    name: g.name,
    title: g.title,
    description: null,
    subnet_id: g.subnetId,
    subnet_name: null,
    operatingsystem_id: g.operatingsystemId,
    operatingsystem_name: os?.title ?? null,
    domain_id: g.domainId,
    domain_name: domain?.name ?? null,
    compute_profile_id: null,
    compute_profile_name: null,
    ancestry: g.parentId === null ? null : String(g.parentId),
    parent_id: g.parentId,
    parent_name: parent?.name ?? null,
    ptable_id: null,
    ptable_name: null,
    medium_id: null,
    medium_name: null,
    pxe_loader: null,
    subnet6_id: null,
    subnet6_name: null,
    compute_resource_id: g.computeResourceId,
    compute_resource_name: null,
    architecture_id: 1,
    architecture_name: 'x86_64',
    realm_id: null,
    realm_name: null,
    created_at: ftime(CREATED),
    updated_at: ftime(CREATED),
    puppet_proxy_id: null,
    puppet_proxy_name: null,
    puppet_ca_proxy_id: null,
    puppet_ca_proxy_name: null,
    puppet_proxy: null,
    puppet_ca_proxy: null,
    inherited_compute_profile_id: null,
    inherited_domain_id: inherited(g.domainId, parent?.domainId),
    inherited_operatingsystem_id: inherited(g.operatingsystemId, parent?.operatingsystemId),
    inherited_architecture_id: g.parentId === null ? null : 1,
    inherited_subnet_id: null,
    inherited_realm_id: null,
    inherited_pxe_loader: null,
  };
}

export function taxonomyView(t: Organization | Location): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    title: t.name,
    description: null,
    ancestry: null,
    parent_id: null,
    parent_name: null,
    created_at: ftime(CREATED),
    updated_at: ftime(CREATED),
  };
}

export function taxonomyShow(t: Organization | Location, hostsCount: number) {
  return {
    ...taxonomyView(t),
    select_all_types: [],
    hosts_count: hostsCount,
    users: [],
    smart_proxies: [proxy],
    subnets: [],
    compute_resources: [],
    media: [],
    ptables: [],
    provisioning_templates: [],
    domains: [],
    realms: [],
    hostgroups: [],
    parameters: [],
    deprecations: { environments: 'Environments got deprecated from this endpoint.' },
  };
}

export function computeResourceView(c: ForemanComputeResource): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    provider: 'Proxmox',
    provider_friendly_name: 'Proxmox',
    description: '',
    url: c.url,
    created_at: ftime(CREATED),
    updated_at: ftime(CREATED),
    user: 'foreman@pve',
    password: 'lab-secret-never-display',
    ssl_verify_peer: false,
    ssl_certs: '',
    renew: false,
  };
}

export function osView(o: ForemanOs): Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    title: o.title,
    description: o.title,
    major: o.major,
    minor: o.minor,
    family: o.family,
    release_name: o.family === 'Debian' ? (o.name === 'Ubuntu' ? 'jammy' : 'bookworm') : '',
    password_hash: 'SHA512',
    created_at: ftime(CREATED),
    updated_at: ftime(CREATED),
  };
}

export function domainView(d: Domain): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    fullname: d.fullname,
    created_at: ftime(CREATED),
    updated_at: ftime(CREATED),
    dns_id: d.id === 1 ? 1 : null,
    dns: d.id === 1 ? proxy : null,
  };
}

export function subnetView(s: Subnet): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    description: '',
    network_address: `${s.network}/${s.cidr}`,
    network: s.network,
    network_type: 'IPv4',
    cidr: s.cidr,
    mask: s.mask,
    priority: null,
    vlanid: s.vlanid,
    mtu: 1500,
    gateway: s.gateway,
    dns_primary: s.dnsPrimary,
    dns_secondary: null,
    from: s.from,
    to: s.to,
    created_at: ftime(CREATED),
    updated_at: ftime(CREATED),
    ipam: 'DHCP',
    boot_mode: 'DHCP',
    nic_delay: null,
    dhcp_id: 1,
    dhcp: proxy,
    tftp_id: 1,
    tftp: proxy,
    httpboot_id: null,
    httpboot: null,
    externalipam_id: null,
    externalipam: null,
    dns_id: 1,
    dns: proxy,
    template_id: null,
    template: null,
    bmc_id: null,
    bmc: null,
  };
}
