/**
 * PVE property strings (`name=eth0,bridge=vmbr0,hwaddr=BC:…,ip=10.0.0.5/24`): comma-separated
 * `key=value` pairs; values never contain commas (reference/proxmox.md §5.8). Parsed generically,
 * never by position. A part without `=` is the value of the schema's default key (QEMU
 * `virtio=MAC` puts the model first; `agent=1` may be written as `1`).
 */
export function parsePropertyString(text: string, defaultKey?: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      if (defaultKey !== undefined && !out.has(defaultKey)) out.set(defaultKey, part);
      continue;
    }
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** QEMU NIC models: `net0: virtio=BC:24:11:…,bridge=vmbr0` names the model as the MAC's key. */
const qemuModels = new Set([
  'virtio',
  'e1000',
  'e1000e',
  'rtl8139',
  'vmxnet3',
  'ne2k_pci',
  'pcnet',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
]);

export interface GuestNic {
  /** `net0`, `net1`… */
  key: string;
  mac: string | null;
  bridge: string | null;
  vlan: number | null;
  /** LXC `name=` (the interface inside the container). */
  ifname: string | null;
  model: string | null;
  /** Static addresses from `ip=`/`ip6=` (LXC) or `ipconfigN` (QEMU cloud-init), CIDR text. */
  staticIps: string[];
  /** `dhcp`, `auto`, `manual` or null when the address is static or unset. */
  ipMode: string | null;
}

/** `ip=10.0.0.5/24` is static; `dhcp`, `auto`, `manual` are modes. */
function addressParts(values: (string | undefined)[]): { ips: string[]; mode: string | null } {
  const ips: string[] = [];
  let mode: string | null = null;
  for (const value of values) {
    if (value === undefined || value === '') continue;
    if (['dhcp', 'auto', 'manual'].includes(value)) mode ??= value;
    else ips.push(value);
  }
  return { ips, mode };
}

/** Every `netN` of a config with its `ipconfigN` (QEMU) folded in, ordered by N. */
export function guestNics(config: Record<string, unknown>, type: 'qemu' | 'lxc'): GuestNic[] {
  const keys = Object.keys(config)
    .filter((key) => /^net\d+$/.test(key))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  return keys.map((key) => {
    const value = config[key];
    const props = parsePropertyString(typeof value === 'string' ? value : '');
    let mac = props.get('hwaddr') ?? props.get('macaddr') ?? null;
    let model: string | null = props.get('model') ?? null;
    if (type === 'qemu') {
      for (const [name, text] of props) {
        if (qemuModels.has(name)) {
          model = name;
          mac = text;
        }
      }
    }
    const ipconfig = config[`ipconfig${key.slice(3)}`];
    const cloudInit =
      type === 'qemu' && typeof ipconfig === 'string' ? parsePropertyString(ipconfig) : undefined;
    const source = cloudInit ?? props;
    const { ips, mode } = addressParts([source.get('ip'), source.get('ip6')]);
    const tag = props.get('tag');
    return {
      key,
      mac,
      bridge: props.get('bridge') ?? null,
      vlan: tag !== undefined && /^\d+$/.test(tag) ? Number(tag) : null,
      ifname: type === 'lxc' ? (props.get('name') ?? null) : null,
      model,
      staticIps: ips,
      ipMode: mode,
    };
  });
}

/** Whether a QEMU config enables the guest agent (`agent: 1` or `agent: enabled=1,…`). */
export function agentEnabled(config: Record<string, unknown>): boolean {
  const value = config.agent;
  if (value === undefined || value === null) return false;
  if (typeof value === 'number' || typeof value === 'boolean') return Boolean(value);
  if (typeof value !== 'string') return false;
  const enabled = parsePropertyString(value, 'enabled').get('enabled');
  return enabled === '1' || enabled === 'true' || enabled === 'yes' || enabled === 'on';
}

/** `smbios1: uuid=…,manufacturer=…` → the SMBIOS UUID, lower-case. */
export function smbiosUuid(config: Record<string, unknown>): string | null {
  const value = config.smbios1;
  if (typeof value !== 'string') return null;
  const uuid = parsePropertyString(value).get('uuid');
  return uuid !== undefined && /^[0-9a-f-]{32,36}$/i.test(uuid) ? uuid.toLowerCase() : null;
}

/** PVE stores tags `;`-separated; older versions and hand edits use `,` or spaces. */
export function splitTags(tags: string | undefined): string[] {
  if (tags === undefined) return [];
  return [...new Set(tags.split(/[;,\s]+/).filter((tag) => tag !== ''))];
}
