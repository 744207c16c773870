/**
 * A stand-in for the `electron` module (as Electron Fiddle's tests do): just enough of
 * BrowserWindow, WebContents, Session, ipcMain / ipcRenderer, contextBridge and friends to
 * run the shell and the preload in Node and inspect what they asked Electron to do.
 * Use with `vi.mock('electron', () => import('./electron-mock'))`; import this file in the
 * test to reach the same instances. Loading it also makes `require('electron')` answer with
 * it, for dependencies Node loads itself (electron-updater); `net.request` goes over Node's
 * http, so electron-updater really talks to a test server.
 */
import { EventEmitter } from 'node:events';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { vi } from 'vitest';

type Listener = (...args: never[]) => unknown;

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  headersListener: Listener | null = null;
  setPermissionRequestHandler = vi.fn((handler: Listener | null) => {
    this.permissionRequestHandler = handler;
  });
  setPermissionCheckHandler = vi.fn((handler: Listener | null) => {
    this.permissionCheckHandler = handler;
  });
  webRequest = {
    onHeadersReceived: vi.fn((listener: Listener) => {
      this.headersListener = listener;
    }),
  };
}

export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

export class FakeWebContents extends EventEmitter {
  session = new FakeSession();
  mainFrame = new FakeFrame('');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler = vi.fn((handler: (details: { url: string }) => { action: string }) => {
    this.windowOpenHandler = handler;
  });
  send = vi.fn();
  startDrag = vi.fn();
  getURL = () => this.mainFrame.url;
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  webContents = new FakeWebContents();
  destroyed = false;
  maximized = false;
  loadURL = vi.fn(async (url: string) => {
    this.webContents.mainFrame.url = url;
  });
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = vi.fn(() => false);
  maximize = vi.fn(() => {
    this.maximized = true;
  });

  constructor(
    public options: Record<string, unknown> & { webPreferences?: Record<string, unknown> },
  ) {
    super();
    BrowserWindow.instances.push(this);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds() {
    const { x = 0, y = 0, width = 0, height = 0 } = this.options as Record<string, number>;
    return { x, y, width, height };
  }
}

export const screen = {
  getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]),
};

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  listeners: new Map<string, Listener>(),
  handle: vi.fn((channel: string, listener: Listener) => {
    ipcMain.handlers.set(channel, listener);
  }),
  on: vi.fn((channel: string, listener: Listener) => {
    ipcMain.listeners.set(channel, listener);
  }),
  once: vi.fn(),
};

export const ipcRenderer = {
  invoke: vi.fn(async (channel: string, input: unknown): Promise<unknown> => ({ channel, input })),
  on: vi.fn(),
  removeListener: vi.fn(),
  send: vi.fn(),
  sendSync: vi.fn(),
};

export const contextBridge = { exposeInMainWorld: vi.fn() };

export const webUtils = {
  getPathForFile: vi.fn((file: { name: string }) => `/dropped/${file.name}`),
};

export const shell = { openExternal: vi.fn(async () => undefined), showItemInFolder: vi.fn() };

export const dialog = {
  showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
  showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })),
};

export const nativeImage = {
  createFromDataURL: vi.fn((url: string) => ({ dataUrl: url, isEmpty: () => false })),
};

export const protocol = {
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
    protocol.handlers.set(scheme, handler);
  }),
};

export const app = {
  listeners: new Map<string, ((...args: unknown[]) => unknown)[]>(),
  /** What requestSingleInstanceLock answers. */
  lock: true,
  /** False when run as `electron .` (development, tests), true in an installed build. */
  isPackaged: false,
  userData: '',
  whenReady: vi.fn(async () => undefined),
  requestSingleInstanceLock: vi.fn(() => app.lock),
  getPath: vi.fn(() => app.userData),
  setPath: vi.fn((_name: string, path: string) => {
    app.userData = path;
  }),
  getVersion: () => '1.2.3',
  getName: () => 'Glance Desk',
  getAppPath: () => app.userData,
  relaunch: vi.fn(),
  getSystemLocale: () => 'zh-CN',
  quit: vi.fn(),
  exit: vi.fn(),
  on: vi.fn((event: string, listener: (...args: unknown[]) => unknown) => {
    app.listeners.set(event, [...(app.listeners.get(event) ?? []), listener]);
  }),
  once: vi.fn((event: string, listener: (...args: unknown[]) => unknown) => {
    app.listeners.set(event, [...(app.listeners.get(event) ?? []), listener]);
  }),
  emit(event: string, ...args: unknown[]): void {
    for (const listener of app.listeners.get(event) ?? []) listener(...args);
  },
};

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn(),
};

/** safeStorage with a working keyring (reversible, not plaintext). */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (plain: string) => Buffer.from(plain, 'utf8').reverse(),
  decryptString: (cipher: Buffer) => Buffer.from(cipher).reverse().toString('utf8'),
};

export class Notification {
  static supported = true;
  static shown: { title: string; body: string }[] = [];
  static isSupported = () => Notification.supported;
  constructor(private readonly options: { title: string; body: string }) {}
  show(): void {
    Notification.shown.push(this.options);
  }
}

/** Electron's net.request, over Node's http and https (its Electron-only options left out). */
export const net = {
  request: vi.fn(({ protocol, hostname, port, path, method, headers }: RequestOptions) =>
    (protocol === 'https:' ? httpsRequest : httpRequest)({
      protocol,
      hostname,
      port,
      path,
      method,
      headers,
    }),
  ),
};

export const session = { fromPartition: vi.fn(() => new FakeSession()) };

/** Electron's own autoUpdater: electron-updater only emits 'before-quit-for-update' on it. */
export const autoUpdater = new EventEmitter();

const electron = {
  BrowserWindow,
  screen,
  ipcMain,
  ipcRenderer,
  contextBridge,
  webUtils,
  shell,
  dialog,
  nativeImage,
  Notification,
  protocol,
  app,
  Menu,
  safeStorage,
  net,
  session,
  autoUpdater,
};
export default electron;

const require = createRequire(import.meta.url);
const electronPath = require.resolve('electron');
require.cache[electronPath] = {
  id: electronPath,
  filename: electronPath,
  loaded: true,
  exports: electron,
} as NodeJS.Module;
