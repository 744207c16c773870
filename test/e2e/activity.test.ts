/**
 * The activity view and "Copy diagnostics" in real Chromium against the real handlers and
 * test bed: the changes made on a cloud are listed per cloud with their outcome and patch,
 * exported through main's save dialog, and worded in the chosen language; the diagnostics
 * on the clipboard name the clouds without any secret.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  type TestMain,
} from '../integration/ipc/harness';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  SCREENSHOT_DIR,
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let member: Profile;
let admin: Profile;
let imageId: string;

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  member = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Member cloud', label: 'dev' }),
  });
  admin = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.admin, { name: 'Admin cloud', label: 'prod' }),
  });
  await main.value('updateSettings', { lastProfileId: member.id });

  // What a user did before opening the view: create, edit, a refused delete, a delete.
  const image = await main.value('createImage', {
    profileId: member.id,
    fields: { name: `report-${runId}`, disk_format: 'qcow2', container_format: 'bare' },
  });
  imageId = image.id;
  await main.value('updateImage', {
    profileId: member.id,
    imageId,
    ops: [
      { op: 'replace', path: '/name', value: `quarterly-report-${runId}` },
      { op: 'add', path: '/protected', value: true },
    ],
  });
  await main.value('deleteImages', { profileId: member.id, imageIds: [imageId] });
  await main.value('updateImage', {
    profileId: member.id,
    imageId,
    ops: [{ op: 'replace', path: '/protected', value: false }],
  });
  await main.value('deleteImages', { profileId: member.id, imageIds: [imageId] });
  const other = await main.value('createImage', {
    profileId: admin.id,
    fields: { name: `admin-${runId}` },
  });
  await main.value('deleteImages', { profileId: admin.id, imageIds: [other.id] });

  app = await openApp(browser, server.url, { main });
  page = app.page;
  page.setDefaultTimeout(20_000);
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.url,
  });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await main?.close();
});

const rows = () => page.getByTestId('activity-row');

async function actions(): Promise<(string | undefined)[]> {
  return rows().evaluateAll((all) =>
    all.map((row) => row.getAttribute('data-action') ?? undefined),
  );
}

describe('activity view', () => {
  test('lists the active cloud’s changes, newest first, with the outcome and the patch', async () => {
    await page.getByRole('button', { name: 'Activity' }).click();
    await expect.poll(actions).toEqual(['deleted', 'edited', 'deleted', 'edited', 'created']);
    const table = page.getByRole('table', { name: 'Changes' });
    await expect
      .poll(() => table.getByRole('columnheader').allTextContents())
      .toEqual(['Time', 'Action', 'Image', 'Outcome']);
    const refused = rows().nth(2);
    // The status and main's reason code, for support; then the reason in words.
    await expect.poll(() => refused.textContent()).toContain('Failed (HTTP 403 · delete-refused)');
    expect(await refused.textContent()).toContain('You are not allowed to do this on this cloud.');
    expect(await refused.textContent()).toContain(`quarterly-report-${runId}`);
    expect(await refused.textContent()).toContain('Request ID: req-');
    const edit = rows().nth(3);
    await edit.getByText('Patch (2 operations)').click();
    expect(await edit.locator('pre').textContent()).toContain(
      `"value": "quarterly-report-${runId}"`,
    );
    await screenshotBothThemes(page, 'activity');
  });

  test('shows every cloud, or one, as chosen', async () => {
    const cloud = page.getByLabel('Cloud', { exact: true });
    await cloud.selectOption({ label: 'All clouds' });
    await expect.poll(() => rows().count()).toBe(7);
    expect(await page.getByRole('columnheader', { name: 'Cloud' }).count()).toBe(1);
    await cloud.selectOption({ label: 'Admin cloud' });
    await expect.poll(actions).toEqual(['deleted', 'created']);
    await cloud.selectOption({ label: 'Member cloud' });
    await expect.poll(() => rows().count()).toBe(5);
  });

  test('exports the chosen cloud to the file picked in main’s save dialog', async () => {
    const path = join(tempFolder('export'), 'activity.csv');
    main.dialogAnswers.saveAs = path;
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    // The toast, and the same words in the screen readers' live region.
    await expect.poll(() => page.getByText(`Saved to ${path}`).count()).toBeGreaterThan(0);
    const csv = await readFile(path, 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(6);
    expect(csv).toContain(`,deleted,${imageId},quarterly-report-${runId},failed,forbidden,403,`);
    expect(csv).not.toContain(`admin-${runId}`);
  });

  test('speaks Chinese when Chinese is chosen', async () => {
    await main.value('updateSettings', { locale: 'zh-CN' });
    await page.reload();
    await page.getByRole('button', { name: '操作记录' }).click();
    await expect.poll(() => rows().count()).toBe(5);
    const text = await page.locator('section.activity').textContent();
    for (const word of ['时间', '操作', '镜像', '结果', '删除', '编辑', '创建', '成功', '失败']) {
      expect(text).toContain(word);
    }
    for (const english of ['Deleted', 'Edited', 'Created', 'Done', 'Failed', 'Outcome']) {
      expect(text).not.toContain(english);
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'activity-zh-CN.png') });
    await main.value('updateSettings', { locale: 'en' });
    await page.reload();
  });
});

describe('copy diagnostics', () => {
  test('puts versions and the clouds on the clipboard, without secrets', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await expect
      .poll(() => page.getByText('Diagnostics copied to the clipboard.').count())
      .toBeGreaterThan(0);
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    const diagnostics = JSON.parse(copied) as { clouds: { name: string }[] };
    expect(diagnostics.clouds.map((cloud) => cloud.name).sort()).toEqual([
      'Admin cloud',
      'Member cloud',
    ]);
    for (const secret of [bed.member.password, bed.admin.password, bed.member.username]) {
      expect(copied).not.toContain(secret);
    }
  });

  test('opens the log folder from Settings', async () => {
    await page.getByRole('button', { name: 'Open log folder' }).click();
    await expect.poll(() => main.os.folders).toEqual([main.services.appLog.dir]);
  });
});
