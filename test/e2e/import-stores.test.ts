/**
 * Import methods, stores and the file check in real Chromium, against the real handlers and
 * the two-store test bed (`local`, the default, and `cold`), in English and in 简体中文,
 * with screenshots in both themes: the create dialog with what the file check found, a
 * refused backing-file qcow2, the store picker, an import's phases and a failed import in
 * Transfers, the stores column with its filter, a URL import whose row follows it to its
 * end, and glance-download from the second region (offered only where advertised).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import { qemuImg } from '../integration/images/qemu-view';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from '../integration/ipc/harness';
import { createRandomFile } from '../testbed/seed';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const prefix = `imp${Date.now().toString(36)}`;
/** Names of the images the last tests make, kept out of the earlier tests' searches. */
const later = `rgn${Date.now().toString(36)}`;
const MiB = 1024 * 1024;

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let files: string;
let web: Server;
let webUrl: string;
let releaseWeb!: () => void;
let releaseHeld!: () => void;
/** In front of the test bed's Glance: holds back the answer to a stage, for a cancel to land. */
let proxy: FaultProxy;

/** One app window on its own main process, in a language, with the member's profile. */
interface Window {
  main: TestMain;
  app: AppPage;
  page: Page;
  profile: Profile;
  /** The same member in RegionTwo, whose Glance does not offer glance-download. */
  regionTwo: Profile;
}

async function openWindow(systemLocale: string): Promise<Window> {
  const main = await startTestMain();
  const profile = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Two stores' }),
  });
  const regionTwo = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'RegionTwo', region: bed.second.region }),
  });
  await main.value('updateSettings', { lastProfileId: profile.id });
  const app = await openApp(browser, server.url, { main, systemLocale });
  app.page.setDefaultTimeout(20_000);
  return { main, app, page: app.page, profile, regionTwo };
}

let en: Window;
let zh: Window;

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  files = tempFolder('e2e-import');
  qemuImg(['create', '-q', '-f', 'qcow2', 'base.qcow2', '1G'], files);
  qemuImg(['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', 'child.qcow2'], files);
  // A web server for web-download: /slow.raw and /held.raw send half, then the rest once
  // released (each by its own release).
  const data = randomBytes(2 * MiB);
  const released = {
    '/slow.raw': new Promise<void>((resolve) => (releaseWeb = resolve)),
    '/held.raw': new Promise<void>((resolve) => (releaseHeld = resolve)),
  };
  web = createServer((request, response) => {
    const release = released[request.url as keyof typeof released] as Promise<void> | undefined;
    if (release === undefined) {
      response.statusCode = 404;
      response.end();
      return;
    }
    response.setHeader('content-length', data.length);
    response.write(data.subarray(0, MiB));
    void release.then(() => response.end(data.subarray(MiB)));
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  proxy = await startFaultProxy(bed.glanceUrl);
  en = await openWindow('en-US');
  zh = await openWindow('zh-CN');
});

afterAll(async () => {
  releaseWeb?.();
  releaseHeld?.();
  for (const window of [en, zh]) {
    if (!window) continue;
    for (const profile of [window.profile, window.regionTwo]) {
      const mine = window.main.services.transfers
        .list()
        .filter((tr) => tr.imageId && tr.profileId === profile.id);
      if (mine.length === 0) continue;
      await window.main.call('deleteImages', {
        profileId: profile.id,
        imageIds: mine.map((tr) => tr.imageId),
      });
    }
    await window.app.close();
    await window.main.close();
  }
  web?.close();
  await proxy?.close();
  await browser?.close();
  await server?.close();
});

function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const dialogOf = (page: Page) => page.locator('dialog[open]');

/** Opens the create dialog and picks `file` in main's file dialog. */
async function pickInCreateDialog(window: Window, file: string, newImage: string): Promise<void> {
  const { page, main } = window;
  main.dialogAnswers.files = [file];
  if ((await dialogOf(page).count()) === 0) {
    await page.getByRole('button', { name: newImage }).click();
  }
  await dialogOf(page).locator('.drop button').click();
  await poll(() => dialogOf(page).getByTestId('chosen-file').textContent()).toBe(file);
  await poll(() => dialogOf(page).getByTestId('file-check').count()).toBe(1);
  // The cloud's import methods and stores have arrived: the method and the stores are offered.
  await poll(() => dialogOf(page).getByTestId('store-picker').count()).toBe(1);
}

