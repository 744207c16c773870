/**
 * One whole task with the keyboard only, in real Chromium against the real handlers and
 * test bed: add a cloud (testing it first), find an image with a filter and the search box,
 * download it (verified), and delete another after confirming. No mouse click anywhere:
 * Tab, Shift+Tab, Enter, arrows, Delete and Escape, with focus checked at each step.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startTestMain, tempFolder, type TestMain } from '../integration/ipc/harness';
import { projectToken } from '../testbed/index';
import { seedImageSpec, seedImages, type SeededImage } from '../testbed/seed';
import { launchChromium, openApp, RENDERER_DIR, serveStatic, type AppPage } from './harness';

const bed = inject('testbed');
const prefix = `kb${Date.now().toString(36)}`;
const downloads = tempFolder('e2e-keyboard-downloads');

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let wanted: SeededImage;
let unwanted: SeededImage;

beforeAll(async () => {
  [wanted, unwanted] = (await seedImages(bed, 2, { prefix, withData: true })) as [
    SeededImage,
    SeededImage,
  ];
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  main.dialogAnswers.folder = downloads;
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

const isFocused = (target: Locator) =>
  target.evaluate((element) => element === element.ownerDocument.activeElement);

/** What has focus, for failure messages. */
const focused = () =>
  page
    .locator('*:focus')
    .evaluateAll((elements) =>
      elements.length > 0
        ? elements.map((element) => element.outerHTML.slice(0, 160)).join()
        : 'nothing',
    );

