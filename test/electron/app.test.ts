// The built app in the real Electron (Playwright's _electron), against the real test bed:
// the window opens hardened, window.api reaches main through the preload and the sender
// checks, a profile is created, images listed, one uploaded and downloaded, verified.
// Runs where the Electron binary is installed (and, on Linux, a display exists, e.g.
// under xvfb-run); elsewhere it says once why it was skipped and counts as skipped.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallName, CallResult, Envelope } from '../../common/contract';
import type { Transfer } from '../../common/transfer';

const root = resolve(import.meta.dirname, '../..');

/** The Electron binary, or why it cannot run here. */
function electronBinary(): { path: string } | { skip: string } {
  const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      skip: 'the Electron binary is not installed (npm ci --ignore-scripts skips its download; run node scripts/ensure-electron.mjs where there is internet).',
    };
  }
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { skip: `the Electron binary ${binary} is missing.` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { skip: 'there is no display (run it under xvfb-run on a headless Linux).' };
  }
  return { path: binary };
}

const electron = electronBinary();
if ('skip' in electron) console.log(`Electron app suite skipped: ${electron.skip}`);

describe.skipIf('skip' in electron)('the app in Electron', () => {
  const bed = inject('testbed');
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;
  let workDir: string;

  /** A contract call from the page, through window.api, as the renderer makes it. */
  function call<N extends CallName>(name: N, payload?: unknown): Promise<Envelope<CallResult<N>>> {
    return page.evaluate(
      ([callName, input]) => {
        const api = (globalThis as unknown as { api: Record<string, (x?: unknown) => unknown> })
          .api;
        return api[callName]?.(input);
      },
      [name, payload] as const,
    ) as Promise<Envelope<CallResult<N>>>;
  }

  async function value<N extends CallName>(name: N, payload?: unknown): Promise<CallResult<N>> {
    const result = await call(name, payload);
    if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
    return result.value;
  }

  /**
   * The user picks `path` in the app's own dialog (stubbed in main, as Playwright cannot
   * click a native dialog): from then on main accepts that path from the page.
   */
  async function pick(kind: 'file' | 'folder', path: string): Promise<void> {
    await app.evaluate(({ dialog }, filePath) => {
      dialog.showOpenDialog = (async () => ({
        canceled: false,
        filePaths: [filePath],
      })) as unknown as typeof dialog.showOpenDialog;
    }, path);
    if (kind === 'folder') await value('chooseFolder', {});
    else await value('chooseFiles', { purpose: 'image' });
  }

  async function finished(id: string): Promise<Transfer> {
    let transfer: Transfer | undefined;
    await expect
      .poll(
        async () => {
          transfer = (await value('listTransfers')).find((t) => t.id === id);
          return transfer?.state;
        },
        { timeout: 60_000 },
      )
      .toMatch(/^(done|failed|cancelled)$/);
    if (transfer === undefined) throw new Error(`No transfer ${id}`);
    return transfer;
  }

  beforeAll(async () => {
    if (!existsSync(join(root, 'out/main/index.js'))) {
      throw new Error('The app is not built: run `npm run build` first.');
    }
    dataDir = await mkdtemp(join(tmpdir(), 'glance-desk-electron-data-'));
    workDir = await mkdtemp(join(tmpdir(), 'glance-desk-electron-work-'));
    const env: Record<string, string> = {};
    for (const [key, val] of Object.entries(process.env)) {
      if (val !== undefined && key !== 'ELECTRON_RENDERER_URL') env[key] = val;
    }
    app = await _electron.launch({
      executablePath: 'path' in electron ? electron.path : '',
      // Chromium refuses to run as root with its sandbox on (CI containers).
      args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...env, GLANCE_DESK_DATA_DIR: dataDir },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    for (const folder of [dataDir, workDir]) {
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    }
  });

  it('opens the app page with window.api and no Node in the renderer', async () => {
    expect(page.url()).toBe('glance-desk://app/index.html');
    const facts = await page.evaluate(() => {
      const scope = globalThis as unknown as Record<string, unknown>;
      return {
        require: typeof scope.require,
        process: typeof scope.process,
        api: Object.keys(scope.api as object).sort(),
        // Denied by the window-open handler (an http(s) URL would open in the browser).
        opened: (scope.open as (url: string) => unknown)('about:blank') === null,
      };
    });
    expect(facts.require).toBe('undefined');
    expect(facts.process).toBe('undefined');
    expect(facts.api).toContain('listImages');
    expect(facts.api).toContain('on');
    expect(facts.api).not.toContain('invoke');
    expect(facts.opened).toBe(true);
    const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    expect(windows).toBe(1);
  });

  it('answers app info, and rejects a bad payload with a validation error', async () => {
    const info = await value('getAppInfo');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await call('deleteProfile', { id: 42 });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('creates a profile against the test bed, tests it and lists images', async () => {
    const profile = await value('saveProfile', {
      profile: {
        name: 'Test bed (Electron)',
        authUrl: bed.authUrl,
        authMethod: 'password',
        userName: bed.member.username,
        userDomainId: bed.member.domainId,
        projectName: bed.member.projectName,
        projectDomainId: bed.member.domainId,
        region: bed.region,
        interface: 'public',
        secret: bed.member.password,
      },
    });
    expect(JSON.stringify(profile)).not.toContain(bed.member.password);
    const test = await value('testConnection', { id: profile.id });
    expect(test).toMatchObject({ ok: true });
    const page1 = await value('listImages', { profileId: profile.id, query: { limit: 5 } });
    expect(Array.isArray(page1.images)).toBe(true);
  });

  it('uploads a file into a new image and downloads it back, verified', async () => {
    const [profile] = await value('listProfiles');
    if (profile === undefined) throw new Error('No profile');
    const content = randomBytes(2 * 1024 * 1024 + 5);
    const source = join(workDir, 'disk.raw');
    await writeFile(source, content);
    const name = `electron-${randomUUID().slice(0, 8)}`;

    await pick('file', source);
    const upload = await value('startUpload', {
      profileId: profile.id,
      path: source,
      create: { name, disk_format: 'raw', container_format: 'bare' },
    });
    const uploaded = await finished(upload.id);
    expect(uploaded).toMatchObject({ state: 'done', verification: { ok: true } });

    const listed = await value('listImages', { profileId: profile.id, query: { name } });
    expect(listed.images.map((image) => image.id)).toEqual([uploaded.imageId]);

    const folder = join(workDir, 'downloads');
    await mkdir(folder);
    await pick('folder', folder);
    const {
      transfers: [download],
    } = await value('startDownloads', {
      profileId: profile.id,
      imageIds: [uploaded.imageId],
      folder,
    });
    if (download === undefined) throw new Error('No download started');
    const done = await finished(download.id);
    expect(done).toMatchObject({ state: 'done', verification: { algorithm: 'sha512', ok: true } });
    const bytes = await readFile(done.path);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      createHash('sha256').update(content).digest('hex'),
    );
    await value('deleteImages', { profileId: profile.id, imageIds: [uploaded.imageId] });
  });
});