describe('the file check in the create dialog', () => {
  test('says what a qcow2 is, fills in its format and min disk, and warns on a mismatch', async () => {
    const { page } = en;
    await pickInCreateDialog(en, join(files, 'base.qcow2'), 'New image…');
    const form = dialogOf(page);
    const check = form.getByTestId('file-check');
    expect(await check.locator('.summary').textContent()).toBe('QCOW2, virtual size 1 GB');
    expect(await check.textContent()).toContain('Version 3');
    await poll(() => form.locator('[name="disk_format"]').inputValue()).toBe('qcow2');
    expect(await form.locator('[name="min_disk"]').inputValue()).toBe('1');
    expect(await form.getByTestId('format-mismatch').count()).toBe(0);

    await form.locator('[name="disk_format"]').selectOption('raw');
    await poll(() => form.getByTestId('format-mismatch').textContent()).toBe(
      'You chose disk format “raw”, but the file is QCOW2: choose “qcow2”.',
    );
    await screenshotBothThemes(page, 'create-file-check');
    await form.locator('[name="disk_format"]').selectOption('qcow2');
    await poll(() => form.getByTestId('format-mismatch').count()).toBe(0);
  });

  test('refuses a qcow2 with a backing file before anything is sent', async () => {
    const { page, main } = en;
    const child = join(files, 'child.qcow2');
    await pickInCreateDialog(en, child, 'New image…');
    const form = dialogOf(page);
    const refused = form.getByTestId('file-refused');
    expect(await refused.textContent()).toContain('This file cannot be sent:');
    expect(await refused.textContent()).toContain('It refers to a backing file');
    expect(await form.getByTestId('file-check').textContent()).toContain(
      'Backing file: base.qcow2',
    );
    await form.locator('[name="name"]').fill(`${prefix}-refused`);
    expect(await form.getByRole('button', { name: 'Create and upload' }).isDisabled()).toBe(true);
    await screenshotBothThemes(page, 'create-refused');
    expect(main.services.transfers.list()).toEqual([]);
    const listed = await main.value('listImages', {
      profileId: en.profile.id,
      query: { name: `${prefix}-refused` },
    });
    expect(listed.images).toEqual([]);
  });

  test('stages and imports into a chosen store (glance-direct, store picker)', async () => {
    const { page, main } = en;
    const file = join(files, `${prefix}-staged.raw`);
    await createRandomFile(file, 4 * MiB);
    await pickInCreateDialog(en, file, 'New image…');
    const form = dialogOf(page);
    await form.locator('[name="name"]').fill(`${prefix}-staged`);
    await form.locator('[name="send-method"]').selectOption('glance-direct');
    const picker = form.getByTestId('store-picker');
    expect(await picker.textContent()).toContain('local');
    await picker.getByRole('checkbox', { name: /cold/ }).check();
    await screenshotBothThemes(page, 'create-store-picker');
    await form.getByRole('button', { name: 'Create and upload' }).click();
    await poll(() => dialogOf(page).count(), 60_000).toBe(0);
    const [transfer] = main.services.transfers.list().filter((tr) => tr.kind === 'import');
    expect(transfer).toMatchObject({ state: 'done', import: { stores: ['cold'] } });
    const image = await main.value('getImage', {
      profileId: en.profile.id,
      imageId: transfer?.imageId ?? '',
    });
    expect(image.stores).toBe('cold');
  });
});