/** Presses Tab (Shift+Tab with `back`) until `target` has focus. */
async function tabTo(target: Locator, back = false): Promise<void> {
  for (let presses = 0; presses < 100; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${String(target)}; focus is on ${await focused()}`);
}

async function expectFocus(target: Locator): Promise<void> {
  await poll(async () => ((await isFocused(target)) ? 'focused' : await focused())).toBe('focused');
}

const dialog = () => page.locator('dialog[open]');
const navButton = (name: string) => page.getByRole('navigation').getByRole('button', { name });
const grid = () => page.getByRole('grid', { name: 'Images' });
const rows = () => grid().locator('.content [role="row"]');
const announced = () => page.getByTestId('announce-news');

async function glanceStatus(imageId: string): Promise<number> {
  const token = await projectToken(bed.authUrl, bed.member);
  const response = await request(`${bed.glanceUrl}/v2/images/${imageId}`, {
    headers: { 'x-auth-token': token },
  });
  await response.body.dump();
  return response.statusCode;
}

describe('the keyboard alone', () => {
  test('adds a cloud: the form takes focus, is filled and tested, and saves', async () => {
    await poll(() => page.getByText('Connect your first cloud').isVisible()).toBe(true);
    const add = page.getByRole('button', { name: 'Add cloud…' }).first();
    await tabTo(add);
    await page.keyboard.press('Enter');
    await poll(() => dialog().count()).toBe(1);
    await expectFocus(dialog().locator('[name="name"]'));

    const type = async (field: string, text: string) => {
      await tabTo(dialog().locator(`[name="${field}"]`));
      await page.keyboard.type(text);
    };
    await page.keyboard.type('Keyboard bed');
    await type('authUrl', bed.authUrl);
    await type('region', bed.region);
    await type('userName', bed.member.username);
    await type('projectName', bed.member.projectName);
    await type('secret', bed.member.password);
    // The download folder is chosen in main's folder dialog, opened with Enter.
    const folderRow = dialog().locator('.with-button', {
      has: page.locator('[name="downloadFolder"]'),
    });
    await tabTo(folderRow.getByRole('button', { name: 'Choose…' }));
    await page.keyboard.press('Enter');
    await poll(() => dialog().locator('[name="downloadFolder"]').inputValue()).toBe(downloads);

    await tabTo(dialog().getByRole('button', { name: 'Test connection' }));
    await page.keyboard.press('Enter');
    await poll(() => dialog().getByTestId('test-result').textContent()).toContain('Connected in');

    await tabTo(dialog().getByRole('button', { name: 'Save' }));
    await page.keyboard.press('Enter');
    await poll(() => dialog().count()).toBe(0);
    // Saving the first cloud opens its images: focus goes to the main area, not nowhere.
    await expectFocus(page.getByRole('main'));
    expect((await main.value('listProfiles')).map((p) => p.name)).toEqual(['Keyboard bed']);
  });

  test('finds an image with a filter and the search box, and downloads it, verified', async () => {
    await tabTo(page.getByRole('button', { name: 'Filters' }));
    await page.keyboard.press('Enter');
    const tags = page.locator('#filter-bar [name="tags"]');
    await tabTo(tags);
    await page.keyboard.type(prefix);
    await page.keyboard.press('Enter'); // applies the filters
    await poll(() => page.locator('.toolbar .status').textContent()).toMatch(/^\s*2 images/);

    await page.keyboard.press('Control+f');
    await expectFocus(page.getByRole('searchbox'));
    await page.keyboard.type(wanted.name);
    await poll(() => rows().count()).toBe(1);

    // Into the grid: the first arrow selects the first row, which becomes the grid's
    // active descendant; Enter shows its details and leaves focus in the grid.
    await tabTo(grid());
    await page.keyboard.press('ArrowDown');
    const row = rows().filter({ hasText: wanted.name });
    await poll(() => row.getAttribute('aria-selected')).toBe('true');
    expect(await grid().getAttribute('aria-activedescendant')).toBe(await row.getAttribute('id'));
    await page.keyboard.press('Enter');
    await poll(() =>
      page.getByRole('complementary').getByRole('heading', { level: 2 }).textContent(),
    ).toBe(wanted.name);
    await expectFocus(grid());

    await tabTo(page.getByRole('button', { name: 'Download', exact: true }), true);
    await page.keyboard.press('Enter');
    await poll(() => announced().textContent(), 60_000).toContain(`Downloaded “${wanted.name}”.`);
    const [file] = await readdir(downloads);
    const expected = seedImageSpec(prefix, 0).data;
    expect(
      createHash('sha256')
        .update(await readFile(join(downloads, file ?? '')))
        .digest(),
    ).toEqual(createHash('sha256').update(expected).digest());

    // The Transfers view, reached from the navigation, shows the check that was made.
    await tabTo(navButton('Transfers'), true);
    await page.keyboard.press('Enter');
    const transfer = page.getByTestId('transfer').filter({ hasText: wanted.name });
    await poll(() => transfer.getAttribute('data-state')).toBe('done');
    expect(await transfer.getByTestId('verification').textContent()).toContain('Verified');
    await expectFocus(navButton('Transfers'));
  });

  test('deletes another image: Escape backs out, Enter on Delete confirms', async () => {
    await tabTo(navButton('Images'), true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+f');
    await page.keyboard.type(prefix);
    await poll(() => rows().count()).toBe(2);
    await tabTo(grid());
    const row = rows().filter({ hasText: unwanted.name });
    for (let presses = 0; presses < 2; presses++) {
      await page.keyboard.press('ArrowDown');
      if ((await row.getAttribute('aria-selected')) === 'true') break;
    }
    expect(await row.getAttribute('aria-selected')).toBe('true');

    // Delete asks first; focus starts on Cancel and comes back to the grid on Escape.
    await page.keyboard.press('Delete');
    await poll(() => dialog().count()).toBe(1);
    expect(await dialog().getByTestId('delete-names').textContent()).toContain(unwanted.name);
    await expectFocus(dialog().getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    await poll(() => dialog().count()).toBe(0);
    await expectFocus(grid());
    expect(await glanceStatus(unwanted.id)).toBe(200);

    await page.keyboard.press('Delete');
    await poll(() => dialog().count()).toBe(1);
    await tabTo(dialog().getByRole('button', { name: 'Delete 1' }));
    await page.keyboard.press('Enter');
    await poll(() => dialog().count()).toBe(0);
    await poll(() => glanceStatus(unwanted.id)).toBe(404);
    await poll(() => announced().textContent()).toContain('Deleted 1 image.');
    await poll(() => rows().count()).toBe(1);
    await expectFocus(grid());
    // The image that was downloaded is still there.
    expect(await glanceStatus(wanted.id)).toBe(200);
  });
});
