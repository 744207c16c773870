/**
 * The Electron main process: app lifecycle around the plain-Node services. One instance
 * (a second launch focuses the first window), the usual menus, services built with
 * electron-store, safeStorage and the real dialog / OS adapters, the IPC handlers, and the
 * window, whose size and position are remembered. A packaged app (`app.isPackaged`) takes
 * no orders from its environment (no dev server page, no other data folder) and has no
 * DevTools.
 */
import { app, BrowserWindow, Menu, safeStorage, type MenuItemConstructorOptions } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import type { Settings } from '../settings/settings-file';
import { createServices, type Services } from '../app';
import { createHandlers } from '../ipc/handlers';
import { scrubSecrets } from '../net/scrub';
import { safeStorageSecretBox } from '../profiles/secret-box';
import { dialogAdapter, openExternal, osAdapter } from './adapters';
import { registerIpc, sendEvent } from './ipc';
import { appUrl, registerAppScheme, serveRenderer } from './protocol';
import { createMainWindow } from './window';

const apiReference = 'https://docs.openstack.org/api-ref/image/v2/';

let window: BrowserWindow | null = null;

function log(line: string): void {
  console.error(`[glance-desk] ${line}`);
}

/** Electron's View menu without Toggle Developer Tools, for a packaged app. */
const viewMenuWithoutDevTools: MenuItemConstructorOptions = {
  label: 'View',
  submenu: [
    { role: 'reload' },
    { role: 'forceReload' },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ],
};

function buildMenu(packaged: boolean, openLogFolder: () => void): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    packaged ? viewMenuWithoutDevTools : { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Glance Image API Reference', click: () => openLink(apiReference) },
        { label: 'Open Log Folder', click: openLogFolder },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

function openLink(url: string): void {
  openExternal(url).catch((error: unknown) => log(`Could not open ${url}: ${String(error)}`));
}

async function start(): Promise<void> {
  await app.whenReady();
  const services: Services = await createServices({
    dataDir: app.getPath('userData'),
    createSettingsStore: (options) => new Store<Settings>(options),
    secretBox: safeStorageSecretBox(safeStorage),
    dialogs: dialogAdapter(() => window),
    os: osAdapter(),
    appInfo: {
      version: app.getVersion(),
      platform: process.platform,
      systemLocale: app.getSystemLocale(),
    },
    log,
  });
  const url = appUrl(app.isPackaged);
  serveRenderer(join(import.meta.dirname, '../renderer'));
  registerIpc({
    handlers: createHandlers(services),
    grantDroppedFile: (path) => services.pathGrants.grant('upload-file', path),
    getWindow: () => window,
    url,
    // Refused senders and unexpected errors go to the log file too.
    log: services.log,
  });
  services.transfers.onChange((event) => sendEvent(window, 'transfersChanged', event));
  const openLogFolder = () => {
    services.os
      .openFolder(services.appLog.dir)
      .catch((error: unknown) => log(`Could not open the log folder: ${String(error)}`));
  };
  Menu.setApplicationMenu(buildMenu(app.isPackaged, openLogFolder));

  const openWindow = () => {
    const bounds = services.settings.get('windowBounds');
    window = createMainWindow({
      url,
      devTools: !app.isPackaged,
      ...(bounds === undefined ? {} : { bounds }),
      openExternal: openLink,
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

// A separate data folder (settings, transfer queue) for tests and development, never for a
// packaged app (its environment must not point it at other settings or secrets). Set
// before the lock, which lives in the data folder: each folder is its own instance.
const dataDir = app.isPackaged ? undefined : process.env['GLANCE_DESK_DATA_DIR'];
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
