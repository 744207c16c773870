/**
 * The renderer where data could be lost or a user misled, in real Chromium against the real
 * handlers and test bed (through the fault proxy where a failure is needed): a failed upload
 * sent again fills the image it created; unsaved edits are not dropped without asking;
 * deleting downloaded data asks first; a zero-byte image shows its size; Glance's words are
 * translated; a web-download import reports how it ended.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Transfer } from '../../common/transfer';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  type TestMain,
} from '../integration/ipc/harness';
import { projectToken } from '../testbed/index';
import { createRandomFile, seedImages, uploadImage } from '../testbed/seed';
import { launchChromium, openApp, RENDERER_DIR, serveStatic, type AppPage } from './harness';

const bed = inject('testbed');
const prefix = `saf${Date.now().toString(36)}`;
const MiB = 1024 * 1024;
const downloads = tempFolder('e2e-safety-downloads');
const importData = Buffer.alloc(64 * 1024, 'web-download data\n');

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let proxy: FaultProxy;
let imports: Server;
let importUrl: string;

beforeAll(async () => {
  await seedImages(bed, 2, { prefix, via: 'api' });
  await uploadImage(bed, bed.member, { name: `${prefix}-empty`, bytes: new Uint8Array(0) });
  await uploadImage(bed, bed.member, { name: `${prefix}-big`, size: 8 * MiB });
  // Glance fetches web-download data from here: /disk.raw exists, anything else is a 404.
  imports = createServer((req, res) => {
    if (req.url === '/disk.raw') res.end(importData);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((done) => imports.listen(0, '127.0.0.1', done));
  importUrl = `http://127.0.0.1:${(imports.address() as AddressInfo).port}`;

  proxy = await startFaultProxy(bed.glanceUrl);
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  await main.pick('folder', downloads);
  await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, {
      name: 'Through the proxy',
      label: 'proxy',
      imageEndpoint: proxy.url,
      downloadFolder: downloads,
    }),
  });
  app = await openApp(browser, server.url, { main });
  page = app.page;
  page.setDefaultTimeout(20_000);
  await searchFor(prefix);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await proxy?.close();
  await main?.close();
  imports?.close();
});

async function glance<T>(path: string): Promise<T> {
  const token = await projectToken(bed.authUrl, bed.member);
  const response = await request(`${bed.glanceUrl}${path}`, {
    headers: { 'x-auth-token': token, accept: 'application/json' },
  });
  return (await response.body.json()) as T;
}

function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const button = (name: string | RegExp) =>
  page.getByRole('button', { name, exact: typeof name === 'string' });
const dialog = () => page.locator('dialog[open]');
const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });
const details = () => page.getByRole('complementary', { name: 'Image details' });
const toasts = () => page.locator('.toasts');

async function searchFor(text: string): Promise<void> {
  await page.getByRole('button', { name: /^Images/ }).click();
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await page.getByRole('searchbox').fill(text);
}

describe('Safety and clarity in Chromium', () => {
  test('a failed upload sent again fills the image it created, with the ID the user gave', async () => {
    const file = join(tempFolder('e2e-safety-upload'), `${prefix}-retry.raw`);
    const hashes = await createRandomFile(file, 3 * MiB + 5);
    main.dialogAnswers.files = [file];
    const id = randomUUID();
    proxy.addRule({
      match: /^PUT \/v2\/images\/[^/]+\/file/,
      fault: { kind: 'cut-upload', afterBytes: MiB },
    });

    await button('New image…').click();
    const form = dialog();
    await form.getByRole('button', { name: 'Choose file…' }).click();
    await poll(() => form.getByTestId('chosen-file').textContent()).toBe(file);
    await form.locator('[name="disk_format"]').selectOption('raw');
    await form.locator('[name="id"]').fill(id);
    await form.getByRole('button', { name: 'Create and upload' }).click();

    // The cut upload fails; the dialog says plainly that the image exists without data.
    const note = form.getByTestId('created-note');
    await poll(() => note.isVisible(), 60_000).toBe(true);
    expect(await note.textContent()).toContain(id);
    expect(await note.textContent()).toMatch(/was created, but its data did not arrive/);
    expect(await form.locator('[name="name"]').isDisabled()).toBe(true);
    expect(await form.locator('[name="id"]').isDisabled()).toBe(true);
    const before = await glance<{ status: string }>(`/v2/images/${id}`);
    expect(before.status).toBe('queued');

    // Sent again: the data goes into that image (a second create would fail: the ID is taken).
    await form.getByRole('button', { name: 'Upload into this image' }).click();
    await poll(() => dialog().count(), 60_000).toBe(0);
    await poll(() => details().locator('[data-field="id"]').textContent()).toBe(id);
    const { images } = await glance<{ images: { id: string; status: string; checksum: string }[] }>(
      `/v2/images?name=${prefix}-retry`,
    );
    expect(images.map(({ id, status, checksum }) => ({ id, status, checksum }))).toEqual([
      { id, status: 'active', checksum: hashes.md5 },
    ]);
    const uploads = ((await main.value('listTransfers')) as Transfer[]).filter(
      (tr) => tr.kind === 'upload' && tr.imageId === id,
    );
    expect(uploads.map((tr) => tr.state)).toEqual(['done']); // one transfer, retried
    await page.keyboard.press('Escape');
  });

  test('asks before unsaved edits are dropped, by Escape or by opening another image', async () => {
    await searchFor(`${prefix}-0000`);
    await rowNamed(`${prefix}-00000`).dblclick();
    await poll(() => details().locator('h2').textContent()).toBe(`${prefix}-00000`);

    // Nothing edited: Escape closes at once.
    await details().getByRole('button', { name: 'Edit' }).click();
    await details().locator('h2').click();
    await page.keyboard.press('Escape');
    await poll(() => details().count()).toBe(0);

    await rowNamed(`${prefix}-00000`).dblclick();
    await details().getByRole('button', { name: 'Edit' }).click();
    await details().locator('[name="name"]').fill(`${prefix}-edited`);
    await details().locator('h2').click(); // focus leaves the input
    await page.keyboard.press('Escape');
    const ask = dialog();
    await poll(() => ask.locator('h2').textContent()).toBe('Discard your changes?');
    expect(await ask.textContent()).toContain(`Your changes to “${prefix}-00000” are not saved`);
    // Keyboard first: the safe choice has the focus, and Enter keeps the edits.
    await poll(() => page.locator(':focus').textContent()).toBe('Keep editing');
    await page.keyboard.press('Enter');
    await poll(() => dialog().count()).toBe(0);
    expect(await details().locator('[name="name"]').inputValue()).toBe(`${prefix}-edited`);

    // Opening another image asks too; Escape in the question keeps editing as well.
    await rowNamed(`${prefix}-00001`).dblclick();
    await poll(() => dialog().count()).toBe(1);
    await page.keyboard.press('Escape');
    await poll(() => dialog().count()).toBe(0);
    expect(await details().locator('[name="name"]').inputValue()).toBe(`${prefix}-edited`);

    await rowNamed(`${prefix}-00001`).dblclick();
    await dialog().getByRole('button', { name: 'Discard changes' }).click();
    await poll(() => details().locator('h2').textContent()).toBe(`${prefix}-00001`);
    // Nothing was sent.
    const { images } = await glance<{ images: unknown[] }>(`/v2/images?name=${prefix}-edited`);
    expect(images).toEqual([]);
    await page.keyboard.press('Escape');
    await poll(() => details().count()).toBe(0);
  });

  test('a zero-byte image shows its size; statuses, visibility and units follow the language', async () => {
    await searchFor(`${prefix}-empty`);
    await rowNamed(`${prefix}-empty`).dblclick();
    const size = details().locator('[data-field="size"]');
    await poll(() => size.textContent()).toMatch(/^\s*0 byte.*\(0 bytes\)\s*$/);
    expect(await details().locator('[data-field="min_disk"]').textContent()).toBe('0 GB');

    await main.value('updateSettings', { locale: 'zh-CN' });
    await page.reload();
    await page.getByRole('searchbox').fill(`${prefix}-empty`);
    await rowNamed(`${prefix}-empty`).dblclick();
    const zh = page.getByRole('complementary', { name: '镜像详情' });
    await poll(() => zh.locator('[data-field="status"]').textContent()).toBe('正常');
    expect((await zh.locator('[data-field="visibility"]').textContent())?.trim()).toBe('共享');
    expect(await zh.locator('[data-field="size"]').textContent()).toMatch(/0 字节/);
    expect(await zh.locator('[data-field="min_ram"]').textContent()).toBe(
      new Intl.NumberFormat('zh-CN', { style: 'unit', unit: 'megabyte' }).format(0),
    );
    await main.value('updateSettings', { locale: 'en' });
    await page.reload();
  });

  test('cancelling a download with data asks first; removing it follows main', async () => {
    proxy.addRule({
      match: /^GET \/v2\/images\/[^/]+\/file/,
      fault: { kind: 'stall', afterBytes: 2 * MiB, ms: 25_000 },
      times: 10,
    });
    await searchFor(`${prefix}-big`);
    await rowNamed(`${prefix}-big`).click();
    await button('Download').click();
    await page.getByRole('button', { name: /^Transfers/ }).click();
    const name = `${prefix}-big`;
    const row = page.locator('[data-testid="transfer"]', { hasText: name });
    await poll(async () => {
      const transfers = (await main.value('listTransfers')) as Transfer[];
      return transfers.find((tr) => tr.imageName === name)?.bytesDone ?? 0;
    }).toBeGreaterThan(MiB);
    // The question names what the row shows: wait for the row to have caught up with main.
    await poll(() => row.locator('.facts span').first().textContent()).toMatch(/^[\d.]+ MB \//);
    expect(await row.getByRole('button', { name: `Pause “${name}”`, exact: true }).count()).toBe(1);

    const cancel = row.getByRole('button', { name: `Cancel “${name}”`, exact: true });
    await cancel.click();
    await poll(() => dialog().getByTestId('confirm-question').textContent()).toMatch(
      new RegExp(`Cancel “${name}” and delete the [\\d.]+ MB downloaded so far\\?`),
    );
    await page.keyboard.press('Escape'); // keeps downloading
    await poll(() => dialog().count()).toBe(0);
    expect(await row.getAttribute('data-state')).not.toBe('cancelled');
    expect((await readdir(downloads)).some((file) => file.endsWith('.part'))).toBe(true);

    await cancel.click();
    await dialog().getByRole('button', { name: 'Cancel and delete' }).click();
    await poll(() => row.getAttribute('data-state')).toBe('cancelled');
    await poll(() => readdir(downloads)).toEqual([]);
    proxy.clearRules();

    // The list is main's: the row goes when main's change event says it was removed.
    await row.getByRole('button', { name: `Remove “${name}”`, exact: true }).click();
    await poll(() => row.count()).toBe(0);
    const left = (await main.value('listTransfers')) as Transfer[];
    expect(left.some((tr) => tr.imageName === name)).toBe(false);
  });

  test('a web-download import reports that it finished, or that it failed', async () => {
    await page.getByRole('button', { name: /^Images/ }).click();
    for (const [name, path, outcome] of [
      [`${prefix}-imported`, '/disk.raw', `Imported “${prefix}-imported”`],
      [
        `${prefix}-not-imported`,
        '/missing.raw',
        `“${prefix}-not-imported” failed. The cloud could not import the image (web-download)`,
      ],
    ] as const) {
      await button('New image…').click();
      const form = dialog();
      await form.locator('[name="name"]').fill(name);
      await form.locator('[name="disk_format"]').selectOption('raw');
      await form.getByRole('radio', { name: 'Import from a URL' }).check();
      await form.locator('[name="url"]').fill(`${importUrl}${path}`);
      await form.getByRole('button', { name: 'Create and import' }).click();
      // The cloud imports in the background: Transfers follows it and says how it ended.
      await poll(() => dialog().count()).toBe(0);
      await poll(() => toasts().textContent(), 90_000).toContain(outcome);
    }
    const imported = await glance<{ images: { status: string; size: number }[] }>(
      `/v2/images?name=${prefix}-imported`,
    );
    expect(imported.images).toMatchObject([{ status: 'active', size: importData.length }]);
  });
});