describe('imports in Transfers and stores in the image list', () => {
  /** A failed web-download (404) and one the cloud is still importing, in `window`. */
  async function importsUnderWay(window: Window): Promise<void> {
    const { main, profile } = window;
    const failed = await main.value('startImport', {
      profileId: profile.id,
      source: { method: 'web-download', url: `${webUrl}/missing.raw` },
      create: { name: `${prefix}-missing`, disk_format: 'raw', container_format: 'bare' },
    });
    await waitForTransfer(main, failed.id);
    const importing = await main.value('startImport', {
      profileId: profile.id,
      source: { method: 'web-download', url: `${webUrl}/slow.raw` },
      create: { name: `${prefix}-slow`, disk_format: 'raw', container_format: 'bare' },
    });
    await waitForTransfer(main, importing.id, ['importing']);
  }

  test('shows the importing phase, and a failed import with its task’s message', async () => {
    const { page } = en;
    await importsUnderWay(en);
    await page.getByRole('button', { name: /^Transfers/ }).click();
    const slow = page.locator('[data-testid="transfer"]', { hasText: `${prefix}-slow` });
    await poll(() => slow.getAttribute('data-state')).toBe('importing');
    expect(await slow.getByTestId('import-facts').textContent()).toContain(
      'web-download into the default store',
    );
    expect(await slow.getByRole('button').count()).toBe(0);
    const missing = page.locator('[data-testid="transfer"]', { hasText: `${prefix}-missing` });
    await poll(() => missing.getAttribute('data-state')).toBe('failed');
    expect(await missing.textContent()).toContain(
      'The cloud could not import the image (web-download) into “local”: its import task says “Task failed due to Internal Error”.',
    );
    await screenshotBothThemes(page, 'transfers-import');
  });

  test('the same in 简体中文', async () => {
    const { page } = zh;
    await pickInCreateDialog(zh, join(files, 'child.qcow2'), '新建镜像…');
    expect(await dialogOf(page).getByTestId('file-refused').textContent()).toContain('后备文件');
    await screenshotBothThemes(page, 'create-refused-zh');
    await pickInCreateDialog(zh, join(files, 'base.qcow2'), '新建镜像…');
    await dialogOf(page).locator('[name="send-method"]').selectOption('glance-direct');
    await screenshotBothThemes(page, 'create-file-check-zh');
    await page.keyboard.press('Escape');
    await poll(() => dialogOf(page).count()).toBe(0);

    await importsUnderWay(zh);
    await page.getByRole('button', { name: /^传输/ }).click();
    const slow = page.locator('[data-testid="transfer"]', { hasText: `${prefix}-slow` });
    await poll(() => slow.locator('.state-chip').textContent()).toBe('导入中');
    await screenshotBothThemes(page, 'transfers-import-zh');
  });

  test('follows the import to its end, then lists the stores and filters by one', async () => {
    releaseWeb();
    for (const window of [en, zh]) {
      const slow = window.main.services.transfers
        .list()
        .find((tr) => tr.path.endsWith('/slow.raw'));
      expect(await waitForTransfer(window.main, slow?.id ?? '')).toMatchObject({ state: 'done' });
    }
    const { page } = en;
    await page.getByRole('button', { name: /^Images/ }).click();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByRole('searchbox').fill(prefix);
    // The staged image, and each window's failed and finished web-download.
    const rows = page.locator('.content [role="row"]');
    await poll(() => rows.count()).toBe(5);
    const staged = rows.filter({ hasText: `${prefix}-staged` });
    expect(await staged.locator('.cell.stores').textContent()).toBe('cold');
    await page.getByTestId('store-filter').selectOption('cold');
    await poll(() => rows.count()).toBe(1);
    await screenshotBothThemes(page, 'images-stores');
    await page.getByTestId('store-filter').selectOption('');
    await poll(() => rows.count()).toBe(5);

    await zh.page.getByRole('button', { name: /^镜像/ }).click();
    await zh.page.getByRole('searchbox').fill(prefix);
    await zh.page.getByTestId('store-filter').selectOption('local');
    await poll(() => zh.page.locator('.content [role="row"]').count()).toBeGreaterThan(0);
    await screenshotBothThemes(zh.page, 'images-stores-zh');
  });
});

