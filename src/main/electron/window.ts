import { BrowserWindow } from 'electron';
import { appOrigin } from './protocol';

export function createMainWindow(options: {
  preload: string;
  devServerUrl?: string;
}): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Rackside',
    backgroundColor: '#15171a',
    // The only webPreferences any Rackside window gets (SECURITY.md §1). Written out literally so
    // the security scanner can see every switch.
    webPreferences: {
      preload: options.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.devServerUrl ?? `${appOrigin}/index.html`);
  return window;
}
