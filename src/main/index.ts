import { createCore } from './app/create-core';
import { appVersion } from './app/version';
import { createLogger } from './core/logger';
import { startElectronHost } from './electron/host';
import { electronSecretBox } from './electron/safe-storage';

// Composition root of the Electron app: core services plus the Electron host.
const logger = createLogger({ scope: 'rackside' });

startElectronHost({
  logger,
  createCore: ({ dataDir, nativeBinding }) =>
    createCore({
      dataDir,
      host: 'electron',
      version: appVersion,
      logger: logger.child('core'),
      secretBox: electronSecretBox,
      ...(nativeBinding ? { nativeBinding } : {}),
    }),
});
