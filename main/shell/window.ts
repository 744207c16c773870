/**
 * The app window, hardened along Electron's security checklist: isolated, sandboxed
 * renderer without Node; a strict CSP (a header on the dev server's answers; the app
 * scheme sends its own, see protocol.ts); no new windows (http(s) links open in the browser);
 * no navigation away from the app; no webviews; every permission denied except writing
 * text to the clipboard from the app's own page; no DevTools in a packaged app (by no menu
 * item, shortcut or call: Electron's `devTools` preference turns them off).
 */
import { BrowserWindow, screen, type Rectangle, type Session, type WebContents } from 'electron';
import { join } from 'node:path';
import type { WindowBounds } from '../../common/profile';

/** Same policy as the meta tag in renderer/index.html, also sent as a header. */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Whether `url` is on the app's own page: same scheme and host as `app` (the
 * glance-desk://app scheme, or the dev server's http://localhost:port). Compared by hand:
 * a custom scheme's URL.origin is always "null".
 */
export function isAppUrl(url: string, app: string): boolean {
  try {
    const candidate = new URL(url);
    const own = new URL(app);
    return candidate.protocol === own.protocol && candidate.host === own.host;
  } catch {
    return false;
  }
}

export function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export interface MainWindowOptions {
  url: string;
  /** Whether DevTools can be opened at all (only when the app is not packaged). */
  devTools: boolean;
  /** Saved bounds, if any; ignored when they no longer fit on any display. */
  bounds?: WindowBounds;
  /** Opens an http(s) link in the user's browser. */
  openExternal: (url: string) => void;
  /** Called when the window closes, with the bounds to remember. */
  onClose: (bounds: WindowBounds) => void;
}

const defaultSize = { width: 1280, height: 820 };

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.bounds && fitsOnADisplay(options.bounds) ? options.bounds : undefined;
  const window = new BrowserWindow({
    ...(saved ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : defaultSize),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Glance Desk',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  if (saved?.maximized) window.maximize();
  hardenSession(window.webContents.session, options.url);
  hardenWebContents(window.webContents, options.url, options.openExternal);
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const { x, y, width, height } = window.getNormalBounds();
    options.onClose({ x, y, width, height, maximized: window.isMaximized() });
  });
  void window.loadURL(options.url);
  return window;
}

/** No new windows, no navigation away from the app, no webviews. */
export function hardenWebContents(
  contents: WebContents,
  url: string,
  openExternal: (url: string) => void,
): void {
  contents.setWindowOpenHandler(({ url: target }) => {
    if (isHttpUrl(target)) openExternal(target);
    return { action: 'deny' };
  });
  const stayInApp = (event: { preventDefault(): void }, target: string) => {
    if (!isAppUrl(target, url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Permissions denied (clipboard text writes from the app itself excepted) and the CSP header. */
export function hardenSession(session: Session, url: string): void {
  const allowed = (permission: string, origin: string) =>
    permission === 'clipboard-sanitized-write' && isAppUrl(origin, url);
  session.setPermissionRequestHandler((contents, permission, callback) =>
    callback(allowed(permission, contents.getURL())),
  );
  // The check handler's origin is just `file://` for the built app: judge by the page's URL.
  session.setPermissionCheckHandler(
    (contents, permission) => contents !== null && allowed(permission, contents.getURL()),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy],
      },
    });
  });
}

/** Saved bounds are used only while at least a corner of the window shows on a display. */
function fitsOnADisplay(bounds: WindowBounds): boolean {
  return screen.getAllDisplays().some(({ workArea }) => overlaps(bounds, workArea));
}

function overlaps(a: Rectangle, b: Rectangle): boolean {
  const margin = 50;
  return (
    a.x + a.width - margin > b.x &&
    a.x + margin < b.x + b.width &&
    a.y + margin < b.y + b.height &&
    a.y + a.height > b.y
  );
}
