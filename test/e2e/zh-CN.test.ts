/**
 * The app with 简体中文 chosen in Settings (the system itself says en-US), in real Chromium
 * against the real handlers and test bed, through what most often spoke English before: a
 * failed test connection, an import with problems, a failed and a verified download (and
 * their desktop notifications), a full disk (a small tmpfs), a protected image's delete.
 * At each step no sentence of the English dictionary may be on screen — in the page text,
 * toasts, dialogs, tooltips, labels or placeholders — and each step is saved as
 * test/e2e/screenshots/<step>-zh-CN.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { request, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import type { Transfer } from '../../common/transfer';
import { translate, type MessageKey } from '../../renderer/src/i18n/translate';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  type TestMain,
} from '../integration/ipc/harness';
import { canMountTmpfs, mountTmpfs, unmount } from '../integration/transfers/mounts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { projectToken } from '../testbed/index';
import { uploadImage, type GlanceImage } from '../testbed/seed';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  SCREENSHOT_DIR,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const prefix = `zh${Date.now().toString(36)}`;
const MiB = 1024 * 1024;
const downloads = tempFolder('e2e-zh-downloads');
const fullDisk = join(tempFolder('e2e-zh-disk'), 'mnt');

/** Chinese UI text for a key, as the app shows it. */
const zh = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('zh-CN', key, params);

/**
 * English sentences a Chinese screen must not show: the literal runs of four or more words in
 * the English dictionary's texts (split at their `{params}`), unless the Chinese dictionary
 * says the same (product and protocol names).
 */
