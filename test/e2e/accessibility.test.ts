/**
 * axe-core on every view and dialog of the app, in the light and the dark theme and in
 * English and 简体中文, in real Chromium against the real handlers and test bed (and the IMS
 * stand-in for a Huawei Cloud profile). Each state is also saved as
 * test/e2e/screenshots/a11y-<state>-<theme>-<locale>.png.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import { profileFromTemplate } from '../../common/provider-templates';
import { huaweiCloud } from '../../common/providers';
import type { MessageKey } from '../../renderer/src/i18n/translate';
import { translate } from '../../renderer/src/i18n/translate';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from '../integration/ipc/harness';
import { startImsStandin, type ImsStandin } from '../support/ims-standin';
import { createRandomFile, seedImages, type SeededImage } from '../testbed/seed';
import { expectAccessible } from './axe';
import { launchChromium, openApp, RENDERER_DIR, SCREENSHOT_DIR, serveStatic } from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);
const prefix = `a11y${runId}`;
const files = tempFolder('e2e-a11y-files');
const downloads = tempFolder('e2e-a11y-downloads');
const imageFile = join(files, 'disk.raw');
const cloudsYaml = join(files, 'clouds.yaml');

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let ims: ImsStandin;
let main: TestMain;
let member: Profile;
let huawei: Profile;
/** Downloaded (so Transfers has a row), described (so Activity has one), selected, deleted. */
let downloaded: SeededImage;
let described: SeededImage;
let other: SeededImage;
/** An image without data, for "Upload data…". */
let queuedName: string;

beforeAll(async () => {
  [downloaded, described, other] = (await seedImages(bed, 3, { prefix, withData: true })) as [
    SeededImage,
    SeededImage,
    SeededImage,
  ];
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  member = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Test bed', label: 'dev' }),
  });
  const admin = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.admin, {
      name: 'Admin bed',
      label: 'prod',
      color: '#b3261e',
    }),
  });
  await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Wrong password', secret: 'not-it' }),
  });
  ims = await startImsStandin(
    [
      {
        id: '00000000-0000-4000-8000-000000000001',
        name: 'Ubuntu 22.04 server 64bit',
        imagetype: 'gold',
        platform: 'Ubuntu',
        osBit: '64',
        isRegistered: true,
        visibility: 'public',
        protected: true,
        diskFormat: 'zvhd2',
      },
    ],
    { account: 'acme', user: 'alice', password: 'pw', region: 'cn-north-4' },
  );
  const template = profileFromTemplate(huaweiCloud, {
    authMethod: 'password',
    region: 'cn-north-4',
    account: 'acme',
    userName: 'alice',
    secret: 'pw',
  });
  huawei = await main.value('saveProfile', { profile: { ...template, authUrl: ims.iamUrl } });

  // Shared with me: an image of the admin's project offered to the member's, not answered.
  const offered = await main.value('createImage', {
    profileId: admin.id,
    fields: { name: `${prefix}-offered`, visibility: 'shared' },
  });
  await main.value('addImageMember', {
    profileId: admin.id,
    imageId: offered.id,
    project: { id: bed.member.projectId },
  });
  queuedName = `${prefix}-queued`;
  await main.value('createImage', {
    profileId: member.id,
    fields: { name: queuedName, disk_format: 'raw', container_format: 'bare' },
  });
  // Transfers with a row, and Activity with a change.
  await main.pick('folder', downloads);
  const { transfers: started } = await main.value('startDownloads', {
    profileId: member.id,
    imageIds: [downloaded.id],
    folder: downloads,
  });
  for (const { id } of started) expect((await waitForTransfer(main, id)).state).toBe('done');
  await main.value('updateImage', {
    profileId: member.id,
    imageId: described.id,
    ops: [{ op: 'add', path: '/description', value: 'Seen by axe' }],
  });
  // A file for the create dialog's file check, and a clouds.yaml for the import dialog.
  await createRandomFile(imageFile, 64 * 1024);
  await writeFile(
    cloudsYaml,
    [
      'clouds:',
      '  imported:',
      '    auth:',
      `      auth_url: ${bed.authUrl}`,
      `      username: ${bed.member.username}`,
      `      project_name: ${bed.member.projectName}`,
      `    region_name: ${bed.region}`,
      '    cert: /nowhere/client.pem',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await main?.close();
  await ims?.stop();
});

