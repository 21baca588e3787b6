import fs from 'node:fs/promises';
import os from 'node:os';
import type { AppInfo, HostKind } from '../../shared/contract';
import { createRouter, type Handlers, type Router } from '../contract/router';
import { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { SettingsStore } from '../settings/settings-store';

export interface CoreOptions {
  dataDir: string;
  host: HostKind;
  version: string;
  logger: Logger;
}

export interface Core {
  router: Router;
  events: EventHub;
  dataDir: string;
  close(): Promise<void>;
}

/** Builds the core services once and binds them to the contract; both hosts call this. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const { dataDir, logger } = options;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const events = new EventHub();
  const settings = await SettingsStore.open(dataDir, logger.child('settings'));

  const appInfo = (): AppInfo => ({
    name: 'Rackside',
    version: options.version,
    platform: os.platform(),
    arch: os.arch(),
    host: options.host,
    dataDir,
    vault: 'uninitialized',
  });

  const handlers: Handlers = {
    'app:info': () => appInfo(),
    'settings:get': () => settings.get(),
    'settings:set': async (patch) => {
      const next = await settings.update(patch);
      events.emit('settings:changed', next);
      return next;
    },
  };

  return {
    router: createRouter(handlers, logger.child('router')),
    events,
    dataDir,
    close: () => Promise.resolve(),
  };
}
