/**
 * The built renderer (out/renderer) in Debian's Chromium, served from 127.0.0.1, with a
 * `window.api` whose every method goes through `dispatch` to the real main-process
 * handlers in this test process (test/integration/ipc/harness.ts: createServices with test
 * dialog and OS adapters), which talk to the real test bed. Transfer events are pushed
 * into the page as the preload would. Only the transport differs from the app.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { calls } from '../../common/contract';
import type { TransferProgressEvent } from '../../common/transfer';
import { startTestMain, type TestMain } from '../integration/ipc/harness';

export const RENDERER_DIR = resolve('out/renderer');
export const SCREENSHOT_DIR = resolve('test/e2e/screenshots');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A static server for `root` on 127.0.0.1; resolves to its URL and a close function. */
export async function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('out/renderer is missing: run `npm run build:renderer` first.');
  }
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  main: TestMain;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The main process to talk to (default: a fresh one). */
  main?: TestMain;
  /** What getAppInfo reports as the system locale. */
  systemLocale?: string;
  colorScheme?: 'light' | 'dark';
}

/**
 * Opens the app in a new browser context. `window.api` is installed before any of the
 * app's scripts run: each method sends (name, payload) through one exposed binding.
 */
export async function openApp(
  browser: Browser,
  baseUrl: string,
  options: OpenOptions = {},
): Promise<AppPage> {
  const main = options.main ?? (await startTestMain());
  if (options.systemLocale) {
    Object.assign(main.services.appInfo, { systemLocale: options.systemLocale });
  }
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  // Functions handed to the page are sent as their source. Under tsx (the benchmarks),
  // esbuild's keepNames wraps named functions in a `__name(fn, "name")` helper that only
  // exists in Node: give the page an identity version of it.
  await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
  // Payloads and envelopes cross as JSON text: Playwright's own argument serializer is far
  // slower than Electron's structured clone for a page of 1,000 images.
  await context.exposeBinding('__glanceDeskCall', async (_source, name: string, payload: string) =>
    JSON.stringify(
      await main.call(
        name as keyof typeof calls,
        payload === undefined ? undefined : JSON.parse(payload),
      ),
    ),
  );
  await context.addInitScript((names: string[]) => {
    type Listener = (payload: unknown) => void;
    const listeners = new Map<string, Set<Listener>>();
    const w = globalThis as unknown as Record<string, unknown>;
    const call = w.__glanceDeskCall as (name: string, payload?: string) => Promise<string>;
    const send = async (name: string, payload: unknown) =>
      JSON.parse(
        await call(name, payload === undefined ? undefined : JSON.stringify(payload)),
      ) as unknown;
    const api: Record<string, unknown> = {
      on(event: string, listener: Listener) {
        const set = listeners.get(event) ?? new Set<Listener>();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
      // A file dropped from the OS has no path inside a plain browser page.
      pathForFile: () => '',
    };
    for (const name of names) api[name] = (payload?: unknown) => send(name, payload);
    w.api = Object.freeze(api);
    w.__glanceDeskEmit = (event: string, payload: unknown) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
  }, Object.keys(calls));

  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const unsubscribe = main.services.transfers.onChange((event: TransferProgressEvent) => {
    page
      .evaluate(
        ([payload]) =>
          (
            globalThis as unknown as { __glanceDeskEmit?: (e: string, p: unknown) => void }
          ).__glanceDeskEmit?.('transfersChanged', payload),
        [event] as const,
      )
      .catch(() => undefined); // the page may be navigating or closed
  });
  await page.goto(baseUrl);
  return {
    page,
    context,
    main,
    async close() {
      unsubscribe();
      await context.close();
      if (!options.main) await main.close();
      if (errors.length > 0) throw new Error(`Errors in the page:\n${errors.join('\n')}`);
    },
  };
}

/** Saves `name`-light.png and `name`-dark.png of the page as it is now. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
