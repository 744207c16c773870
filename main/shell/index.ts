/**
 * The Electron main process: app lifecycle around the plain-Node services. One instance
 * (a second launch focuses the first window), the usual menus, services built with
 * electron-store, safeStorage and the real dialog / OS adapters, the IPC handlers, and the
 * window, whose size and position are remembered.
 */
import { app, BrowserWindow, Menu, safeStorage, type MenuItemConstructorOptions } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import type { Settings } from '../settings/settings-file';
import { createServices, type Services } from '../app';
import { createHandlers } from '../ipc/handlers';
import { scrubSecrets } from '../net/scrub';
import { safeStorageSecretBox } from '../profiles/secret-box';
import { dialogAdapter, osAdapter } from './adapters';
import { registerIpc, sendEvent } from './ipc';
import { appUrl, registerAppScheme, serveRenderer } from './protocol';
import { createMainWindow } from './window';

const apiReference = 'https://docs.openstack.org/api-ref/image/v2/';

let window: BrowserWindow | null = null;

function log(line: string): void {
  console.error(`[glance-desk] ${line}`);
}

function buildMenu(openExternal: (url: string) => void): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Glance Image API Reference', click: () => openExternal(apiReference) }],
    },
  ];
  return Menu.buildFromTemplate(template);
}

async function start(): Promise<void> {
  await app.whenReady();
  const os = osAdapter();
  const openExternal = (url: string) => {
    os.openExternal(url).catch((error: unknown) => log(`Could not open ${url}: ${String(error)}`));
  };
  const services: Services = await createServices({
    dataDir: app.getPath('userData'),
    createSettingsStore: (options) => new Store<Settings>(options),
    secretBox: safeStorageSecretBox(safeStorage),
    dialogs: dialogAdapter(() => window),
    os,
    appInfo: {
      version: app.getVersion(),
      platform: process.platform,
      systemLocale: app.getSystemLocale(),
    },
    log,
  });
  const url = appUrl();
  serveRenderer(join(import.meta.dirname, '../renderer'));
  registerIpc({
    handlers: createHandlers(services),
    grantDroppedFile: (path) => services.pathGrants.grant('file', path),
    getWindow: () => window,
    url,
    log,
  });
  services.transfers.onChange((event) => sendEvent(window, 'transfersChanged', event));
  Menu.setApplicationMenu(buildMenu(openExternal));

  const openWindow = () => {
    const bounds = services.settings.get('windowBounds');
    window = createMainWindow({
      url,
      ...(bounds === undefined ? {} : { bounds }),
      openExternal,
      onClose: (closing) => services.settings.set('windowBounds', closing),
    });
    window.on('closed', () => {
      window = null;
    });
  };
  openWindow();

  app.on('second-instance', () => {
    if (window === null) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (window === null) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop the transfers cleanly (they resume on the next start) before quitting.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void services
      .close()
      .catch((error: unknown) => log(`Closing failed: ${String(error)}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

// A separate data folder (settings, transfer queue) for tests or a portable setup. Set
// before the lock, which lives in the data folder: each folder is its own instance.
const dataDir = process.env['GLANCE_DESK_DATA_DIR'];
if (dataDir) app.setPath('userData', dataDir);

if (app.requestSingleInstanceLock()) {
  registerAppScheme();
  start().catch((error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`Glance Desk could not start: ${scrubSecrets(text)}`);
    app.exit(1);
  });
} else {
  app.quit();
}