describe('the image details', () => {
  const details = () => en.page.getByRole('complementary', { name: 'Image details' });

  async function openDetails(name: string): Promise<void> {
    const { page } = en;
    await page.getByRole('button', { name: /^Images/ }).click();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByRole('searchbox').fill(name);
    await page.locator('.content [role="row"]', { hasText: name }).dblclick();
    await poll(() => details().locator('h2').textContent()).toBe(name);
  }

  test('checks the file picked to fill a queued image, and refuses a backing file', async () => {
    const { page, main, profile } = en;
    const name = `${prefix}-queued`;
    await main.value('createImage', {
      profileId: profile.id,
      fields: { name, disk_format: 'raw', container_format: 'bare' },
    });
    await openDetails(name);
    main.dialogAnswers.files = [join(files, 'child.qcow2')];
    await details().getByRole('button', { name: 'Upload data…' }).click();
    const check = dialogOf(page);
    await poll(() => check.getByTestId('file-refused').count()).toBe(1);
    // Compared with the image's own disk format: raw, not what the file is.
    expect(await check.getByTestId('file-check').textContent()).toContain(
      'Backing file: base.qcow2',
    );
    expect(await check.getByRole('button', { name: 'Upload into this image' }).isDisabled()).toBe(
      true,
    );
    await screenshotBothThemes(page, 'upload-data-refused');
    await check.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => dialogOf(page).count()).toBe(0);
    expect(main.services.transfers.list().filter((tr) => tr.imageName === name)).toEqual([]);
  });

  test('removes an image’s data from one of its stores, once confirmed', async () => {
    const { page, main, profile } = en;
    const name = `${prefix}-two-stores`;
    const file = join(files, `${name}.raw`);
    await createRandomFile(file, MiB);
    await main.pick('image', file);
    const uploaded = await main.value('startUpload', {
      profileId: profile.id,
      path: file,
      create: { name, disk_format: 'raw', container_format: 'bare' },
    });
    const { imageId } = await waitForTransfer(main, uploaded.id);
    // Copying into a second store is for admins (Glance's default policy).
    const admin = await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.admin, { name: 'Admin' }),
    });
    const copy = await main.value('startImport', {
      profileId: admin.id,
      source: { method: 'copy-image' },
      imageId,
      stores: ['cold'],
    });
    expect(await waitForTransfer(main, copy.id)).toMatchObject({ state: 'done' });

    await openDetails(name);
    await details().getByRole('button', { name: 'Remove from a store…' }).click();
    const confirm = dialogOf(page);
    await confirm.getByRole('radio', { name: 'cold' }).check();
    expect(await confirm.getByTestId('remove-question').textContent()).toBe(
      `Remove the data of “${name}” from store “cold”? The image keeps its data in “local”.`,
    );
    await screenshotBothThemes(page, 'remove-store');
    await confirm.getByRole('button', { name: 'Remove from “cold”' }).click();
    await poll(() => dialogOf(page).count()).toBe(0);
    await poll(() => page.locator('.toasts').textContent()).toContain(
      `Removed “${name}” from store “cold”.`,
    );
    expect((await main.value('getImage', { profileId: profile.id, imageId })).stores).toBe('local');
    // The last copy is not offered for removal.
    expect(await details().getByRole('button', { name: 'Remove from a store…' }).count()).toBe(0);
  });
});

