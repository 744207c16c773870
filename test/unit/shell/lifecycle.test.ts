// main/shell/index.ts, the app's lifecycle, over a mocked electron (and conf in place of
// electron-store, which is conf underneath): single instance, menus, IPC for every call,
// the window and its remembered bounds, a clean quit; a packaged app that takes no orders
// from its environment and has no DevTools.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { droppedFileChannel } from '../../../common/channels';
import { callChannel, calls, eventChannel, type CallName } from '../../../common/contract';
import type { UiLocale } from '../../../main/i18n';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import type * as ElectronMock from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));
vi.mock('electron-store', async () => ({ default: (await import('conf')).default }));

type Electron = typeof ElectronMock;

const folders: string[] = [];
let running: Electron | null = null;

afterEach(async () => {
  // Quit as the app does (services closed, transfers saved) before removing its folder.
  const electron = running;
  running = null;
  if (electron) {
    electron.app.quit.mockClear();
    electron.app.emit('before-quit', { preventDefault: () => undefined });
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
  }
  delete process.env['GLANCE_DESK_DATA_DIR'];
  delete process.env['ELECTRON_RENDERER_URL'];
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true })));
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'glance-desk-shell-'));
  folders.push(folder);
  return folder;
}

/**
 * Loads the main process afresh, as `electron .` would (or an installed build, when
 * `packaged`), with GLANCE_DESK_DATA_DIR naming its own data folder, and returns the mocked
 * electron it sees (cleared of what earlier launches recorded).
 */
async function launch({ lock = true, packaged = false } = {}): Promise<Electron> {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as Electron;
  vi.clearAllMocks();
  electron.BrowserWindow.instances = [];
  electron.ipcMain.handlers.clear();
  electron.ipcMain.listeners.clear();
  electron.protocol.handlers.clear();
  electron.app.listeners.clear();
  electron.app.lock = lock;
  electron.app.isPackaged = packaged;
  // Electron's own default data folder, for a launch that does not set one.
  electron.app.userData = await tempFolder();
  process.env['GLANCE_DESK_DATA_DIR'] = await tempFolder();
  await import('../../../main/shell/index');
  if (lock) {
    await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
    running = electron;
  }
  return electron;
}

function invoke(electron: Electron, name: CallName, payload?: unknown): Promise<unknown> {
  const window = electron.BrowserWindow.instances.at(-1);
  const listener = electron.ipcMain.handlers.get(callChannel(name)) as (
    event: unknown,
    payload: unknown,
  ) => Promise<unknown>;
  return listener(
    { sender: window?.webContents, senderFrame: window?.webContents.mainFrame },
    payload,
  );
}

/** The preload reporting a file dropped on the window (its synchronous grant message). */
function dropFile(electron: Electron, path: string): unknown {
  const window = electron.BrowserWindow.instances.at(-1);
  const listener = electron.ipcMain.listeners.get(droppedFileChannel) as (
    event: unknown,
    path: unknown,
  ) => void;
  const event = {
    sender: window?.webContents,
    senderFrame: window?.webContents.mainFrame,
    returnValue: undefined as unknown,
  };
  listener(event, path);
  return event.returnValue;
}

interface MenuItem {
  role?: string;
  label?: string;
  type?: string;
  submenu?: MenuItem[];
}

/** The application menu built last. */
function lastMenu(electron: Electron): MenuItem[] {
  const calls = electron.Menu.buildFromTemplate.mock.calls as unknown as [MenuItem[]][];
  return calls.at(-1)?.[0] ?? [];
}

/** Every item of the menu, submenus included, and every role among them. */
function menuItems(items: MenuItem[]): MenuItem[] {
  return items.flatMap((item) => [item, ...menuItems(item.submenu ?? [])]);
}

function menuRoles(electron: Electron): string[] {
  return menuItems(lastMenu(electron)).flatMap((item) => (item.role ? [item.role] : []));
}

const dictionaries: Record<UiLocale, Record<string, string>> = { en, 'zh-CN': zhCN };

function labelsOf(menu: MenuItem | undefined): (string | undefined)[] {
  return (menu?.submenu ?? []).filter((item) => item.type !== 'separator').map((i) => i.label);
}

/** Every item but separators has a label from the dictionary of `locale` (role items too). */
function expectEveryItemLabelled(menu: MenuItem[], locale: UiLocale): void {
  const dictionary = new Set(
    Object.values(dictionaries[locale]).map((text) => text.replace('{app}', 'Glance Desk')),
  );
  for (const item of menuItems(menu)) {
    if (item.type === 'separator' || item.role === 'appMenu') continue;
    expect(dictionary, JSON.stringify(item)).toContain(item.label);
  }
}