const englishSentences: string[] = (() => {
  const chinese = Object.values(zhCN).join('\n');
  const runs = Object.entries(en).flatMap(([key, text]) =>
    text === zhCN[key.replace(/#one$/, '') as MessageKey] ? [] : text.split(/\{\w+\}/),
  );
  const sentences = runs
    .map((run) => run.trim().replace(/^[\s,.:;()“”‘’"'–—…]+|[\s,.:;()“”‘’"'–—…]+$/g, ''))
    .filter((run) => run.split(/\s+/).length >= 4 && !chinese.includes(run));
  return [...new Set(sentences)];
})();

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let proxy: FaultProxy;
let mounted = false;
/** The image whose bytes the proxy changes on the way, so its hash cannot match. */
let corrupted: GlanceImage;

beforeAll(async () => {
  const tags = [prefix];
  const upload = (name: string, size: number) =>
    uploadImage(bed, bed.member, { name: `${prefix}-${name}`, size, fields: { tags } });
  [, corrupted] = await Promise.all([
    upload('ok', 64 * 1024),
    upload('bad', 64 * 1024),
    upload('big', 4 * MiB),
  ]);
  proxy = await startFaultProxy(bed.glanceUrl);
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  // Every finished transfer gets a desktop notification, recorded by the test OS adapter.
  main = await startTestMain({ notifyAfterMs: 0 });
  await main.value('updateSettings', { locale: 'zh-CN' });
  app = await openApp(browser, server.url, { main });
  page = app.page;
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await removeImages();
  await app?.close();
  await browser?.close();
  await server?.close();
  await main?.close();
  await proxy?.close();
  if (mounted) unmount(fullDisk);
  rmSync(downloads, { recursive: true, force: true });
});

/** Removes this file's images from the test bed (the protected one unprotected first). */
async function removeImages(): Promise<void> {
  const token = await projectToken(bed.authUrl, bed.member);
  const glance = (method: Dispatcher.HttpMethod, path: string, body?: string) =>
    request(`${bed.glanceUrl}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        accept: 'application/json',
        'content-type': 'application/openstack-images-v2.1-json-patch',
      },
      ...(body === undefined ? {} : { body }),
    });
  const listed = await glance(
    'GET',
    `/v2/images?name=in:${['ok', 'bad', 'big', 'protected'].map((n) => `${prefix}-${n}`).join(',')}`,
  );
  const { images: found } = (await listed.body.json()) as { images: { id: string }[] };
  for (const { id } of found) {
    await (
      await glance(
        'PATCH',
        `/v2/images/${id}`,
        '[{"op":"replace","path":"/protected","value":false}]',
      )
    ).body.dump();
    await (await glance('DELETE', `/v2/images/${id}`)).body.dump();
  }
}

function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const button = (key: MessageKey) => page.getByRole('button', { name: zh(key), exact: true });
const dialog = () => page.locator('dialog[open]');
const toasts = () => page.locator('.toasts');
const statusLine = () => page.locator('.toolbar .status');

/**
 * Everything a person can read on the page now: its text, toasts and open dialogs, and the
 * words in attributes (tooltips, accessible names, placeholders). Page code as text: this
 * file is compiled without the DOM library.
 */
function screenText(): Promise<string> {
  return page.evaluate<string>(`(() => {
    const named = [...document.querySelectorAll('[title], [aria-label], [placeholder]')];
    const attributes = named.flatMap((element) =>
      ['title', 'aria-label', 'placeholder'].map((name) => element.getAttribute(name) ?? ''),
    );
    const parts = [...document.querySelectorAll('.toasts, dialog[open]')].map(
      (element) => element.textContent ?? '',
    );
    return [document.title, document.body.innerText, ...parts, ...attributes].join('\\n');
  })()`);
}

/** The English sentences in `text`. */
function englishIn(text: string): string[] {
  return englishSentences.filter((sentence) => text.includes(sentence));
}

/** Saves the step's screenshot and checks that no English sentence is on screen. */
async function check(step: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${step}-zh-CN.png`) });
  expect(englishIn(await screenText()), step).toEqual([]);
}

async function filterByTag(tag: string): Promise<void> {
  const form = page.locator('#filter-bar');
  if (!(await form.isVisible())) await button('images.filters').click();
  await form.locator('[name="tags"]').fill(tag);
  await form.getByRole('button', { name: zh('filters.apply'), exact: true }).click();
}

const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });

describe('简体中文 from end to end', () => {
  test('the English sentences to look for are many and include main’s own surfaces', () => {
    expect(englishSentences.length).toBeGreaterThan(300);
    expect(englishSentences).toContain('Not used by Glance Desk; ignored');
  });

  test('a failed test connection', async () => {
    await poll(() => page.getByText(zh('profiles.emptyTitle')).isVisible()).toBe(true);
    await check('profiles-empty');
    await button('profiles.add').first().click();
    const form = dialog();
    await form.locator('[name="name"]').fill('测试云');
    await form.locator('[name="authUrl"]').fill(bed.authUrl);
    await form.locator('[name="region"]').fill(bed.region);
    await form.locator('[name="userName"]').fill(bed.member.username);
    await form.locator('[name="projectName"]').fill(bed.member.projectName);
    await form.getByRole('textbox', { name: zh('profile.password') }).fill('not-the-password');
    await button('profile.test').click();
    const result = form.getByTestId('test-result');
    await poll(() => result.getAttribute('class')).toContain('danger');
    expect(await result.textContent()).toMatch(/\p{Script=Han}/u);
    await check('test-connection-failed');

    // Nowhere to connect to at all: the step and the address, in Chinese.
    await form.locator('[name="authUrl"]').fill('http://127.0.0.1:9/v3');
    await button('profile.test').click();
    await poll(() => result.textContent()).toContain('127.0.0.1:9');
    await check('test-connection-unreachable');
    await form.getByRole('button', { name: zh('common.cancel'), exact: true }).click();
    await poll(() => dialog().count()).toBe(0);
  });

  test('an import with problems', async () => {
    const file = join(tempFolder('e2e-zh-clouds'), 'clouds.yaml');
    await writeFile(
      file,
      [
        'clouds:',
        '  imported:',
        '    profile: some-vendor',
        '    identity_api_version: 2',
        '    interface: sideways',
        '    cert: /nowhere/client.pem',
        '    key: /nowhere/client.key',
        '    compute_api_version: 2.1',
        '    auth:',
        `      auth_url: ${bed.authUrl}`,
        `      username: ${bed.member.username}`,
        `      project_name: ${bed.member.projectName}`,
        '      trust_id: abc',
        '  one-time:',
        '    auth_type: v3totp',
        '    auth:',
        `      auth_url: ${bed.authUrl}`,
        '',
      ].join('\n'),
    );
    main.dialogAnswers.files = [file];
    await button('profiles.import').first().click();
    await dialog()
      .locator('.choice', { hasText: 'clouds.yaml' })
      .getByRole('button', { name: zh('import.chooseFile') })
      .click();
    const problems = dialog().locator('.banner.warning li');
    await poll(() => problems.count()).toBeGreaterThan(4);
    const listed = await problems.allTextContents();
    expect(listed.join('\n')).toContain(zh('import.problem.not-used'));
    await check('import-problems');
    await dialog()
      .getByRole('button', { name: zh('common.cancel'), exact: true })
      .click();
    await poll(() => dialog().count()).toBe(0);
  });

  test('a failed and a verified download, and their desktop notifications', async () => {
    await main.pick('folder', downloads);
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, {
        name: '测试环境',
        label: 'zh',
        imageEndpoint: proxy.url,
        downloadFolder: downloads,
      }),
    });
    proxy.addRule({
      match: new RegExp(`^GET /v2/images/${corrupted.id}/file`),
      fault: { kind: 'flip', atByte: 5000 },
    });
    await page.reload();
    await poll(() => page.locator('.topbar .profile-label').textContent()).toBe('zh');
    await button('nav.images').click();
    await filterByTag(prefix);
    await poll(() => statusLine().textContent()).toContain(zh('images.count', { count: 3 }));
    await check('images');
    await rowNamed(`${prefix}-ok`).click();
    await rowNamed(`${prefix}-bad`).click({ modifiers: ['Control'] });
    await button('images.download').click();
    const failedToast = zh('toast.transferFailed', { name: `${prefix}-bad`, reason: '' }).trim();
    await poll(() => toasts().textContent(), 60_000).toContain(failedToast);
    await check('download-toasts');

    await page.getByRole('button', { name: new RegExp(`^${zh('nav.transfers')}`) }).click();
    const transfer = (state: string) =>
      page.locator(`[data-testid="transfer"][data-kind="download"][data-state="${state}"]`);
    await poll(() => transfer('done').count(), 60_000).toBe(1);
    await poll(() => transfer('failed').count(), 60_000).toBe(1);
    expect(await transfer('done').getByTestId('verification').textContent()).toContain(
      zh('transfers.verified', { algorithm: 'sha512' }),
    );
    await check('transfers-failed-and-verified');

    // The OS notifications speak Chinese too, with the image, the folder and the reason.
    const finished = (await main.value('listTransfers')) as Transfer[];
    expect(finished.map((t) => t.state).sort()).toEqual(['done', 'failed']);
    await poll(() => main.os.notifications.length).toBe(2);
    const notifications = main.os.notifications.map((n) => `${n.title}\n${n.body}`);
    expect(notifications).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${zh('notification.download-done')}\\n“${prefix}-ok”`)),
        expect.stringMatching(
          new RegExp(`^${zh('notification.download-failed')}\\n“${prefix}-bad”`),
        ),
      ]),
    );
    expect(notifications.join('\n')).toContain(downloads);
    expect(englishIn(notifications.join('\n'))).toEqual([]);
  });

  test.skipIf(!canMountTmpfs)('a full disk', async () => {
    mkdirSync(fullDisk, { recursive: true });
    mountTmpfs(fullDisk, '1m');
    mounted = true;
    await button('nav.images').click();
    await rowNamed(`${prefix}-big`).click();
    main.dialogAnswers.folder = fullDisk;
    await button('images.downloadTo').click();
    // Paused, not failed: the toast and the row say how much space it needs, in Chinese.
    const pausedToast = zh('toast.transferPaused', { name: `${prefix}-big`, reason: '' });
    const diskFull = zh('error.diskFullPaused').split('{path}')[0] ?? '';
    await poll(() => toasts().textContent(), 60_000).toContain(pausedToast);
    expect(await toasts().textContent()).toContain(diskFull);
    await check('disk-full-toast');
    await page.getByRole('button', { name: new RegExp(`^${zh('nav.transfers')}`) }).click();
    const paused = page.locator('[data-testid="transfer"][data-state="paused"]');
    await poll(() => paused.count(), 60_000).toBe(1);
    expect(await paused.textContent()).toContain(diskFull);
    await check('disk-full');
  });

  test('a protected image’s delete', async () => {
    const profile = ((await main.value('listProfiles')) as Profile[])[0];
    const tag = `${prefix}-p`;
    await main.value('createImage', {
      profileId: profile?.id,
      fields: { name: `${prefix}-protected`, protected: true, tags: [tag] },
    });
    await button('nav.images').click();
    await filterByTag(tag);
    await poll(() => statusLine().textContent()).toContain(zh('images.count', { count: 1 }));
    await rowNamed(`${prefix}-protected`).click();
    await page.keyboard.press('Delete');
    const note = dialog().getByTestId('protected-note');
    await poll(() => note.textContent()).toContain(zh('delete.openToUnprotect'));
    await check('delete-protected');
  });

  test('every view and an image’s details', async () => {
    await page.keyboard.press('Escape');
    await poll(() => dialog().count()).toBe(0);
    await rowNamed(`${prefix}-protected`).dblclick();
    await poll(() => page.getByRole('complementary').count()).toBeGreaterThan(0);
    expect(englishIn(await screenText()), 'details').toEqual([]);
    for (const view of [
      'nav.shared',
      'nav.transfers',
      'nav.profiles',
      'nav.activity',
      'nav.settings',
    ] as const) {
      await page.getByRole('button', { name: new RegExp(`^${zh(view)}`) }).click();
      await poll(() => page.getByText(zh('common.loading')).count()).toBe(0);
      expect(englishIn(await screenText()), view).toEqual([]);
    }
  });

  test('the same check finds English sentences once English is chosen', async () => {
    await page.locator('[name="locale"]').selectOption('en');
    await poll(async () => englishIn(await screenText()).length).toBeGreaterThan(3);
    await page.locator('[name="locale"]').selectOption('zh-CN');
    await poll(async () => englishIn(await screenText())).toEqual([]);
  });
});