describe('imports the cloud runs from the create dialog', () => {
  const rows = (page: Page) => page.locator('.content [role="row"]');
  const details = (page: Page) => page.getByRole('complementary', { name: 'Image details' });

  async function openCreateDialog(window: Window, newImage: string): Promise<void> {
    const { page } = window;
    await page.getByRole('button', { name: /^(Images|镜像)/ }).click();
    await page.getByRole('button', { name: newImage }).click();
    // The cloud's import methods and stores have arrived.
    await poll(() => dialogOf(page).getByTestId('store-picker').count()).toBe(1);
  }

  test('a URL import: the new image’s row turns Active once the cloud is done, without a refresh', async () => {
    const { page, main } = en;
    const name = `${later}-from-url`;
    await openCreateDialog(en, 'New image…');
    const form = dialogOf(page);
    await form.getByRole('radio', { name: 'Import from a URL' }).check();
    await form.locator('[name="name"]').fill(name);
    await form.locator('[name="disk_format"]').selectOption('raw');
    await form.locator('[name="url"]').fill(`${webUrl}/held.raw`);
    await form.getByRole('button', { name: 'Create and import' }).click();
    await poll(() => dialogOf(page).count()).toBe(0);

    // Shown at once, empty, with its details open; those close, so the row alone follows.
    await page.getByRole('searchbox').fill(later);
    const row = rows(page).filter({ hasText: name });
    // The import cannot end before the server is released.
    await poll(() => row.locator('.cell.status').textContent()).toMatch(/^(queued|importing)$/);
    await details(page).getByRole('button', { name: 'Close' }).click();
    await poll(() => details(page).count()).toBe(0);
    const transfer = main.services.transfers.list().find((tr) => tr.imageName === name);
    await waitForTransfer(main, transfer?.id ?? '', ['importing']);
    releaseHeld();
    expect(await waitForTransfer(main, transfer?.id ?? '')).toMatchObject({ state: 'done' });
    await poll(() => row.locator('.cell.status').textContent()).toBe('active');
  });

  test('imports an image of RegionTwo (glance-download): same data, the row and details follow', async () => {
    const { page, main } = en;
    const file = join(files, `${later}-source.raw`);
    const { md5 } = await createRandomFile(file, 3 * MiB);
    await main.pick('image', file);
    const uploaded = await main.value('startUpload', {
      profileId: en.regionTwo.id,
      path: file,
      create: { name: `${later}-source`, disk_format: 'raw', container_format: 'bare' },
    });
    const source = await waitForTransfer(main, uploaded.id);
    expect(source).toMatchObject({ state: 'done' });

    const name = `${later}-from-region`;
    await openCreateDialog(en, 'New image…');
    const form = dialogOf(page);
    await form.getByRole('radio', { name: 'Import from another region' }).check();
    expect(await form.locator('[name="region"]').inputValue()).toBe(bed.second.region);
    await form.locator('[name="name"]').fill(name);
    await form.locator('[name="disk_format"]').selectOption('raw');
    // Bad input is refused in words, and nothing is created.
    await form.locator('[name="source-image-id"]').fill('not-an-id');
    await form.getByRole('button', { name: 'Create and import' }).click();
    await poll(() => form.locator('[name="source-image-id"]').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await form.textContent()).toContain(
      'Enter the ID (a UUID) of the image in the other region.',
    );
    await screenshotBothThemes(page, 'create-glance-download');
    await form.locator('[name="source-image-id"]').fill(source.imageId);
    await form.getByRole('button', { name: 'Create and import' }).click();
    await poll(() => dialogOf(page).count()).toBe(0);

    const transfer = main.services.transfers.list().find((tr) => tr.imageName === name);
    expect(transfer).toMatchObject({ kind: 'import', import: { method: 'glance-download' } });
    const done = await waitForTransfer(main, transfer?.id ?? '');
    expect(done).toMatchObject({ state: 'done' });
    const image = await main.value('getImage', { profileId: en.profile.id, imageId: done.imageId });
    expect(image).toMatchObject({ status: 'active', checksum: md5 });
    // Its details stayed open: they, and through them its row, show it Active.
    await poll(() => details(page).locator('[data-field="status"]').textContent()).toBe('active');
    await poll(() =>
      rows(page).filter({ hasText: name }).locator('.cell.status').textContent(),
    ).toBe('active');
  });

  test('is not offered where the cloud does not advertise glance-download (RegionTwo)', async () => {
    const { page } = en;
    await page.getByTestId('profile-switcher').selectOption(en.regionTwo.id);
    await page.getByRole('button', { name: 'New image…' }).click();
    const form = dialogOf(page);
    // Its import methods have arrived: the URL import is enabled.
    await poll(() => form.getByRole('radio', { name: 'Import from a URL' }).isEnabled()).toBe(true);
    expect(await form.getByRole('radio', { name: 'Import from another region' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await poll(() => dialogOf(page).count()).toBe(0);
    await page.getByTestId('profile-switcher').selectOption(en.profile.id);
  });

  test('the same in 简体中文', async () => {
    const { page } = zh;
    await openCreateDialog(zh, '新建镜像…');
    const form = dialogOf(page);
    await form.getByRole('radio', { name: '从其他区域导入' }).check();
    expect(await form.textContent()).toContain('该区域中镜像的 ID');
    await form.locator('[name="name"]').fill(`${later}-zh`);
    await form.locator('[name="disk_format"]').selectOption('raw');
    await form.getByRole('button', { name: '创建并导入' }).click();
    await poll(() => form.textContent()).toContain('请输入另一区域中镜像的 ID（UUID）。');
    await screenshotBothThemes(page, 'create-glance-download-zh');
    await page.keyboard.press('Escape');
    await poll(() => dialogOf(page).count()).toBe(0);
    expect(
      zh.main.services.transfers.list().filter((tr) => tr.imageName === `${later}-zh`),
    ).toEqual([]);
  });
});

describe('cancelling a glance-direct import in Transfers', () => {
  /** A glance-direct import into a new image whose file is sent, the stage's answer held back. */
  async function stagingImport(window: Window, name: string): Promise<string> {
    const { main } = window;
    const viaProxy = await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, { name: 'Via proxy', imageEndpoint: proxy.url }),
    });
    const file = join(files, `${name}.raw`);
    await createRandomFile(file, MiB);
    await main.pick('image', file);
    proxy.addRule({
      match: /^PUT \/v2\/images\/[^/]+\/stage$/,
      fault: { kind: 'stall', afterBytes: 0, ms: 30_000 },
    });
    const started = await main.value('startImport', {
      profileId: viaProxy.id,
      source: { method: 'glance-direct', path: file },
      create: { name, disk_format: 'raw', container_format: 'bare' },
    });
    await poll(() => main.services.transfers.get(started.id).imageId).not.toBe('');
    return started.id;
  }

  test('asks whether to delete or keep the image; deleted, it is gone', async () => {
    const { page, main } = en;
    const name = `${later}-cancelled`;
    const id = await stagingImport(en, name);
    const imageId = main.services.transfers.get(id).imageId;
    await page.getByRole('button', { name: /^Transfers/ }).click();
    await page.getByRole('button', { name: `Cancel “${name}”` }).click();
    const question = dialogOf(page);
    expect(await question.getByTestId('confirm-question').textContent()).toBe(
      `“${name}” has no data yet. Delete it, or keep it? A kept image stays empty — unless the whole file has reached the cloud already: Glance cannot give it back, so it imports it into the image.`,
    );
    await screenshotBothThemes(page, 'transfers-import-cancel');
    await question.getByRole('button', { name: 'Cancel and delete it' }).click();
    expect(await waitForTransfer(main, id)).toMatchObject({ state: 'cancelled', imageId: '' });
    expect(await main.call('getImage', { profileId: en.profile.id, imageId })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
  });

  test('the same question in 简体中文; kept, the image does not stay uploading', async () => {
    const { page, main } = zh;
    const name = `${later}-kept`;
    const id = await stagingImport(zh, name);
    const imageId = main.services.transfers.get(id).imageId;
    await page.getByRole('button', { name: /^传输/ }).click();
    await page
      .locator('[data-testid="transfer"]', { hasText: name })
      .getByRole('button', { name: /^取消/ })
      .click();
    const question = dialogOf(page);
    expect(await question.getByTestId('confirm-question').textContent()).toContain('还没有数据');
    await screenshotBothThemes(page, 'transfers-import-cancel-zh');
    await question.getByRole('button', { name: '取消并保留' }).click();
    expect(await waitForTransfer(main, id)).toMatchObject({ state: 'cancelled', imageId });
    const status = async () =>
      (await main.value('getImage', { profileId: zh.profile.id, imageId })).status;
    // Back to queued if the file had not all arrived, imported (active) if it had.
    await poll(status, 60_000).toMatch(/^(queued|active)$/);
    await main.call('deleteImages', { profileId: zh.profile.id, imageIds: [imageId] });
  });
});
