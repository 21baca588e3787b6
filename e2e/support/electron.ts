import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The Electron binary, when its download ran (a normal `npm install` on a user's machine).
 * CI machines cannot download it, and then the e2e suite drives the browser host in Chromium.
 */
export function electronBinary(): string | undefined {
  if (process.env.RACKSIDE_E2E_HOST === 'browser') return undefined;
  try {
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

export function chromiumPath(): string {
  return process.env.RACKSIDE_CHROMIUM ?? '/usr/bin/chromium';
}

/** Flags for Debian's Chromium on a closed network, running as root in CI (BUILD-NOTES.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
