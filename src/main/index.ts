import { createCore } from './app/create-core';
import { appVersion } from './app/version';
import { createLogger } from './core/logger';
import { startElectronHost } from './electron/host';

// Composition root of the Electron app: core services plus the Electron host.
const logger = createLogger({ scope: 'rackside' });

startElectronHost({
  logger,
  createCore: (dataDir) =>
    createCore({ dataDir, host: 'electron', version: appVersion, logger: logger.child('core') }),
});
