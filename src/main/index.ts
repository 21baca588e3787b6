import { createCore } from './app/create-core';
import { takeEnvPassphrase } from './app/env-passphrase';
import { appVersion } from './app/version';
import { createLogger } from './core/logger';
import { startElectronHost } from './electron/host';
import { electronSecretBox } from './electron/safe-storage';

// Composition root of the Electron app: core services plus the Electron host.
const logger = createLogger({ scope: 'rackside' });
const unlockWith = takeEnvPassphrase();

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
      ...(unlockWith === undefined ? {} : { unlockWith }),
    }),
});
