// Main's IPC surface, with a mocked electron: every contract call has its channel, plus the
// preload's dropped-file grant, and nothing else is listened to; only the app's own top
// frame is served; payloads are validated before a handler runs.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { droppedFileChannel } from '../../../common/channels';
import { callChannel, calls, eventChannel, type CallName } from '../../../common/contract';
import type { Handlers } from '../../../main/ipc/handlers';
import { registerIpc, sendEvent } from '../../../main/shell/ipc';
import { BrowserWindow, FakeFrame, ipcMain } from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));

const appPage = 'glance-desk://app/index.html';

function fakeHandlers() {
  return Object.fromEntries(
    Object.keys(calls).map((name) => [name, vi.fn(async () => `${name} ran`)]),
  ) as unknown as Handlers & Record<CallName, ReturnType<typeof vi.fn>>;
}

let handlers: ReturnType<typeof fakeHandlers>;
let window: BrowserWindow | null;
let log: ReturnType<typeof vi.fn<(line: string) => void>>;
let grantDroppedFile: ReturnType<typeof vi.fn<(path: string) => void>>;

beforeEach(async () => {
  ipcMain.handlers.clear();
  ipcMain.listeners.clear();
  vi.clearAllMocks();
  handlers = fakeHandlers();
  window = new BrowserWindow({});
  await window.loadURL(appPage);
  log = vi.fn<(line: string) => void>();
  grantDroppedFile = vi.fn<(path: string) => void>();
  registerIpc({
    handlers,
    grantDroppedFile,
    getWindow: () => window as never,
    url: appPage,
    log,
  });
});

/** What the renderer's `ipcRenderer.invoke(channel, payload)` would get back. */
function invoke(
  name: CallName,
  payload: unknown,
  from: { sender?: unknown; senderFrame?: FakeFrame | null } = {},
) {
  const listener = ipcMain.handlers.get(callChannel(name));
  if (!listener) throw new Error(`No handler for ${name}`);
  const event = {
    sender: from.sender ?? window?.webContents,
    senderFrame: from.senderFrame === undefined ? window?.webContents.mainFrame : from.senderFrame,
  };
  return (listener as (event: unknown, payload: unknown) => Promise<unknown>)(event, payload);
}

describe('IPC registration', () => {
  it('registers one invoke handler per contract call, the dropped-file grant, and nothing else', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      Object.keys(calls)
        .map((name) => callChannel(name as CallName))
        .sort(),
    );
    expect(ipcMain.handle).toHaveBeenCalledTimes(Object.keys(calls).length);
    expect([...ipcMain.listeners.keys()]).toEqual([droppedFileChannel]);
    expect(ipcMain.on).toHaveBeenCalledTimes(1);
    expect(ipcMain.once).not.toHaveBeenCalled();
  });

  it('serves the app’s own top frame, handing the sender to the handler', async () => {
    const result = await invoke('deleteProfile', { id: 'p-1' });
    expect(result).toEqual({ ok: true, value: 'deleteProfile ran' });
    expect(handlers.deleteProfile).toHaveBeenCalledWith(
      { id: 'p-1' },
      expect.objectContaining({ sender: window?.webContents }),
    );
  });

  it('rejects a bad payload with a validation error before any handler runs', async () => {
    const result = await invoke('deleteProfile', { id: '' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    const extra = await invoke('listProfiles', { surprise: true });
    expect(extra).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(handlers.deleteProfile).not.toHaveBeenCalled();
    expect(handlers.listProfiles).not.toHaveBeenCalled();
  });
});

