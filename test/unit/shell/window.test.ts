// The app window, with a mocked electron: created hardened, no new windows, no navigation
// away, no webviews, permissions denied, the CSP sent as a header too, bounds remembered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WindowBounds } from '../../../common/profile';
import { contentSecurityPolicy, createMainWindow, isAppUrl } from '../../../main/shell/window';
import { BrowserWindow, screen } from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));

const appPage = 'glance-desk://app/index.html';

function open(bounds?: WindowBounds, { devTools = true } = {}) {
  const openExternal = vi.fn();
  const onClose = vi.fn();
  const window = createMainWindow({
    url: appPage,
    devTools,
    openExternal,
    onClose,
    ...(bounds === undefined ? {} : { bounds }),
  }) as unknown as BrowserWindow;
  return { window, openExternal, onClose, contents: window.webContents };
}

beforeEach(() => {
  vi.clearAllMocks();
  BrowserWindow.instances = [];
});

describe('the main window', () => {
  it('is created isolated, sandboxed, without Node, with web security, and loads the app', () => {
    const { window } = open();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(window.options.webPreferences?.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(window.loadURL).toHaveBeenCalledWith(appPage);
  });

  it('has DevTools only when asked (the app asks when it is not packaged)', () => {
    expect(open().window.options.webPreferences).toMatchObject({ devTools: true });
    // Off in the preference: no menu item, shortcut or call can open them.
    expect(open(undefined, { devTools: false }).window.options.webPreferences).toMatchObject({
      devTools: false,
    });
  });

  it('denies every new window; http(s) links open in the browser instead', () => {
    const { contents, openExternal } = open();
    const handler = contents.windowOpenHandler;
    if (!handler) throw new Error('No window-open handler');
    for (const url of [
      'https://docs.openstack.org/',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      appPage,
    ]) {
      expect(handler({ url }), url).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([
      ['https://docs.openstack.org/'],
      ['http://example.com/'],
    ]);
  });

  it('blocks navigation and redirects away from the app page', () => {
    const { contents } = open();
    for (const event of ['will-navigate', 'will-redirect']) {
      for (const [url, blocked] of [
        ['https://evil.example/', true],
        ['file:///etc/passwd', true],
        ['glance-desk://elsewhere/index.html', true],
        ['evil://app/index.html', true],
        [`${appPage}#/transfers`, false],
      ] as const) {
        const preventDefault = vi.fn();
        contents.emit(event, { preventDefault }, url);
        expect(preventDefault.mock.calls.length, `${event} ${url}`).toBe(blocked ? 1 : 0);
      }
    }
  });

  it('refuses to attach webviews', () => {
    const { contents } = open();
    const preventDefault = vi.fn();
    contents.emit('will-attach-webview', { preventDefault }, {}, {});
    expect(preventDefault).toHaveBeenCalled();
  });

  it('denies permission requests and checks (only clipboard writes from the app page pass)', () => {
    const { contents } = open();
    const { permissionRequestHandler, permissionCheckHandler } = contents.session;
    if (!permissionRequestHandler || !permissionCheckHandler) throw new Error('No handlers');
    const request = permissionRequestHandler as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;
    const check = permissionCheckHandler as (contents: unknown, permission: string) => boolean;
    const stranger = { getURL: () => 'https://evil.example/' };

    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'usb']) {
      const callback = vi.fn();
      request(contents, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(check(contents, permission), permission).toBe(false);
    }
    const callback = vi.fn();
    request(contents, 'clipboard-sanitized-write', callback);
    expect(callback).toHaveBeenCalledWith(true);
    expect(check(contents, 'clipboard-sanitized-write')).toBe(true);

    const strangerCallback = vi.fn();
    request(stranger, 'clipboard-sanitized-write', strangerCallback);
    expect(strangerCallback).toHaveBeenCalledWith(false);
    expect(check(stranger, 'clipboard-sanitized-write')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write')).toBe(false);
  });

  it('adds the CSP header to every response, the same policy as the page’s meta tag', () => {
    const { contents } = open();
    const listener = contents.session.headersListener as
      ((details: unknown, callback: (response: unknown) => void) => void) | null;
    if (!listener) throw new Error('No header listener');
    const callback = vi.fn();
    listener({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'Content-Type': ['text/html'],
        'Content-Security-Policy': [contentSecurityPolicy],
      },
    });

    const html = readFileSync(join(import.meta.dirname, '../../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(contentSecurityPolicy);
    expect(contentSecurityPolicy).toContain("default-src 'self'");
  });
});

describe('window bounds', () => {
  const saved: WindowBounds = { x: 100, y: 80, width: 1000, height: 700, maximized: false };

  it('reopens where it was, and reports its bounds when it closes', () => {
    const { window, onClose } = open(saved);
    expect(window.options).toMatchObject({ x: 100, y: 80, width: 1000, height: 700 });
    expect(window.maximize).not.toHaveBeenCalled();
    window.emit('close');
    expect(onClose).toHaveBeenCalledWith(saved);
  });

  it('comes back maximised when it was', () => {
    const { window, onClose } = open({ ...saved, maximized: true });
    expect(window.maximize).toHaveBeenCalled();
    window.emit('close');
    expect(onClose).toHaveBeenCalledWith({ ...saved, maximized: true });
  });

  it('ignores saved bounds that are on no display any more (a monitor was unplugged)', () => {
    const { window } = open({ ...saved, x: 2500, y: 100 });
    expect(screen.getAllDisplays).toHaveBeenCalled();
    expect(window.options.x).toBeUndefined();
    expect(window.options).toMatchObject({ width: 1280, height: 820 });
  });
});

describe('isAppUrl', () => {
  it('matches the app scheme or the dev server by scheme and host', () => {
    expect(isAppUrl('glance-desk://app/index.html?x=1#y', appPage)).toBe(true);
    expect(isAppUrl('glance-desk://app/assets/index.js', appPage)).toBe(true);
    // Custom schemes all have the origin "null": they must not match each other.
    expect(isAppUrl('evil://app/index.html', appPage)).toBe(false);
    expect(isAppUrl('glance-desk://other/index.html', appPage)).toBe(false);
    expect(isAppUrl('file:///index.html', appPage)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('http://localhost.evil.example:5173/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', appPage)).toBe(false);
  });
});
