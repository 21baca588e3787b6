import { app, session, shell, type WebContents } from 'electron';
import type { Logger } from '../core/logger';

/**
 * The one way out to the user's browser: https links only, and only after URL parsing — never a
 * `file:`, custom-scheme or `javascript:` URL from page content.
 */
export function openExternalSafe(raw: string, logger: Logger): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    logger.warn('refused to open an unparseable external link');
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) {
    logger.warn('refused to open a non-https external link', { protocol: url.protocol });
    return false;
  }
  void shell.openExternal(url.toString());
  return true;
}

/** App-wide hardening (SECURITY.md §1–3) that must be in place before any window exists. */
export function hardenApp(logger: Logger): void {
  app.enableSandbox();

  app.on('web-contents-created', (_event, contents) => {
    hardenContents(contents, logger);
  });

  void app.whenReady().then(() => {
    const deny = session.defaultSession;
    deny.setPermissionRequestHandler((_contents, permission, callback) => {
      logger.warn('denied a permission request', { permission });
      callback(false);
    });
    deny.setPermissionCheckHandler(() => false);
    deny.setDevicePermissionHandler(() => false);
  });
}

function hardenContents(contents: WebContents, logger: Logger): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    logger.warn('blocked a navigation', { url: safeUrl(url) });
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    logger.warn('blocked a redirect', { url: safeUrl(url) });
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('blocked a webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafe(url, logger);
    return { action: 'deny' };
  });
}

function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparseable)';
  }
}
