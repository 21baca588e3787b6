import { z } from 'zod';

/**
 * Zod schemas of the Proxmox VE responses Rackside reads (reference/proxmox.md §5). Objects are
 * loose: unknown keys pass through into `raw`, so a newer PVE adding fields never breaks a sync,
 * while a field we rely on with the wrong type is a validation error naming its path.
 */

/** PVE booleans are `0/1` numbers almost everywhere; tolerate `true/false` and `"0"/"1"`. */
export const PveBool = z
  .union([z.literal(0), z.literal(1), z.boolean(), z.literal('0'), z.literal('1')])
  .transform((value) => value === 1 || value === true || value === '1');

/** LXC `vmid` was a JSON string before pve-container 5.0.10 (§5.6); accept both. */
export const Vmid = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+$/, 'vmid must be digits')
    .transform((value) => Number(value)),
]);

const envelopes = new WeakMap<z.ZodType, z.ZodType>();

/**
 * `{"data": …}` — every PVE success body. One envelope per data schema, built once: zod compiles
 * an object schema on its first parse, and a sync parses thousands of answers per schema.
 */
export function envelope<T extends z.ZodType>(data: T): z.ZodObject<{ data: T }, z.core.$loose> {
  let schema = envelopes.get(data);
  if (schema === undefined) {
    schema = z.looseObject({ data });
    envelopes.set(data, schema);
  }
  return schema as z.ZodObject<{ data: T }, z.core.$loose>;
}

export const PveVersion = z.looseObject({
  version: z.string().min(1),
  release: z.string().optional(),
  repoid: z.string().optional(),
});
export type PveVersion = z.infer<typeof PveVersion>;

export const ClusterStatusEntry = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  name: z.string().optional(),
  ip: z.string().optional(),
  online: PveBool.optional(),
  quorate: PveBool.optional(),
  nodes: z.number().int().optional(),
});
export const ClusterStatus = z.array(ClusterStatusEntry);
export type ClusterStatusEntry = z.infer<typeof ClusterStatusEntry>;

/** A guest in `/cluster/resources`; an `unknown` guest carries only id, type, vmid, node, status. */
export const GuestResource = z.looseObject({
  id: z.string(),
  type: z.enum(['qemu', 'lxc']),
  vmid: Vmid,
  node: z.string().min(1),
  status: z.string(),
  name: z.string().optional(),
  template: PveBool.optional(),
  tags: z.string().optional(),
  pool: z.string().optional(),
  lock: z.string().optional(),
  hastate: z.string().optional(),
  uptime: z.number().nonnegative().optional(),
  maxcpu: z.number().optional(),
  maxmem: z.number().optional(),
  maxdisk: z.number().optional(),
});
export type GuestResource = z.infer<typeof GuestResource>;

export const NodeResource = z.looseObject({
  id: z.string(),
  type: z.literal('node'),
  node: z.string().min(1),
  status: z.string(),
  uptime: z.number().nonnegative().optional(),
  maxcpu: z.number().optional(),
  maxmem: z.number().optional(),
  level: z.string().optional(),
});
export type NodeResource = z.infer<typeof NodeResource>;

const OtherResource = z.looseObject({ type: z.string() });
type OtherResource = z.infer<typeof OtherResource>;

/**
 * `/cluster/resources` mixes guests, nodes, storage, pools, SDN and (9.1+) network entries; the
 * entries we use are validated strictly, the rest only need a `type`. The `type` picks the schema
 * (rather than a union trying each), so a bad field is reported at its own path
 * (`data[3].name`), not as a `type` that matched no branch.
 */
export const ClusterResource = OtherResource.transform(
  (entry, context): GuestResource | NodeResource | OtherResource => {
    const schema =
      entry.type === 'qemu' || entry.type === 'lxc'
        ? GuestResource
        : entry.type === 'node'
          ? NodeResource
          : null;
    if (schema === null) return entry;
    const parsed = schema.safeParse(entry);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      context.issues.push({
        code: 'custom',
        message: issue.message,
        path: issue.path,
        input: entry,
      });
    }
    return z.NEVER;
  },
);
export const ClusterResources = z.array(ClusterResource);

export const NodeStatus = z.looseObject({
  uptime: z.number().optional(),
  kversion: z.string().optional(),
  pveversion: z.string().optional(),
  cpuinfo: z
    .looseObject({
      model: z.string().optional(),
      cpus: z.number().optional(),
      sockets: z.number().optional(),
    })
    .optional(),
  memory: z.looseObject({ total: z.number().optional() }).optional(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

/**
 * A guest config. `netN` / `ipconfigN` are property strings; `digest` changes with every config
 * change. Other values keep whatever JSON type PVE gives them.
 */
const stringConfigKeys = new Set([
  'digest',
  'name',
  'hostname',
  'ostype',
  'tags',
  'smbios1',
  'searchdomain',
]);

// A plain-object check rather than `z.record(z.string(), z.unknown())`, which would validate and
// copy every key of every config of a sync; the object passes through as PVE sent it.
export const GuestConfig = z
  .custom<Record<string, unknown>>(
    (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
    { message: 'expected an object' },
  )
  .superRefine((config, context) => {
    for (const key of Object.keys(config)) {
      const stringKey = stringConfigKeys.has(key) || /^(net|ipconfig)\d+$/.test(key);
      if (stringKey && typeof config[key] !== 'string') {
        context.addIssue({ code: 'custom', path: [key], message: 'expected a string' });
      }
    }
  });
export type GuestConfig = z.infer<typeof GuestConfig>;

const LxcAddress = z.looseObject({
  'ip-address': z.string(),
  'ip-address-type': z.string().optional(),
  prefix: z.number().int().optional(),
});

/** `ip --json a` inside the container; `null` for a stopped container (§5.9). */
export const LxcInterfaces = z
  .array(
    z.looseObject({
      name: z.string(),
      hwaddr: z.string().optional(),
      'hardware-address': z.string().optional(),
      inet: z.string().optional(),
      inet6: z.string().optional(),
      'ip-addresses': z.array(LxcAddress).optional(),
    }),
  )
  .nullable();
export type LxcInterfaces = z.infer<typeof LxcInterfaces>;

export const AgentInterface = z.looseObject({
  name: z.string(),
  'hardware-address': z.string().optional(),
  'ip-addresses': z.array(LxcAddress).optional(),
});
export type AgentInterface = z.infer<typeof AgentInterface>;

/**
 * QGA `network-get-interfaces`, wrapped in `result`. Some guests answer 200 with an error object
 * inside (`CommandDisabled`, `Unsupported`); that means "no addresses", not a failure.
 */
export const AgentNetwork = z.looseObject({
  result: z.union([
    z.array(AgentInterface),
    z.looseObject({ error: z.looseObject({ class: z.string().optional() }) }),
  ]),
});
export type AgentNetwork = z.infer<typeof AgentNetwork>;

/** `/access/permissions`: path → privilege → propagate flag. */
export const Permissions = z.record(
  z.string(),
  z.record(z.string(), z.union([z.number(), z.boolean()])),
);
export type Permissions = z.infer<typeof Permissions>;

export const TicketResponse = z.looseObject({
  username: z.string(),
  ticket: z.string().min(1),
  CSRFPreventionToken: z.string().optional(),
  NeedTFA: PveBool.optional(),
  clustername: z.string().optional(),
});
export type TicketResponse = z.infer<typeof TicketResponse>;