describe('sender checks', () => {
  const forbidden = { ok: false, error: { kind: 'forbidden' } };

  it('refuses a subframe of the app window, even one showing the app page', async () => {
    const top = window?.webContents.mainFrame ?? null;
    const result = await invoke('listProfiles', undefined, {
      senderFrame: new FakeFrame(appPage, top),
    });
    expect(result).toMatchObject(forbidden);
    expect(handlers.listProfiles).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Refused listProfiles'));
  });

  it('refuses a top frame that shows another page', async () => {
    for (const url of [
      'https://evil.example/',
      'file:///tmp/index.html',
      'evil://app/index.html',
      'glance-desk://other/index.html',
    ]) {
      const result = await invoke('listProfiles', undefined, { senderFrame: new FakeFrame(url) });
      expect(result, url).toMatchObject(forbidden);
    }
    expect(handlers.listProfiles).not.toHaveBeenCalled();
  });

  it('refuses another window, a destroyed frame, and anything once the window is gone', async () => {
    const other = new BrowserWindow({});
    await other.loadURL(appPage);
    expect(
      await invoke('listProfiles', undefined, {
        sender: other.webContents,
        senderFrame: other.webContents.mainFrame,
      }),
    ).toMatchObject(forbidden);
    expect(await invoke('listProfiles', undefined, { senderFrame: null })).toMatchObject(forbidden);
    const sender = window?.webContents;
    const frame = window?.webContents.mainFrame;
    if (window) window.destroyed = true;
    expect(await invoke('listProfiles', undefined, { sender, senderFrame: frame })).toMatchObject(
      forbidden,
    );
    window = null;
    expect(await invoke('listProfiles', undefined, { sender, senderFrame: frame })).toMatchObject(
      forbidden,
    );
    expect(handlers.listProfiles).not.toHaveBeenCalled();
  });

  it('accepts the page with a fragment, and the dev server by origin', async () => {
    const hash = await invoke('listProfiles', undefined, {
      senderFrame: new FakeFrame(`${appPage}#/images`),
    });
    expect(hash).toMatchObject({ ok: true });

    ipcMain.handlers.clear();
    const dev = 'http://localhost:5173/';
    registerIpc({ handlers, grantDroppedFile, getWindow: () => window as never, url: dev, log });
    expect(
      await invoke('listProfiles', undefined, {
        senderFrame: new FakeFrame('http://localhost:5173/index.html'),
      }),
    ).toMatchObject({ ok: true });
    expect(
      await invoke('listProfiles', undefined, {
        senderFrame: new FakeFrame('http://localhost:5174/'),
      }),
    ).toMatchObject(forbidden);
  });
});

describe('the dropped-file grant', () => {
  /** What the preload's `ipcRenderer.sendSync(droppedFileChannel, path)` would get back. */
  function sendDropped(path: unknown, from: { senderFrame?: FakeFrame } = {}): unknown {
    const listener = ipcMain.listeners.get(droppedFileChannel) as (event: {
      returnValue?: unknown;
    }) => void;
    const event = {
      sender: window?.webContents,
      senderFrame: from.senderFrame ?? window?.webContents.mainFrame,
      returnValue: undefined as unknown,
    };
    (listener as (event: unknown, path: unknown) => void)(event, path);
    return event.returnValue;
  }

  it('grants the full path of a file dropped on the app’s own page, and answers true', () => {
    expect(sendDropped('/home/me/disk.qcow2')).toBe(true);
    expect(grantDroppedFile).toHaveBeenCalledExactlyOnceWith('/home/me/disk.qcow2');
  });

  it('refuses (answering false) another frame, a relative path and anything not a string', () => {
    const top = window?.webContents.mainFrame ?? null;
    expect(sendDropped('/home/me/.ssh/id_rsa', { senderFrame: new FakeFrame(appPage, top) })).toBe(
      false,
    );
    expect(
      sendDropped('/etc/passwd', { senderFrame: new FakeFrame('https://evil.example/') }),
    ).toBe(false);
    expect(sendDropped('disk.qcow2')).toBe(false);
    expect(sendDropped({ path: '/etc/passwd' })).toBe(false);
    expect(grantDroppedFile).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Refused a dropped file'));
  });
});

describe('events', () => {
  it('pushes an event on its channel to the window, and does nothing without one', () => {
    const payload = { transfers: [], removed: [] };
    sendEvent(window as never, 'transfersChanged', payload);
    expect(window?.webContents.send).toHaveBeenCalledWith(
      eventChannel('transfersChanged'),
      payload,
    );
    expect(() => sendEvent(null, 'transfersChanged', payload)).not.toThrow();
    const closed = new BrowserWindow({});
    closed.destroyed = true;
    sendEvent(closed as never, 'transfersChanged', payload);
    expect(closed.webContents.send).not.toHaveBeenCalled();
  });
});