/** expect.poll with room for a busy two-core machine and a test bed shared by many tests. */
function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

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
  const toolbarButton = (key: MessageKey) =>
    page.locator('.toolbar').getByRole('button', { name: w(key), exact: true });
  const dialog = () => page.locator('dialog[open]');
  const nav = (key: MessageKey) =>
    page.getByRole('navigation').getByRole('button', { name: w(key) });
  const rows = () => page.locator('.content [role="row"]');
  const row = (image: SeededImage) => rows().filter({ hasText: image.name });

  async function openDialog(opener: () => Promise<void>): Promise<void> {
    await opener();
    await poll(() => dialog().count()).toBe(1);
  }

  async function closeDialog(): Promise<void> {
    await page.keyboard.press('Escape');
    await poll(() => dialog().count()).toBe(0);
  }

  test('the first run, before any cloud', async () => {
    const empty = await startTestMain();
    await empty.value('updateSettings', { locale, theme });
    const app = await openApp(browser, server.url, { main: empty, colorScheme: theme });
    page = app.page;
    await poll(() => button('profiles.add').first().isVisible()).toBe(true);
    await check('first-run');
    await app.close();
    await empty.close();
  });

  test('every view and dialog', async () => {
    await main.value('updateSettings', { locale, theme, lastProfileId: member.id });
    const app = await openApp(browser, server.url, { main, colorScheme: theme });
    page = app.page;
    page.setDefaultTimeout(30_000);

    // Images: our images, one selected, its details (sharing, stores), the edit form, the
    // patch preview, the question about unsaved edits, filters, and every dialog the
    // toolbar opens.
    await page.getByRole('searchbox').fill(prefix);
    await poll(() => rows().count()).toBe(4);
    await check('images');
    await row(described).click();
    await check('images-selected');
    await row(described).dblclick();
    await poll(() => page.getByRole('complementary').getByText('Seen by axe').count()).toBe(1);
    await check('details');
    const stores = button('stores.copy');
    await poll(() => stores.count()).toBe(1);
    await openDialog(() => stores.click());
    await check('stores');
    await closeDialog();
    await rows().filter({ hasText: queuedName }).dblclick();
    main.dialogAnswers.files = [imageFile];
    await openDialog(() => button('details.uploadData').click());
    await poll(() => dialog().getByTestId('file-check').textContent()).not.toBe('');
    await check('upload-data');
    await closeDialog();

    await row(described).dblclick();
    await button('details.edit').click();
    await page.locator('form.edit [name="name"]').fill(`${described.name}-renamed`);
    await check('edit');
    await openDialog(() => button('details.review').click());
    await check('patch-preview');
    await button('details.backToEdit').click();
    await openDialog(() => nav('nav.transfers').click());
    await check('discard-question');
    await button('details.keepEditing').click();
    await poll(() => dialog().count()).toBe(0);
    await page
      .locator('form.edit')
      .getByRole('button', { name: w('common.cancel') })
      .click();

    await toolbarButton('images.filters').click();
    await check('filters');
    await toolbarButton('images.filters').click();

    await openDialog(() => toolbarButton('images.new').click());
    await check('create');
    main.dialogAnswers.files = [imageFile];
    await dialog()
      .getByRole('button', { name: w('create.chooseFile') })
      .click();
    await poll(() => dialog().getByTestId('file-check').textContent()).not.toBe('');
    await check('create-file-check');
    await closeDialog();

    await row(other).click();
    await openDialog(() => toolbarButton('images.delete').click());
    await check('delete-confirm');
    await closeDialog();
    await openDialog(() => toolbarButton('images.copyTo').click());
    await check('copy');
    await closeDialog();

    await nav('nav.shared').click();
    await poll(() => page.getByTestId('shared-row').count()).toBeGreaterThan(0);
    await check('shared');

    await nav('nav.compare').click();
    await poll(() => page.getByTestId('compare-row').count(), 60_000).toBeGreaterThan(0);
    await check('compare');

    await nav('nav.transfers').click();
    await poll(() => page.getByTestId('transfer').count()).toBeGreaterThan(0);
    await check('transfers');

    await nav('nav.activity').click();
    await poll(() => page.getByTestId('activity-row').count()).toBeGreaterThan(0);
    await check('activity');

    await nav('nav.settings').click();
    await check('settings');

    await app.close();
  });

  test('clouds: cards with test results, the forms and the import', async () => {
    await main.value('updateSettings', { locale, theme, lastProfileId: member.id });
    const app = await openApp(browser, server.url, { main, colorScheme: theme });
    page = app.page;
    page.setDefaultTimeout(30_000);
    await nav('nav.profiles').click();
    const cards = page.getByTestId('profile-card');
    await poll(() => cards.count()).toBe(4);
    for (const name of ['Test bed', 'Wrong password']) {
      const card = cards.filter({ hasText: name });
      await card.getByRole('button', { name: w('profile.test') }).click();
      await poll(() => card.getByTestId('test-result').count()).toBe(1);
    }
    await check('clouds');

    await openDialog(() => toolbarButton('profiles.add').click());
    await check('profile-form');
    await dialog().getByTestId('template-picker').selectOption(huaweiCloud.id);
    await poll(() => dialog().locator('#provider-form').count()).toBe(1);
    await check('provider-form');
    await closeDialog();

    await openDialog(() => toolbarButton('profiles.import').click());
    await check('import');
    main.dialogAnswers.files = [cloudsYaml];
    await dialog()
      .locator('.choice', { hasText: 'clouds.yaml' })
      .getByRole('button', { name: w('import.chooseFile') })
      .click();
    await poll(() => dialog().locator('.rows li').count()).toBe(1);
    await check('import-review');
    await closeDialog();

    await openDialog(() =>
      cards
        .filter({ hasText: 'Wrong password' })
        .getByRole('button', { name: w('common.delete') })
        .click(),
    );
    await check('profile-delete-confirm');
    await closeDialog();

    // A Huawei Cloud profile: IMS's quick views and filters in the image browser.
    await cards
      .filter({ hasText: huawei.name })
      .getByRole('button', { name: w('profiles.use') })
      .click();
    await poll(() => page.getByTestId('ims-view').count()).toBe(1);
    await poll(() => rows().count()).toBe(1);
    await check('huawei-images');
    await toolbarButton('images.filters').click();
    await poll(() => page.getByTestId('ims-filters').count()).toBe(1);
    await check('huawei-filters');

    await app.close();
  });
});