describe('app lifecycle', () => {
  it('quits at once when another instance holds the lock', async () => {
    const electron = await launch({ lock: false });
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(electron.ipcMain.handle).not.toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(0);
  });

  it('starts: its data folder, the app scheme, IPC for every call, menus, the window', async () => {
    const electron = await launch();
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', expect.any(String));
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
    expect(electron.protocol.handle).toHaveBeenCalledWith('glance-desk', expect.any(Function));
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      Object.keys(calls)
        .map((name) => callChannel(name as CallName))
        .sort(),
    );
    const [window] = electron.BrowserWindow.instances;
    expect(window?.loadURL).toHaveBeenCalledWith('glance-desk://app/index.html');

    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();

    expect(await invoke(electron, 'getAppInfo')).toEqual({
      ok: true,
      value: { version: '1.2.3', platform: process.platform, systemLocale: 'zh-CN' },
    });
    expect(await invoke(electron, 'getSecretStorageStatus')).toMatchObject({
      ok: true,
      value: { backend: 'gnome_libsecret', persistent: true },
    });
  });

  it('speaks the app’s language in the menu, and rebuilds it when the language changes', async () => {
    // The mocked system locale is zh-CN and the settings follow the system.
    const electron = await launch();
    const topLabels = () => lastMenu(electron).map((item) => item.label);
    const mac = process.platform === 'darwin';
    expect(topLabels()).toEqual([
      ...(mac ? ['Glance Desk'] : []),
      '文件',
      '编辑',
      '视图',
      '窗口',
      '帮助',
    ]);
    expect(labelsOf(lastMenu(electron).at(-1))).toContain('打开日志文件夹');
    expectEveryItemLabelled(lastMenu(electron), 'zh-CN');

    const built = electron.Menu.buildFromTemplate.mock.calls.length;
    await invoke(electron, 'updateSettings', { theme: 'dark' });
    expect(electron.Menu.buildFromTemplate.mock.calls).toHaveLength(built);
    await invoke(electron, 'updateSettings', { locale: 'en' });
    expect(electron.Menu.buildFromTemplate.mock.calls).toHaveLength(built + 1);
    expect(electron.Menu.setApplicationMenu).toHaveBeenLastCalledWith({
      template: lastMenu(electron),
    });
    expect(topLabels()).toEqual([
      ...(mac ? ['Glance Desk'] : []),
      'File',
      'Edit',
      'View',
      'Window',
      'Help',
    ]);
    expect(labelsOf(lastMenu(electron).at(-1))).toEqual(
      expect.arrayContaining(['Glance Image API Reference', 'Open Log Folder']),
    );
    expectEveryItemLabelled(lastMenu(electron), 'en');
  });

  it('uploads a file only once the preload has reported it dropped; pushes transfer changes', async () => {
    const electron = await launch();
    const saved = (await invoke(electron, 'saveProfile', {
      profile: {
        name: 'nowhere',
        authUrl: 'http://127.0.0.1:9/v3',
        authMethod: 'token',
        interface: 'public',
        secret: 'a-token',
      },
    })) as { ok: true; value: { id: string } };
    // Main checks the file's headers before it queues it: it exists (1 byte of raw disk).
    const path = join(await mkdtemp(join(tmpdir(), 'glance-desk-drop-')), 'dropped.raw');
    await writeFile(path, 'x');
    const upload = { profileId: saved.value.id, path, imageId: 'image-1' };
    expect(await invoke(electron, 'startUpload', upload)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(dropFile(electron, upload.path)).toBe(true);
    const started = await invoke(electron, 'startUpload', upload);
    expect(started).toMatchObject({ ok: true, value: { kind: 'upload' } });
    const [window] = electron.BrowserWindow.instances;
    await vi.waitFor(() =>
      expect(window?.webContents.send).toHaveBeenCalledWith(
        eventChannel('transfersChanged'),
        expect.objectContaining({ transfers: expect.any(Array) }),
      ),
    );
  });

  it('in development, loads the dev server page and keeps the View menu with DevTools', async () => {
    process.env['ELECTRON_RENDERER_URL'] = 'http://localhost:5173/';
    const electron = await launch();
    const [window] = electron.BrowserWindow.instances;
    expect(window?.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(window?.options.webPreferences).toMatchObject({ devTools: true });
    expect(menuRoles(electron)).toContain('toggleDevTools');
  });

  it('when packaged, takes no page or data folder from its environment and has no DevTools', async () => {
    process.env['ELECTRON_RENDERER_URL'] = 'https://evil.example/';
    const electron = await launch({ packaged: true });
    const ordered = process.env['GLANCE_DESK_DATA_DIR'] as string;

    expect(electron.app.setPath).not.toHaveBeenCalled();
    expect(await readdir(ordered)).toEqual([]);
    const [window] = electron.BrowserWindow.instances;
    expect(window?.loadURL).toHaveBeenCalledExactlyOnceWith('glance-desk://app/index.html');
    // Only the app's own page may call main.
    expect(await invoke(electron, 'getAppInfo')).toMatchObject({ ok: true });
    if (window) window.webContents.mainFrame.url = 'https://evil.example/';
    expect(await invoke(electron, 'getAppInfo')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });

    expect(window?.options.webPreferences).toMatchObject({ devTools: false });
    const roles = menuRoles(electron);
    expect(roles).not.toContain('toggleDevTools');
    expect(roles).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'togglefullscreen']));
  });

  it('focuses the existing window when the app is launched again', async () => {
    const electron = await launch();
    const [window] = electron.BrowserWindow.instances;
    window?.isMinimized.mockReturnValue(true);
    electron.app.emit('second-instance');
    expect(window?.restore).toHaveBeenCalled();
    expect(window?.focus).toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(1);
  });

  it('remembers the window bounds and reopens the window with them', async () => {
    const electron = await launch();
    const [first] = electron.BrowserWindow.instances;
    first?.emit('close');
    first?.emit('closed');
    // The closed window's page is no longer served.
    expect(await invoke(electron, 'getSettings')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });

    electron.app.emit('activate');
    expect(electron.BrowserWindow.instances).toHaveLength(2);
    expect(electron.BrowserWindow.instances[1]?.options).toMatchObject({
      x: 0,
      y: 0,
      width: 1280,
      height: 820,
    });
    expect(await invoke(electron, 'getSettings')).toMatchObject({
      ok: true,
      value: { windowBounds: { x: 0, y: 0, width: 1280, height: 820, maximized: false } },
    });
  });

  it('closes the services before quitting, once', async () => {
    const electron = await launch();
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
    electron.app.quit.mockClear();

    const first = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));

    const second = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    running = null; // it has quit already
  });
});
