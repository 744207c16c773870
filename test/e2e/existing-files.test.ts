/**
 * Downloading an image whose file is already in the folder, as a user does it in real
 * Chromium against the real handlers and test bed: the app asks (replace, keep both, skip;
 * resume where an unfinished download is there), "do the same for the rest" answers for
 * every file left, and the settings' choice answers without asking. The transfer shows how
 * many connections it used.
 */
import { basename } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Transfer } from '../../common/transfer';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  type TestMain,
} from '../integration/ipc/harness';
import { seedImages } from '../testbed/seed';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const prefix = `exist${Date.now().toString(36)}`;
const downloads = tempFolder('e2e-existing');

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;

beforeAll(async () => {
  await seedImages(bed, 2, { prefix, withData: true });
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  await main.pick('folder', downloads);
  await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Test cloud', downloadFolder: downloads }),
  });
  app = await openApp(browser, server.url, { main });
  page = app.page;
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await main?.close();
});

function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const button = (name: string | RegExp) =>
  page.getByRole('button', { name, exact: typeof name === 'string' });
const dialog = () => page.locator('dialog[open]');
const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });
const doneDownloads = () =>
  (main.services.transfers.list() as Transfer[]).filter(
    (t) => t.kind === 'download' && t.state === 'done',
  );

async function showImages(): Promise<void> {
  await page.getByRole('button', { name: /^Images/ }).click();
  const form = page.locator('#filter-bar');
  if (!(await form.isVisible())) await button('Filters').click();
  await form.locator('[name="tags"]').fill(prefix);
  await form.getByRole('button', { name: 'Apply' }).click();
  await poll(() => page.locator('.toolbar .status').textContent()).toMatch(/^\s*2 images/);
}

async function download(...names: string[]): Promise<void> {
  await rowNamed(names[0] ?? '').click();
  for (const name of names.slice(1)) await rowNamed(name).click({ modifiers: ['Control'] });
  await button('Download').click();
}

const first = `${prefix}-00000`;
const second = `${prefix}-00001`;

describe('a download whose file is already there', () => {
  test('is downloaded the first time, on one connection because it is small', async () => {
    await showImages();
    await download(first);
    await poll(() => doneDownloads().length).toBe(1);
    await page.getByRole('button', { name: /^Transfers/ }).click();
    await poll(() => page.getByTestId('connections').first().textContent()).toBe(
      '1 connection: the image is under 64 MB',
    );
  });

  test('asks the second time; keep both gives the new file a numbered name', async () => {
    await showImages();
    await download(first);
    await poll(() => dialog().count()).toBe(1);
    const [done] = doneDownloads();
    const fileName = basename(done?.path ?? '');
    await expect
      .poll(() => dialog().getByTestId('existing-question').textContent())
      .toContain(`“${fileName}” is already in the folder.`);
    // Nothing to resume and nobody else to ask about: no Resume, no "same for the rest".
    expect(await dialog().getByRole('button', { name: 'Resume' }).count()).toBe(0);
    expect(await dialog().locator('[name="forTheRest"]').count()).toBe(0);
    await screenshotBothThemes(page, 'existing-file');

    await dialog().getByRole('button', { name: 'Keep both' }).click();
    await poll(() => dialog().count()).toBe(0);
    await poll(() => doneDownloads().length).toBe(2);
    const paths = doneDownloads().map((t) => basename(t.path));
    expect(paths[1]).toMatch(/ \(2\)\./);
  });

  test('answers for the rest at once: both skipped, nothing downloaded', async () => {
    await showImages();
    await download(second);
    await poll(() => doneDownloads().length).toBe(3);

    await showImages();
    await download(first, second);
    await poll(() => dialog().count()).toBe(1);
    await dialog().getByRole('checkbox', { name: 'Do the same for the other one' }).check();
    await dialog().getByRole('button', { name: 'Skip' }).click();
    await poll(() => dialog().count()).toBe(0);
    await poll(() => page.getByTestId('toast').locator('span').allTextContents()).toContain(
      'Skipped 2 images whose files are already there.',
    );
    expect(main.services.transfers.list()).toHaveLength(3);
  });

  test('takes the settings’ choice without asking', async () => {
    await page.getByRole('button', { name: /^Settings/ }).click();
    await page.locator('select[name="existingFile"]').selectOption('skip');
    await poll(() => main.services.settings.get('existingFile')).toBe('skip');
    await showImages();
    await download(first);
    await poll(() => page.getByTestId('toast').locator('span').allTextContents()).toContain(
      'Skipped 1 image whose file is already there.',
    );
    expect(await dialog().count()).toBe(0);
    expect(main.services.transfers.list()).toHaveLength(3);
  });
});
