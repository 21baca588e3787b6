import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from './app/create-core';
import { takeEnvPassphrase } from './app/env-passphrase';
import { appVersion } from './app/version';
import { resolveDataDir } from './core/data-dir';
import { createLogger } from './core/logger';
import { storageProblem } from './db/open-database';
import { startBrowserHost } from './hosts/browser-host';

/**
 * `npm run demo -- --browser`: the core and the renderer served to a local browser. Prints exactly
 * one line to stdout — the address with its one-time token — and logs to stderr.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, not ${values.port ?? ''}`);
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = values['renderer-dir'] ?? path.resolve(here, '../renderer');
  const logger = createLogger({ scope: 'browser-host' });
  const dataDir = resolveDataDir({ flag: values['data-dir'] });
  const unlockWith = takeEnvPassphrase();
  const core = await createCore({
    dataDir,
    host: 'browser',
    version: appVersion,
    logger,
    ...(unlockWith === undefined ? {} : { unlockWith }),
  });
  const host = await startBrowserHost({ core, rendererDir, logger, port });
  process.stdout.write(`Rackside is serving at ${host.url}\n`);

  const stop = (): void => {
    void host
      .close()
      .then(() => core.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Rackside could not start: ${storageProblem(error) ?? (error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
