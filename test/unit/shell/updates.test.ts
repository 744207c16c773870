// The real electron-updater under the mocked electron (whose net.request goes over Node's
// http), against a generic update feed served from 127.0.0.1 by this test: main/shell/updates.ts
// with main/updates/service.ts, then the app itself (main/shell/index.ts) packaged and not.
// A newer, the same, a malformed and a missing feed, a server error, no server at all and
// a download that fails its checksum each end in the right state and notice, and nothing
// crashes; the policy's generic feed replaces the packaged one; nothing is looked for in a
// development build or when turned off; a restart never interrupts a transfer.
// Linux only: electron-updater's Linux updater is the AppImage one, run here on a stand-in
// AppImage file.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import electronUpdater from 'electron-updater';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callChannel, eventChannel, type CallName } from '../../../common/contract';
import type { Transfer, TransferProgressEvent } from '../../../common/transfer';
import type { UpdateStatus } from '../../../common/updates';
import { electronUpdaterPort } from '../../../main/shell/updates';
import { defaultSettings } from '../../../main/settings/settings-file';
import { UpdateService } from '../../../main/updates/service';
import type * as ElectronMock from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));
vi.mock('electron-store', async () => ({ default: (await import('conf')).default }));
// The real electron-updater, but launch() gives each start of the app its own autoUpdater
// (the real one is made once per process), made after the mocked electron of that start.
vi.mock('electron-updater', async () => {
  const { createRequire } = await import('node:module');
  // Required, not imported: the module's own autoUpdater getter would make an updater now.
  const { AppImageUpdater } = createRequire(import.meta.url)('electron-updater') as {
    AppImageUpdater: typeof electronUpdater.AppImageUpdater;
  };
  return { default: { AppImageUpdater, autoUpdater: undefined } };
});

type Electron = typeof ElectronMock;

const newVersion = '2.0.0';
const installer = `Glance-Desk-${newVersion}.AppImage`;
const installerBytes = Buffer.from('#!/bin/sh\necho "Glance Desk 2.0.0"\n'.repeat(200));
const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

