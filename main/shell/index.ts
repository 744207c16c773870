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
// CommonJS, whose autoUpdater getter Node's ESM loader cannot see as a named export.
import electronUpdater from 'electron-updater';
import { join } from 'node:path';
import type { Settings } from '../settings/settings-file';
import { createServices, type Services } from '../app';
import type { Words } from '../i18n';
import { createHandlers } from '../ipc/handlers';
import { scrubSecrets } from '../net/scrub';
import { safeStorageSecretBox } from '../profiles/secret-box';
import { dialogAdapter, openExternal, osAdapter } from './adapters';
import { registerIpc, sendEvent } from './ipc';
import { appUrl, registerAppScheme, serveRenderer } from './protocol';
import { electronUpdaterPort } from './updates';
import { createMainWindow } from './window';

const apiReference = 'https://docs.openstack.org/api-ref/image/v2/';
const appName = 'Glance Desk';

let window: BrowserWindow | null = null;

function log(line: string): void {
  console.error(`[glance-desk] ${line}`);
}

/**
 * The application menu in the app's language. Electron's role menus come with English labels,
 * so every menu and item is written out here with a label from the dictionary: the items of
 * Electron's default menus (a packaged app's View menu has no DevTools), and our Help items.
 * Menus keep a role only where macOS gives it a meaning (app, Window and Help menus).
 */
function buildMenu(
  { say }: Words,
  actions: { packaged: boolean; openLogFolder: () => void; checkForUpdates: () => void },
): Menu {
  const mac = process.platform === 'darwin';
  const app = { app: appName };
  const separator = { type: 'separator' } as const;
  const template: MenuItemConstructorOptions[] = [
    ...(mac
      ? [
          {
            role: 'appMenu' as const,
            label: appName,
            submenu: [
              { role: 'about' as const, label: say('menu.about', app) },
              separator,
              { role: 'services' as const, label: say('menu.services') },
              separator,
              { role: 'hide' as const, label: say('menu.hide', app) },
              { role: 'hideOthers' as const, label: say('menu.hideOthers') },
              { role: 'unhide' as const, label: say('menu.showAll') },
              separator,
              { role: 'quit' as const, label: say('menu.quitApp', app) },
            ],
          },
        ]
      : []),
    {
      label: say('menu.file'),
      submenu: [
        mac
          ? { role: 'close', label: say('menu.closeWindow') }
          : { role: 'quit', label: say('menu.quit') },
      ],
    },
    {
      label: say('menu.edit'),
      submenu: [
        { role: 'undo', label: say('menu.undo') },
        { role: 'redo', label: say('menu.redo') },
        separator,
        { role: 'cut', label: say('menu.cut') },
        { role: 'copy', label: say('menu.copy') },
        { role: 'paste', label: say('menu.paste') },
        ...(mac
          ? [{ role: 'pasteAndMatchStyle' as const, label: say('menu.pasteAndMatchStyle') }]
          : []),
        { role: 'delete', label: say('menu.delete') },
        separator,
        { role: 'selectAll', label: say('menu.selectAll') },
      ],
    },
    {
      label: say('menu.view'),
      submenu: [
        { role: 'reload', label: say('menu.reload') },
        { role: 'forceReload', label: say('menu.forceReload') },
        ...(actions.packaged
          ? []
          : [{ role: 'toggleDevTools' as const, label: say('menu.toggleDevTools') }]),
        separator,
        { role: 'resetZoom', label: say('menu.resetZoom') },
        { role: 'zoomIn', label: say('menu.zoomIn') },
        { role: 'zoomOut', label: say('menu.zoomOut') },
        separator,
        { role: 'togglefullscreen', label: say('menu.toggleFullScreen') },
      ],
    },
    {
      role: 'windowMenu',
      label: say('menu.window'),
      submenu: [
        { role: 'minimize', label: say('menu.minimize') },
        { role: 'zoom', label: say('menu.zoom') },
        ...(mac
          ? [separator, { role: 'front' as const, label: say('menu.front') }]
          : [{ role: 'close' as const, label: say('menu.closeWindow') }]),
      ],
    },
    {
      role: 'help',
      label: say('menu.help'),
      submenu: [
        { label: say('menu.apiReference'), click: () => openLink(apiReference) },
        { label: say('menu.openLogFolder'), click: actions.openLogFolder },
        separator,
        { label: say('menu.checkForUpdates'), click: actions.checkForUpdates },
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
    // Called only once the services exist: a dialog opens on a call from the page.
    dialogs: dialogAdapter(
      () => window,
      () => services.words(),
    ),
    os: osAdapter(),
    appInfo: {
      version: app.getVersion(),
      platform: process.platform,
      systemLocale: app.getSystemLocale(),
    },
    log,
    // Built only when this build may update (packaged, not turned off).
    updates: {
      createUpdater: () => electronUpdaterPort(electronUpdater.autoUpdater),
      packaged: app.isPackaged,
    },
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
  services.updates.onChange((status) => sendEvent(window, 'updateStatusChanged', status));
  const openLogFolder = () => {
    services.os
      .openFolder(services.appLog.dir)
      .catch((error: unknown) => log(`Could not open the log folder: ${String(error)}`));
  };
  // The outcome shows in the window (updateStatusChanged), as for the Settings button.
  const checkForUpdates = () => void services.updates.check(true);
  // The menu speaks the app's language: built again when a settings change changes it.
  const menuActions = { packaged: app.isPackaged, openLogFolder, checkForUpdates };
  let menuLocale = services.words().locale;
  Menu.setApplicationMenu(buildMenu(services.words(), menuActions));
  services.settings.onChange(() => {
    const words = services.words();
    if (words.locale === menuLocale) return;
    menuLocale = words.locale;
    Menu.setApplicationMenu(buildMenu(words, menuActions));
  });

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
  void services.updates.checkAtStart();

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
