import { z } from 'zod';
import type { CommandName, EventName } from './channels';
import { Settings, SettingsPatch } from './settings';

/**
 * The contract between the renderer and the main side: every command with its request and
 * response schema, every push event with its payload schema. Requests are strict and bounded;
 * the router validates them before any handler runs.
 */

const Empty = z.object({}).strict();

export const VaultState = z.enum(['uninitialized', 'locked', 'unlocked']);
export type VaultState = z.infer<typeof VaultState>;

export const HostKind = z.enum(['electron', 'browser']);
export type HostKind = z.infer<typeof HostKind>;

export const AppInfo = z
  .object({
    name: z.string(),
    version: z.string(),
    platform: z.string(),
    arch: z.string(),
    host: HostKind,
    dataDir: z.string(),
    vault: VaultState,
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfo>;

interface CommandSpec {
  request: z.ZodType;
  response: z.ZodType;
}

export const commands = {
  'app:info': { request: Empty, response: AppInfo },
  'settings:get': { request: Empty, response: Settings },
  'settings:set': { request: SettingsPatch, response: Settings },
} as const satisfies Record<CommandName, CommandSpec>;

export const events = {
  'settings:changed': Settings,
} as const satisfies Record<EventName, z.ZodType>;

export type Commands = typeof commands;
export type Request<K extends CommandName> = z.input<Commands[K]['request']>;
export type ParsedRequest<K extends CommandName> = z.output<Commands[K]['request']>;
export type Response<K extends CommandName> = z.infer<Commands[K]['response']>;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;

/** Largest serialized request the router accepts; anything bigger is refused unread. */
export const maxRequestBytes = 256 * 1024;

export type { CommandName, EventName } from './channels';
