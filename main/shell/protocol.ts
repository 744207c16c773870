/**
 * The built renderer is served from a custom scheme (glance-desk://app/…) instead of
 * file://, as Electron's security checklist advises: the page gets a real origin, only the
 * renderer folder is reachable, every answer carries the CSP header, and the
 * grantFileProtocolExtraPrivileges fuse can stay off (without it, file:// pages cannot
 * load Vite's module scripts).
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from './window';

export const appScheme = 'glance-desk';
export const appOrigin = `${appScheme}://app`;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The renderer's URL: the Vite dev server under `electron-vite dev`, else the app scheme. A
 * packaged app always loads its own page: whoever sets its environment must not be able to
 * hand `window.api` to a page of their choosing.
 */
export function appUrl(packaged: boolean, env: NodeJS.ProcessEnv = process.env): string {
  const devServer = packaged ? undefined : env['ELECTRON_RENDERER_URL'];
  return devServer || `${appOrigin}/index.html`;
}

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** The file under `rendererDir` that `url` names, or null for anything outside it. */
export function rendererFile(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== 'app') return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path));
  return file.startsWith(rendererDir + sep) ? file : null;
}

/** Answers glance-desk://app/… from `rendererDir`. Call once the app is ready. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    const file = rendererFile(rendererDir, request.url);
    const type = file === null ? undefined : contentTypes[extname(file)];
    if (file === null || type === undefined) return new Response(null, { status: 404 });
    try {
      return new Response(await readFile(file), {
        headers: { 'content-type': type, 'content-security-policy': contentSecurityPolicy },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}
