/**
 * axe-core on every view and dialog of the app, in the light and the dark theme and in
 * English and 简体中文, in real Chromium against the real handlers and test bed. Each state
 * is also saved as test/e2e/screenshots/a11y-<state>-<theme>-<locale>.png.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import type { MessageKey } from '../../renderer/src/i18n/translate';
import { translate } from '../../renderer/src/i18n/translate';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from '../integration/ipc/harness';
import { seedImages, type SeededImage } from '../testbed/seed';
import { expectAccessible } from './axe';
import { launchChromium, openApp, RENDERER_DIR, SCREENSHOT_DIR, serveStatic } from './harness';

const bed = inject('testbed');
const prefix = `a11y${randomUUID().slice(0, 8)}`;
const downloads = tempFolder('e2e-a11y-downloads');

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let profile: Profile;
/** Downloaded (so Transfers has a row), described (so Activity has one), selected, deleted. */
let downloaded: SeededImage;
let described: SeededImage;
let other: SeededImage;

beforeAll(async () => {
  [downloaded, described, other] = (await seedImages(bed, 3, { prefix, withData: true })) as [
    SeededImage,
    SeededImage,
    SeededImage,
  ];
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  profile = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Test bed', label: 'dev' }),
  });
  await main.pick('folder', downloads);
  // Transfers with rows, and Activity with a change in it.
  const started = await main.value('startDownloads', {
    profileId: profile.id,
    imageIds: [downloaded.id],
    folder: downloads,
  });
  for (const { id } of started) expect((await waitForTransfer(main, id)).state).toBe('done');
  await main.value('updateImage', {
    profileId: profile.id,
    imageId: described.id,
    ops: [{ op: 'add', path: '/description', value: 'Seen by axe' }],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await main?.close();
});

const combinations = [
  { locale: 'en', theme: 'light' },
  { locale: 'en', theme: 'dark' },
  { locale: 'zh-CN', theme: 'light' },
  { locale: 'zh-CN', theme: 'dark' },
] as const;

describe.each(combinations)('axe-core, $theme theme, $locale', ({ locale, theme }) => {
  const w = (key: MessageKey, params?: Record<string, string | number>) =>
    translate(locale, key, params);
  let page: Page;

  /** axe on the page as it is now, and a screenshot of it. */
  async function check(state: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `a11y-${state}-${theme}-${locale}.png`) });
    await expectAccessible(page, `${state}, ${theme} theme, ${locale}`);
  }

  const button = (key: MessageKey, params?: Record<string, string | number>) =>
    page.getByRole('button', { name: w(key, params), exact: true });
  const dialog = () => page.locator('dialog[open]');
  const nav = (key: MessageKey) =>
    page.getByRole('navigation').getByRole('button', { name: w(key) });
  const row = (image: SeededImage) =>
    page.locator('.content [role="row"]', { hasText: image.name });

  async function closeDialog(): Promise<void> {
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
  }

  test('the first run, before any cloud', async () => {
    const empty = await startTestMain();
    await empty.value('updateSettings', { locale, theme });
    const app = await openApp(browser, server.url, { main: empty, colorScheme: theme });
    page = app.page;
    await expect.poll(() => button('profiles.add').first().isVisible()).toBe(true);
    await check('first-run');
    await app.close();
    await empty.close();
  });

  test('every view and dialog', async () => {
    await main.value('updateSettings', { locale, theme, lastProfileId: profile.id });
    const app = await openApp(browser, server.url, { main, colorScheme: theme });
    page = app.page;
    page.setDefaultTimeout(20_000);

    // Images: the list with our images, one selected, its details, the edit form, the
    // patch preview, the question about unsaved edits, filters, create and delete.
    await page.getByRole('searchbox').fill(prefix);
    await expect.poll(() => page.locator('.content [role="row"]').count()).toBe(3);
    await check('images');
    await row(described).click();
    await check('images-selected');
    await row(described).dblclick();
    await expect
      .poll(() => page.getByRole('complementary').getByText('Seen by axe').count())
      .toBe(1);
    await check('details');
    await button('details.edit').click();
    await page.locator('form.edit [name="name"]').fill(`${described.name}-renamed`);
    await check('edit');
    await button('details.review').click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('patch-preview');
    await button('details.backToEdit').click();
    await nav('nav.transfers').click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('discard-question');
    await button('details.keepEditing').click();
    await expect.poll(() => dialog().count()).toBe(0);
    await page
      .locator('form.edit')
      .getByRole('button', { name: w('common.cancel') })
      .click();

    await button('images.filters').click();
    await check('filters');
    await button('images.filters').click();

    await button('images.new').click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('create');
    await closeDialog();

    await row(other).click();
    await page
      .locator('.toolbar')
      .getByRole('button', { name: w('images.delete'), exact: true })
      .click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('delete-confirm');
    await closeDialog();

    await nav('nav.shared').click();
    await check('shared');

    await nav('nav.transfers').click();
    await expect.poll(() => page.getByTestId('transfer').count()).toBeGreaterThan(0);
    await check('transfers');

    await nav('nav.profiles').click();
    await expect.poll(() => page.getByTestId('profile-card').count()).toBe(1);
    await check('clouds');
    await button('profiles.add').click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('profile-form');
    await closeDialog();
    await button('profiles.import').click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('import');
    await closeDialog();
    await page
      .getByTestId('profile-card')
      .getByRole('button', { name: w('common.delete') })
      .click();
    await expect.poll(() => dialog().count()).toBe(1);
    await check('profile-delete-confirm');
    await closeDialog();

    await nav('nav.activity').click();
    await expect.poll(() => page.getByTestId('activity-row').count()).toBeGreaterThan(0);
    await check('activity');

    await nav('nav.settings').click();
    await check('settings');

    await app.close();
  });
});
