/**
 * The names of every command and push event. Kept apart from the schemas so the preload can list
 * them without bundling zod; contract.ts is checked against these lists by the compiler.
 */
export const commandNames = [
  'app:info',
  'notices:list',
  'notices:dismiss',
  'settings:get',
  'settings:set',
  'vault:status',
  'vault:setup',
  'vault:unlock',
  'vault:unlock-keychain',
  'vault:lock',
  'vault:active',
  'vault:change-passphrase',
  'vault:set-keychain',
  'profiles:list',
  'profiles:save',
  'profiles:remove',
  'profiles:probe',
  'profiles:pin',
  'profiles:export',
  'profiles:import',
  'profiles:import-ssh-config',
  'sync:start',
  'sync:cancel',
  'sync:status',
  'sync:schedule',
  'sync:test-login',
  'otp:answer',
  'otp:list',
  'inventory:query',
  'inventory:ids',
  'inventory:asset',
  'inventory:join',
  'inventory:split',
  'inventory:drift',
  'inventory:facets',
  'inventory:export',
  'ssh:open',
  'ssh:lxc-console',
  'ssh:resize',
  'ssh:close',
  'ssh:reconnect',
  'ssh:answer',
  'ssh:forget-host-key',
  'ssh:list',
  'ssh:attach',
] as const;
export type CommandName = (typeof commandNames)[number];

export const eventNames = [
  'notices:changed',
  'settings:changed',
  'vault:changed',
  'profiles:changed',
  'sync:progress',
  'otp:request',
  'otp:closed',
  'inventory:changed',
  'ssh:status',
  'ssh:prompt',
  'ssh:prompt-closed',
  'ssh:log-stopped',
] as const;
export type EventName = (typeof eventNames)[number];

const commandSet: ReadonlySet<string> = new Set(commandNames);
const eventSet: ReadonlySet<string> = new Set(eventNames);

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && commandSet.has(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && eventSet.has(value);
}

/** The Electron IPC channels carrying the contract; nothing else is exposed by the preload. */
export const ipcChannels = {
  invoke: 'rackside:invoke',
  event: 'rackside:event',
  /** Main → renderer: a MessagePort for one of `portPurposes` (terminal streams). */
  port: 'rackside:port',
} as const;

/** What a MessagePort handed to the renderer may be for. */
export const portPurposes = ['terminal'] as const;
export type PortPurpose = (typeof portPurposes)[number];

export function isPortPurpose(value: unknown): value is PortPurpose {
  return typeof value === 'string' && (portPurposes as readonly string[]).includes(value);
}