/** A feed's latest*.yml: `version`, with the installer's checksum (or another's). */
function feedYaml(version: string, checksumOf = installerBytes): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${installer}`,
    `    sha512: ${sha512(checksumOf)}`,
    `    size: ${installerBytes.length}`,
    `path: ${installer}`,
    `sha512: ${sha512(checksumOf)}`,
    "releaseDate: '2026-01-01T00:00:00.000Z'",
    '',
  ].join('\n');
}

/** A generic update feed on 127.0.0.1: each folder answers what the test put in it. */
class Feed {
  readonly requests: string[] = [];
  readonly #files = new Map<string, { status: number; body: string | Buffer }>();
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://feed').pathname;
      this.requests.push(path);
      const file = this.#files.get(path);
      if (!file) return void response.writeHead(404).end('not here');
      response.writeHead(file.status, { 'content-type': 'application/octet-stream' });
      response.end(file.body);
    });
    await new Promise<void>((done) => this.#server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  /** Serves `yaml` as the feed of `folder` (for every platform's file name), with the installer. */
  publish(folder: string, yaml: string, status = 200): string {
    for (const name of [
      'latest.yml',
      'latest-linux.yml',
      'latest-linux-arm64.yml',
      'latest-mac.yml',
    ]) {
      this.#files.set(`/${folder}/${name}`, { status, body: yaml });
    }
    this.#files.set(`/${folder}/${installer}`, { status: 200, body: installerBytes });
    return `${this.url}${folder}/`;
  }

  requestsUnder(folder: string): string[] {
    return this.requests.filter((path) => path.startsWith(`/${folder}/`));
  }

  close(): Promise<void> {
    return new Promise((done) => (this.#server ? this.#server.close(() => done()) : done()));
  }
}

/** The queue's list and change events, with states the test sets. */
class FakeTransfers {
  transfers: Transfer[] = [];
  listeners = new Set<(event: TransferProgressEvent) => void>();
  list = () => this.transfers;
  onChange = (listener: (event: TransferProgressEvent) => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(...states: Transfer['state'][]): void {
    this.transfers = states.map((state, index) => ({ id: `t${index}`, state }) as Transfer);
    for (const listener of this.listeners) listener({ transfers: [], removed: [] });
  }
}

const folders: string[] = [];
async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'glance-desk-updates-'));
  folders.push(folder);
  return folder;
}

let feed: Feed;
let electron: Electron;
let resources: string;
let cache: string;
const savedEnvironment = { ...process.env };
const savedResourcesPath = process.resourcesPath;

beforeEach(async () => {
  feed = new Feed();
  await feed.start();
  electron = (await import('electron')) as unknown as Electron;
  electron.app.userData = await tempFolder();
  electron.app.isPackaged = true;
  // What electron-builder packs: app-update.yml beside the app, here naming a feed on
  // loopback (the real one names the GitHub releases).
  resources = await tempFolder();
  Object.assign(process, { resourcesPath: resources });
  await writeFile(
    join(resources, 'app-update.yml'),
    `provider: generic\nurl: ${feed.url}packaged/\nupdaterCacheDirName: glance-desk-updater\n`,
  );
  cache = await tempFolder();
  process.env['XDG_CACHE_HOME'] = cache;
  process.env['APPIMAGE'] = join(await tempFolder(), 'Glance-Desk-1.2.3.AppImage');
  await writeFile(process.env['APPIMAGE'], 'the running version');
});

afterEach(async () => {
  process.env = { ...savedEnvironment };
  Object.assign(process, { resourcesPath: savedResourcesPath });
  await feed.close();
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

async function policy(json: unknown): Promise<string> {
  const path = join(await tempFolder(), 'policy.json');
  await writeFile(path, JSON.stringify(json));
  return path;
}

/** The update service over a real electron-updater; `policyFile` absent: none. */
async function openService(policyFile?: string) {
  const updater = new electronUpdater.AppImageUpdater();
  // Installing would replace this test's stand-in AppImage and start it.
  const quitAndInstall = vi.spyOn(updater, 'quitAndInstall').mockImplementation(() => undefined);
  const setFeedURL = vi.spyOn(updater, 'setFeedURL');
  const transfers = new FakeTransfers();
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const service = await UpdateService.open({
    createUpdater: () => electronUpdaterPort(updater),
    packaged: true,
    environment: {},
    policyFile: policyFile ?? join(resources, 'no-policy.json'),
    currentVersion: electron.app.getVersion(),
    automatic: () => true,
    transfers,
    log,
  });
  const statuses: UpdateStatus[] = [];
  service.onChange((status) => statuses.push(status));
  return { service, updater, quitAndInstall, setFeedURL, transfers, statuses, log };
}

/** Resolves once the service is in `phase`. */
async function until(service: UpdateService, phase: UpdateStatus['phase']): Promise<UpdateStatus> {
  await vi.waitFor(() => expect(service.status().phase).toBe(phase), { timeout: 20_000 });
  return service.status();
}

// Each test starts and stops real work (a download, the app's services) on a busy machine.
describe.runIf(process.platform === 'linux')(
  'electron-updater against a loopback feed',
  { timeout: 60_000 },
  () => {
    it('downloads a newer version from the policy’s generic feed in the background, then offers a restart', async () => {
      const url = feed.publish('policy', feedYaml(newVersion));
      feed.publish('packaged', feedYaml('9.9.9'));
      const { service, setFeedURL, statuses } = await openService(
        await policy({ updates: { url } }),
      );
      expect(setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url });

      await service.checkAtStart();
      expect(await until(service, 'ready')).toMatchObject({
        version: newVersion,
        currentVersion: '1.2.3',
        manual: false,
        notice: 'ready',
      });
      expect(statuses.map((status) => status.phase)).toEqual(
        // Progress comes about once a second: this small download may have none.
        expect.arrayContaining(['checking', 'available', 'ready']),
      );
      // Quiet until there is something to install.
      expect(statuses.slice(0, -1).every((status) => status.notice === 'none')).toBe(true);
      expect(feed.requestsUnder('policy')).toEqual(
        expect.arrayContaining(
          ['/policy/latest-linux.yml', `/policy/${installer}`].filter((p) => p),
        ),
      );
      expect(feed.requestsUnder('packaged')).toEqual([]);
      const downloaded = join(cache, 'glance-desk-updater', 'pending', installer);
      expect(await readFile(downloaded)).toEqual(installerBytes);
    });

    it('uses the feed the package was built with when there is no policy; same version: up to date', async () => {
      feed.publish('packaged', feedYaml('1.2.3'));
      const { service, setFeedURL } = await openService();
      expect(await service.check(true)).toMatchObject({
        phase: 'up-to-date',
        manual: true,
        notice: 'up-to-date',
      });
      expect(setFeedURL).not.toHaveBeenCalled();
      expect(feed.requestsUnder('packaged')).toHaveLength(1);
    });

    it.each([
      ['malformed YAML', 'version: 2.0.0\nfiles: [\n  - url: x', 200, { problem: 'bad-feed' }],
      ['YAML without a version', 'files: []\n', 200, { problem: 'bad-feed' }],
      ['a server error', 'Internal Server Error', 500, { problem: 'server-error', status: 500 }],
    ] as const)(
      '%s: an error named for the user who asked, and no crash',
      async (_, body, status, error) => {
        feed.publish('packaged', body, status);
        const { service, log } = await openService();
        expect(await service.check(true)).toMatchObject({
          phase: 'error',
          ...error,
          notice: 'error',
        });
        expect(log.warn).toHaveBeenCalledWith('update.failed', expect.objectContaining(error));
      },
    );

    it('no feed at that address (404): not found; quiet at start', async () => {
      const { service } = await openService();
      await service.checkAtStart();
      expect(service.status()).toMatchObject({
        phase: 'error',
        problem: 'not-found',
        notice: 'none',
      });
    });

    it('no server at all: unreachable', async () => {
      const closed = new Feed();
      await closed.start();
      await closed.close();
      const { service } = await openService(await policy({ updates: { url: closed.url } }));
      expect(await service.check(true)).toMatchObject({ phase: 'error', problem: 'unreachable' });
    });

    it('a download that does not match the feed’s checksum is discarded, not offered', async () => {
      feed.publish('packaged', feedYaml(newVersion, Buffer.from('another file')));
      const { service } = await openService();
      await service.check(true);
      expect(await until(service, 'error')).toMatchObject({
        problem: 'bad-download',
        notice: 'error',
      });
      expect(existsSync(join(cache, 'glance-desk-updater', 'pending', installer))).toBe(false);
    });

    it('never restarts while a transfer runs: waits for the transfers when asked to', async () => {
      feed.publish('packaged', feedYaml(newVersion));
      const { service, quitAndInstall, transfers } = await openService();
      await service.checkAtStart();
      await until(service, 'ready');
      transfers.set('running', 'queued');
      expect(service.status()).toMatchObject({
        transfersRunning: 2,
        notice: 'ready-transfers-running',
      });
      expect(() => service.install('now')).toThrow(
        expect.objectContaining({ details: { reason: 'transfers-running', count: 2 } }),
      );
      service.install('when-transfers-finish');
      transfers.set('done', 'running');
      expect(quitAndInstall).not.toHaveBeenCalled();
      transfers.set('done', 'done');
      expect(quitAndInstall).toHaveBeenCalledExactlyOnceWith(true, true);
    });
  },
);

/** Loads main/shell/index.ts afresh, as an installed build (`packaged`) or `electron .` would. */
async function launch({ packaged }: { packaged: boolean }) {
  vi.resetModules();
  const mock = (await import('electron')) as unknown as Electron;
  vi.clearAllMocks();
  Object.assign(mock.app, { isPackaged: packaged, userData: electron.app.userData });
  mock.BrowserWindow.instances = [];
  mock.ipcMain.handlers.clear();
  mock.app.listeners.clear();
  // The mocked module above: its autoUpdater is this launch's.
  const updaterModule = (await import('electron-updater')).default as {
    AppImageUpdater: typeof electronUpdater.AppImageUpdater;
    autoUpdater: electronUpdater.AppUpdater;
  };
  const autoUpdater = new updaterModule.AppImageUpdater();
  updaterModule.autoUpdater = autoUpdater;
  await import('../../../main/shell/index');
  await vi.waitFor(() => expect(mock.BrowserWindow.instances).toHaveLength(1));
  const window = mock.BrowserWindow.instances[0];
  const invoke = (name: CallName, payload?: unknown) =>
    (mock.ipcMain.handlers.get(callChannel(name)) as (event: unknown, p: unknown) => unknown)(
      { sender: window?.webContents, senderFrame: window?.webContents.mainFrame },
      payload,
    );
  /** The update statuses pushed to the window. */
  const pushed = () =>
    (window?.webContents.send.mock.calls ?? [])
      .filter(([channel]) => channel === eventChannel('updateStatusChanged'))
      .map(([, status]) => status as UpdateStatus);
  const quit = async () => {
    mock.app.quit.mockClear();
    mock.app.emit('before-quit', { preventDefault: () => undefined });
    await vi.waitFor(() => expect(mock.app.quit).toHaveBeenCalled());
  };
  return { electron: mock, autoUpdater, invoke, pushed, quit };
}

/** The Help menu's "Check for Updates…", its last item (its label is in the system's language). */
function helpMenuCheck(mock: Electron): () => void {
  const [[template]] = mock.Menu.buildFromTemplate.mock.calls as unknown as [
    [{ role?: string; submenu?: { label?: string; click?: () => void }[] }[]],
  ];
  const item = template.find((entry) => entry.role === 'help')?.submenu?.at(-1);
  expect(item?.label).toBeTruthy();
  expect(item?.click).toBeTypeOf('function');
  return item?.click as () => void;
}

// Each test starts and stops real work (a download, the app's services) on a busy machine.
describe.runIf(process.platform === 'linux')('the app', { timeout: 60_000 }, () => {
  it('packaged: checks at start, downloads, and pushes the restart prompt to the window', async () => {
    feed.publish('packaged', feedYaml(newVersion));
    const app = await launch({ packaged: true });
    await vi.waitFor(() => expect(app.pushed().at(-1)).toMatchObject({ phase: 'ready' }), {
      timeout: 20_000,
    });
    expect(await app.invoke('getUpdateStatus')).toMatchObject({
      ok: true,
      value: { phase: 'ready', version: newVersion, notice: 'ready' },
    });
    const quitAndInstall = vi
      .spyOn(app.autoUpdater, 'quitAndInstall')
      .mockImplementation(() => undefined);
    expect(await app.invoke('installUpdate', { when: 'now' })).toMatchObject({ ok: true });
    expect(quitAndInstall).toHaveBeenCalledOnce();
    expect(await app.invoke('installUpdate', { when: 'soon' })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    await app.quit();
  });

  it('in development: looks for nothing, and the Help menu says why', async () => {
    feed.publish('packaged', feedYaml(newVersion));
    const app = await launch({ packaged: false });
    const checkForUpdates = vi.spyOn(app.autoUpdater, 'checkForUpdates');
    helpMenuCheck(app.electron)();
    expect(await app.invoke('checkForUpdates')).toMatchObject({
      ok: true,
      value: { phase: 'off', reason: 'development', manual: true, notice: 'off' },
    });
    expect(app.pushed().at(-1)).toMatchObject({ phase: 'off', notice: 'off' });
    expect(checkForUpdates).not.toHaveBeenCalled();
    expect(feed.requests).toEqual([]);
    await app.quit();
  });

  it('packaged, with GLANCE_DESK_DISABLE_UPDATES=1: looks for nothing', async () => {
    feed.publish('packaged', feedYaml(newVersion));
    process.env['GLANCE_DESK_DISABLE_UPDATES'] = '1';
    const app = await launch({ packaged: true });
    expect(await app.invoke('checkForUpdates')).toMatchObject({
      value: { phase: 'off', reason: 'environment', notice: 'off' },
    });
    expect(feed.requests).toEqual([]);
    await app.quit();
  });

  it('packaged, with automatic checks turned off: nothing at start; the Help menu still checks', async () => {
    feed.publish('packaged', feedYaml('1.2.3'));
    const settings = defaultSettings();
    settings.app.automaticUpdates = false;
    await writeFile(join(electron.app.userData, 'settings.json'), JSON.stringify(settings));
    const app = await launch({ packaged: true });
    expect(await app.invoke('getUpdateStatus')).toMatchObject({ value: { phase: 'idle' } });
    expect(feed.requests).toEqual([]);
    helpMenuCheck(app.electron)();
    await vi.waitFor(
      () =>
        expect(app.pushed().at(-1)).toMatchObject({ phase: 'up-to-date', notice: 'up-to-date' }),
      { timeout: 20_000 },
    );
    expect(feed.requestsUnder('packaged')).toHaveLength(1);
    await app.quit();
  });
});
