/**
 * The renderer as a user drives it, in real Chromium, against the real main-process
 * handlers and the real Keystone + Glance test bed. The tests run in order and build on
 * each other like one working session: add a cloud, browse, edit, create, download,
 * delete, switch language. Every view is saved as a screenshot in both themes.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import type { Transfer } from '../../common/transfer';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  type TestMain,
} from '../integration/ipc/harness';
import { projectToken } from '../testbed/index';
import { createRandomFile, seedImageSpec, seedImages } from '../testbed/seed';
import {
  fileExists,
  launchChromium,
  openApp,
  RENDERER_DIR,
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const prefix = `e2e${Date.now().toString(36)}`;
const dataPrefix = `${prefix}d`;
const downloads = tempFolder('e2e-downloads');
const pinned = tempFolder('e2e-pinned');

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let proxy: FaultProxy;

beforeAll(async () => {
  await seedImages(bed, 300, { prefix });
  await seedImages(bed, 3, { prefix: dataPrefix, withData: true });
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  app = await openApp(browser, server.url, { main });
  page = app.page;
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await proxy?.close();
  await main?.close();
});

async function glance<T>(
  path: string,
  method: 'GET' | 'DELETE' = 'GET',
): Promise<{ status: number; body: T }> {
  const token = await projectToken(bed.authUrl, bed.member);
  const response = await request(`${bed.glanceUrl}${path}`, {
    method,
    headers: { 'x-auth-token': token, accept: 'application/json' },
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    body: (text && response.statusCode < 300 ? JSON.parse(text) : undefined) as T,
  };
}

/** expect.poll with room for a busy two-core machine (Glance answers a list in up to seconds). */
function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const button = (name: string | RegExp) =>
  page.getByRole('button', { name, exact: typeof name === 'string' });
const dialog = () => page.locator('dialog[open]');
const statusLine = () => page.locator('.toolbar .status');
const rows = () => page.locator('.content [role="row"]');
// The table recycles a fixed set of row elements, so the DOM order of rows is not the list
// order: the n-th row of the list (from 0) is the one with aria-rowindex n + 2 (the header is 1).
const rowAt = (n: number) => page.locator(`.content [role="row"][aria-rowindex="${n + 2}"]`);
const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });

async function showFilters(): Promise<Locator> {
  const form = page.locator('#filter-bar');
  if (!(await form.isVisible())) await button('Filters').click();
  return form;
}

async function filterByTag(tag: string): Promise<void> {
  const form = await showFilters();
  await form.locator('[name="name"]').fill('');
  await form.locator('[name="tags"]').fill(tag);
  await form.getByRole('button', { name: 'Apply' }).click();
}

async function fillProfileForm(password: string): Promise<void> {
  const form = dialog();
  await form.locator('[name="name"]').fill('Test bed');
  await form.locator('[name="label"]').fill('test');
  await form.locator('[name="authUrl"]').fill(bed.authUrl);
  await form.locator('[name="region"]').fill(bed.region);
  await form.locator('[name="userName"]').fill(bed.member.username);
  await form.locator('[name="projectName"]').fill(bed.member.projectName);
  await form.getByRole('textbox', { name: 'Password' }).fill(password);
}

function sha512(data: Buffer): string {
  return createHash('sha512').update(data).digest('hex');
}

describe('Glance Desk in Chromium', () => {
  test('adds a cloud, tests it with a wrong and then the right password, and saves it', async () => {
    // No profile yet: the app opens on the clouds view and says what to do.
    await poll(() => page.getByText('Connect your first cloud').isVisible()).toBe(true);
    await screenshotBothThemes(page, 'profiles-empty');

    await button('Add cloud…').first().click();
    await fillProfileForm('not-the-password');
    await button('Test connection').click();
    const result = dialog().getByTestId('test-result');
    await poll(() => result.textContent()).toContain('Signing in failed');
    expect(await result.textContent()).toContain('credentials');

    await dialog().getByRole('textbox', { name: 'Password' }).fill(bed.member.password);
    await button('Test connection').click();
    await poll(() => result.textContent()).toContain('Connected in');
    expect(await result.textContent()).toContain(bed.glanceUrl.replace(/\/$/, ''));

    // Paths are chosen, not typed: main only takes paths its own dialogs handed out.
    main.dialogAnswers.folder = downloads;
    const folderField = dialog().locator('[name="downloadFolder"]');
    const folderButtons = dialog().locator('.with-button', {
      has: page.locator('[name="downloadFolder"]'),
    });
    expect(await folderField.getAttribute('readonly')).not.toBeNull();
    await folderButtons.getByRole('button', { name: 'Choose…' }).click();
    await poll(() => folderField.inputValue()).toBe(downloads);
    await folderButtons.getByRole('button', { name: 'Remove' }).click();
    await poll(() => folderField.inputValue()).toBe('');
    await folderButtons.getByRole('button', { name: 'Choose…' }).click();
    await poll(() => folderField.inputValue()).toBe(downloads);
    await screenshotBothThemes(page, 'profile-form');
    await button('Save').click();
    await poll(() => dialog().count()).toBe(0);

    // The first cloud becomes the active one, with its label in the top bar.
    const saved = (await main.value('listProfiles')) as Profile[];
    expect(saved.map((p) => p.name)).toEqual(['Test bed']);
    expect(saved[0]?.secretState).toBe('stored');
    await poll(() => page.locator('.topbar .profile-label').textContent()).toBe('test');

    await page.getByRole('button', { name: 'Clouds' }).click();
    const card = page.getByTestId('profile-card');
    await card.getByRole('button', { name: 'Test connection' }).click();
    await poll(() => card.getByTestId('test-result').textContent()).toContain('Connected in');
    await screenshotBothThemes(page, 'profiles');
  });

  test('imports a cloud from clouds.yaml, reviews it, saves it, and deletes it again', async () => {
    const folder = tempFolder('e2e-clouds');
    const file = join(folder, 'clouds.yaml');
    await writeFile(
      file,
      [
        'clouds:',
        '  imported-bed:',
        '    auth:',
        `      auth_url: ${bed.authUrl}`,
        `      username: ${bed.member.username}`,
        `      password: ${bed.member.password}`,
        `      project_name: ${bed.member.projectName}`,
        `      user_domain_id: ${bed.member.domainId}`,
        `      project_domain_id: ${bed.member.domainId}`,
        `    region_name: ${bed.region}`,
        '    cert: /nowhere/client.pem',
        '',
      ].join('\n'),
    );
    main.dialogAnswers.files = [file];
    await button('Import…').click();
    await dialog()
      .locator('.choice', { hasText: 'clouds.yaml' })
      .getByRole('button', { name: 'Choose file…' })
      .click();
    const row = dialog().locator('.rows li');
    await poll(() => row.count()).toBe(1);
    expect(await row.locator('input[type="text"]').inputValue()).toBe('imported-bed');
    expect(await row.textContent()).toContain('Secret included');
    // What could not be carried over is listed, not dropped.
    expect(await dialog().locator('.banner.warning').textContent()).toContain('cert');
    await screenshotBothThemes(page, 'import');
    await row.locator('input[type="text"]').fill('Imported bed');
    await dialog().getByRole('button', { name: 'Save 1' }).click();
    await poll(() => dialog().count()).toBe(0);

    const card = page.getByTestId('profile-card').filter({ hasText: 'Imported bed' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    await poll(() => card.getByTestId('test-result').textContent()).toContain('Connected in');

    await card.getByRole('button', { name: 'Delete' }).click();
    expect(await dialog().textContent()).toContain('Delete the profile “Imported bed”?');
    await dialog().getByRole('button', { name: 'Delete' }).click();
    await poll(() => page.getByTestId('profile-card').count()).toBe(1);
    expect((await main.value('listProfiles')).map((p) => p.name)).toEqual(['Test bed']);
  });

  test('browses, filters, sorts and searches a few hundred images', async () => {
    await page.getByRole('button', { name: 'Images' }).click();
    await filterByTag(prefix);
    await poll(() => statusLine().textContent()).toMatch(/^\s*300 images/);
    // Virtualised: only the rows in view are in the DOM.
    expect(await rows().count()).toBeLessThan(80);
    // Newest first by default: the seed creates index 0 first.
    await poll(() => rowAt(0).getAttribute('data-id')).toBeTruthy();
    expect(await rowAt(0).textContent()).toContain(`${prefix}-00299`);
    // Every cell lines up with its column header.
    const edges = (cells: Locator) =>
      cells.evaluateAll((elements) =>
        elements.map((element) => {
          const box = element.getBoundingClientRect();
          return [Math.round(box.left), Math.round(box.width)];
        }),
      );
    const headerEdges = await edges(page.getByRole('columnheader'));
    expect(headerEdges).toHaveLength(11);
    expect(await edges(rowAt(0).getByRole('gridcell'))).toEqual(headerEdges);

    const form = await showFilters();
    await form.locator('[name="disk_format"]').selectOption('qcow2');
    await poll(() => statusLine().textContent()).toMatch(/^\s*75 images/);
    await form.locator('[name="disk_format"]').selectOption('');
    await form.locator('[name="status"]').selectOption('active');
    await poll(() => page.getByText('No image matches these filters').isVisible()).toBe(true);
    await form.locator('[name="status"]').selectOption('queued');
    await poll(() => statusLine().textContent()).toMatch(/^\s*300 images/);
    await form.locator('[name="status"]').selectOption('');
    await poll(() => statusLine().textContent()).toMatch(/^\s*300 images/);

    // Server-side sort by clicking the header: ascending, then descending.
    await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
    await poll(() => rowAt(0).textContent()).toContain(`${prefix}-00000`);
    expect(await page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
    await poll(() => rowAt(0).textContent()).toContain(`${prefix}-00299`);
    await poll(() => statusLine().textContent()).toMatch(/^\s*300 images\s*$/);

    // Scrolling renders the rows in view, each where it belongs, from the same few elements.
    const grid = page.locator('[role="grid"]');
    // Mark the row elements there are now: scrolling must reuse them, not replace them.
    const count = await rows().evaluateAll((elements) => {
      for (const element of elements) element.setAttribute('data-seen', '');
      return elements.length;
    });
    await grid.evaluate((element) => (element.scrollTop = 150 * 30));
    await poll(() => rowAt(150).textContent()).toContain(`${prefix}-00149`);
    // All of them but perhaps one: the table keeps one row more than fits, which may be empty.
    expect(await page.locator('.content [role="row"][data-seen]').count()).toBeGreaterThanOrEqual(
      count - 1,
    );
    // Assistive technology gets the rows in list order (aria-owns), whatever their DOM order.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const rowNames = nodes
      .filter((node) => node.role?.value === 'row' && !node.ignored)
      .map((node) => /-(\d{5})/.exec(String(node.name?.value ?? ''))?.[1])
      .filter((name) => name !== undefined);
    expect(rowNames.length).toBe(await rows().count());
    expect(rowNames).toEqual([...rowNames].sort().reverse());
    await cdp.detach();
    await grid.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await poll(() => rowAt(299).textContent()).toContain(`${prefix}-00000`);
    for (const row of await rows().all()) {
      const index = Number(await row.getAttribute('data-index'));
      expect(await row.getAttribute('aria-rowindex')).toBe(String(index + 2));
      expect(await row.textContent()).toContain(
        `${prefix}-${String(299 - index).padStart(5, '0')}`,
      );
      expect(await row.getAttribute('style')).toContain(`translateY(${index * 30}px)`);
    }
    await grid.evaluate((element) => (element.scrollTop = 0));

    // Quick search over what is loaded.
    await page.keyboard.press('Control+f');
    await page.keyboard.type(`${prefix}-0001`);
    await poll(() => statusLine().textContent()).toMatch(/10 of 300 images/);
    expect(await rows().count()).toBe(10);

    // Multi-select: click, shift-click, ctrl-click.
    await rowAt(0).click();
    await rowAt(3).click({ modifiers: ['Shift'] });
    await rowAt(7).click({ modifiers: ['Control'] });
    await poll(() => statusLine().textContent()).toContain('5 selected');
    await page.locator('.search').fill('');
    await screenshotBothThemes(page, 'images');
  });

  test('opens details, edits several fields, previews the patch and saves it', async () => {
    const target = seedImageSpec(prefix, 7);
    await page.locator('.search').fill(target.name);
    await rowNamed(target.name).dblclick();
    const details = page.getByRole('complementary', { name: 'Image details' });
    await poll(() => details.locator('[data-field="status"]').textContent()).toBe('queued');
    expect(await details.getByTestId('properties').textContent()).toContain('__os_version');
    await screenshotBothThemes(page, 'details');

    await details.getByRole('button', { name: 'Edit' }).click();
    await details.locator('[name="name"]').fill(`${target.name}-edited`);
    await details.locator('[name="min_disk"]').fill('30');
    await details.locator('[name="min_ram"]').fill('2048');
    await details.locator('[name="tags"]').fill(`${prefix}, odd, golden`);
    await details.locator('[name="description"]').fill('Edited in the e2e suite');
    await details.getByLabel('Value of __os_version').fill('Ubuntu 24.04 server 64bit');
    await details.getByRole('button', { name: 'Remove property seed_index' }).click();
    await details.getByRole('button', { name: '＋ Add property' }).click();
    await details.getByLabel('Key').last().fill('hw_disk_bus');
    // The test bed's metadefs list hw_disk_bus's values, so the editor offers them as a choice.
    await details.getByLabel('Value of hw_disk_bus').selectOption('scsi');
    // A wrong value is caught before anything is sent.
    await details.locator('[name="min_ram"]').fill('-1');
    await details.getByRole('button', { name: 'Review changes…' }).click();
    expect(await details.getByText('Enter a whole number, 0 or more.').isVisible()).toBe(true);
    expect(await dialog().count()).toBe(0);
    await details.locator('[name="min_ram"]').fill('2048');
    await details.getByRole('button', { name: 'Review changes…' }).click();

    const preview = dialog().getByTestId('patch-preview');
    const ops = JSON.parse((await preview.textContent()) ?? '[]') as unknown[];
    expect(ops).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/name', value: `${target.name}-edited` },
        { op: 'replace', path: '/tags', value: [prefix, 'odd', 'golden'] },
        { op: 'replace', path: '/min_disk', value: 30 },
        { op: 'replace', path: '/min_ram', value: 2048 },
        { op: 'replace', path: '/__os_version', value: 'Ubuntu 24.04 server 64bit' },
        { op: 'add', path: '/hw_disk_bus', value: 'scsi' },
        { op: 'add', path: '/description', value: 'Edited in the e2e suite' },
        { op: 'remove', path: '/seed_index' },
      ]),
    );
    expect(ops).toHaveLength(8);
    await screenshotBothThemes(page, 'patch-preview');
    await button('Save to cloud').click();
    await poll(() => dialog().count()).toBe(0);
    await poll(() => details.locator('h2').textContent()).toBe(`${target.name}-edited`);

    const id = (await details.locator('[data-field="id"]').textContent()) ?? '';
    const { body } = await glance<Record<string, unknown>>(`/v2/images/${id}`);
    expect(body).toMatchObject({
      name: `${target.name}-edited`,
      min_disk: 30,
      min_ram: 2048,
      description: 'Edited in the e2e suite',
      __os_version: 'Ubuntu 24.04 server 64bit',
      hw_disk_bus: 'scsi',
    });
    expect(body.seed_index).toBeUndefined();
    expect([...(body.tags as string[])].sort()).toEqual(['golden', 'odd', prefix].sort());
    // The list shows the change without a reload.
    expect(await rowAt(0).textContent()).toContain(`${target.name}-edited`);
    await page.keyboard.press('Escape');
    await page.locator('.search').fill('');
  });

  test('creates an image and uploads a file, with the hashes Glance computed', async () => {
    const file = join(tempFolder('e2e-upload'), `${prefix}-upload.raw`);
    const hashes = await createRandomFile(file, 3 * 1024 * 1024 + 17);
    main.dialogAnswers.files = [file];

    await button('New image…').click();
    const form = dialog();
    await form.getByRole('button', { name: 'Create and upload' }).click();
    // Validation first: nothing is sent without a name and a file.
    expect(await form.getByText('Choose or drop the file to upload.').isVisible()).toBe(true);
    await form.locator('[name="id"]').fill('not-a-uuid');
    await form.getByRole('button', { name: 'Choose file…' }).click();
    await poll(() => form.getByTestId('chosen-file').textContent()).toBe(file);
    expect(await form.locator('[name="name"]').inputValue()).toBe(`${prefix}-upload`);
    expect(await form.locator('[name="disk_format"]').inputValue()).toBe('raw');
    await form.locator('[name="tags"]').fill(`${prefix}-new`);
    await form.getByRole('button', { name: 'Create and upload' }).click();
    expect(await form.getByText('Enter a UUID').isVisible()).toBe(true);
    await form.locator('[name="id"]').fill('');
    await screenshotBothThemes(page, 'create');
    await form.getByRole('button', { name: 'Create and upload' }).click();

    // The dialog closes once the upload is verified, and the new image is open.
    await poll(() => dialog().count(), 60_000).toBe(0);
    const details = page.getByRole('complementary', { name: 'Image details' });
    await poll(() => details.locator('[data-field="status"]').textContent()).toBe('active');
    const id = (await details.locator('[data-field="id"]').textContent()) ?? '';
    const { body } = await glance<Record<string, unknown>>(`/v2/images/${id}`);
    expect(body).toMatchObject({
      name: `${prefix}-upload`,
      status: 'active',
      checksum: hashes.md5,
      os_hash_value: hashes.sha512,
      tags: [`${prefix}-new`],
    });
    await page.keyboard.press('Escape');
  });

  test('downloads one image by button and two by dragging rows onto a pinned folder', async () => {
    await filterByTag(dataPrefix);
    await poll(() => statusLine().textContent()).toMatch(/^\s*3 images/);
    await rowNamed(`${dataPrefix}-00000`).click();
    await button('Download').click();

    main.dialogAnswers.folder = pinned;
    await button('＋ Pin a folder').click();
    const target = page.locator(`[data-testid="folder-target"][data-folder="${pinned}"]`);
    await poll(() => target.count()).toBe(1);

    await rowNamed(`${dataPrefix}-00001`).click();
    await rowNamed(`${dataPrefix}-00002`).click({ modifiers: ['Control'] });
    await rowNamed(`${dataPrefix}-00002`).dragTo(target);

    await page.getByRole('button', { name: /^Transfers/ }).click();
    const done = page.locator('[data-testid="transfer"][data-kind="download"][data-state="done"]');
    await poll(() => done.count(), 60_000).toBe(3);
    expect(await done.first().getByTestId('verification').textContent()).toContain(
      'Verified (sha512)',
    );
    await screenshotBothThemes(page, 'transfers');

    const transfers = (await main.value('listTransfers')) as Transfer[];
    const byName = new Map(transfers.map((tr) => [tr.imageName, tr]));
    for (const [index, folder] of [
      [0, downloads],
      [1, pinned],
      [2, pinned],
    ] as const) {
      const spec = seedImageSpec(dataPrefix, index);
      const transfer = byName.get(spec.name);
      expect(transfer?.state).toBe('done');
      expect(transfer?.folder).toBe(folder);
      const data = await readFile(transfer?.path ?? '');
      expect(sha512(data)).toBe(sha512(spec.data));
    }

    // "Show in folder" asks the OS adapter to reveal the file; dragging it out starts an OS drag.
    await done.first().getByRole('button', { name: 'Show in folder' }).click();
    await poll(() => main.os.revealed.length).toBe(1);
    await done.first().dispatchEvent('dragstart');
    await poll(() => main.os.dragged.length).toBe(1);
    expect(main.os.dragged[0]?.path).toBe(main.os.revealed[0]);
  });

  test('switches to another cloud quickly and cancels a download there', async () => {
    proxy = await startFaultProxy(bed.glanceUrl);
    proxy.addRule({
      match: /^GET \/v2\/images\/[^/]+\/file/,
      fault: { kind: 'stall', afterBytes: 400, ms: 25_000 },
      times: 10,
    });
    const slowFolder = tempFolder('e2e-slow');
    await main.pick('folder', slowFolder);
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, {
        name: 'Slow mirror',
        label: 'slow',
        color: '#c62828',
        imageEndpoint: proxy.url,
        downloadFolder: slowFolder,
      }),
    });
    await page.reload();
    await page.getByTestId('profile-switcher').selectOption({ label: '[slow] Slow mirror' });
    await poll(() => page.locator('.topbar .profile-label').textContent()).toBe('slow');

    await filterByTag(dataPrefix);
    await poll(() => statusLine().textContent()).toMatch(/^\s*3 images/);
    await rowNamed(`${dataPrefix}-00000`).click();
    await button('Download').click();
    await page.getByRole('button', { name: /^Transfers/ }).click();
    const running = page.locator(`[data-testid="transfer"][data-state="running"]`);
    await poll(() => running.count(), 30_000).toBe(1);
    await running.getByRole('button', { name: 'Cancel' }).click();
    // With bytes already on disk the app asks before deleting them (safety.test.ts covers it).
    if (await dialog().isVisible()) {
      await dialog().getByRole('button', { name: 'Cancel and delete' }).click();
    }
    await poll(() => page.locator('[data-testid="transfer"][data-state="cancelled"]').count()).toBe(
      1,
    );
    // A cancelled download never leaves a file under the final name.
    const transfer = ((await main.value('listTransfers')) as Transfer[]).find(
      (tr) => tr.state === 'cancelled',
    );
    expect(transfer).toBeDefined();
    expect(await fileExists(transfer?.path ?? '')).toBe(false);
    expect((await readdir(slowFolder)).filter((name) => !name.endsWith('.part'))).toEqual([]);

    await page.getByTestId('profile-switcher').selectOption({ label: '[test] Test bed' });
    await poll(() => page.locator('.topbar .profile-label').textContent()).toBe('test');
  });

  test('explains a protected image, unprotects it and deletes it; bulk-deletes others', async () => {
    const profile = ((await main.value('listProfiles')) as Profile[]).find(
      (p) => p.name === 'Test bed',
    );
    const created = (await main.value('createImage', {
      profileId: profile?.id,
      fields: { name: `${prefix}-protected`, protected: true, tags: [`${prefix}-p`] },
    })) as { id: string };

    await page.getByRole('button', { name: 'Images' }).click();
    await filterByTag(`${prefix}-p`);
    await poll(() => statusLine().textContent()).toMatch(/^\s*1 image\b/);
    await rowAt(0).click();
    await page.keyboard.press('Delete');
    const note = dialog().getByTestId('protected-note');
    await poll(() => note.textContent()).toContain('Unprotect it first');
    expect(
      await dialog()
        .getByRole('button', { name: /^Delete \d/ })
        .count(),
    ).toBe(0);
    await screenshotBothThemes(page, 'delete-protected');
    await note.getByRole('button', { name: 'Open to unprotect' }).click();

    const details = page.getByRole('complementary', { name: 'Image details' });
    await details.getByRole('button', { name: 'Edit' }).click();
    await details.locator('[name="protected"]').uncheck();
    await details.getByRole('button', { name: 'Review changes…' }).click();
    expect(JSON.parse((await dialog().getByTestId('patch-preview').textContent()) ?? '')).toEqual([
      { op: 'replace', path: '/protected', value: false },
    ]);
    await button('Save to cloud').click();
    await poll(() => details.locator('[data-field="protected"]').textContent()).toBe('No');

    await details.getByRole('button', { name: 'Delete…' }).click();
    expect(await dialog().getByTestId('delete-names').textContent()).toContain(
      `${prefix}-protected`,
    );
    await screenshotBothThemes(page, 'delete');
    await dialog().getByRole('button', { name: 'Delete 1' }).click();
    await poll(() => page.getByText('No image matches these filters').isVisible()).toBe(true);
    expect((await glance(`/v2/images/${created.id}`)).status).toBe(404);

    // Bulk: ten images selected with Ctrl+A over a search, deleted in one go.
    await filterByTag(prefix);
    await poll(() => statusLine().textContent()).toMatch(/^\s*300 images/);
    await page.locator('.search').fill(`${prefix}-0029`);
    await rowAt(0).click();
    await page.keyboard.press('Control+a');
    await poll(() => statusLine().textContent()).toContain('10 selected');
    await page.keyboard.press('Delete');
    expect(await dialog().textContent()).toContain('Delete these 10 images from the cloud?');
    await dialog().getByRole('button', { name: 'Delete 10' }).click();
    await poll(() => statusLine().textContent()).toMatch(/0 of 290 images/);
    const left = await glance<{ images: unknown[] }>(`/v2/images?tag=${prefix}&limit=1000`);
    expect(left.body.images).toHaveLength(290);
    await page.locator('.search').fill('');
  });

  test('switches to 简体中文 and back, and shows the settings', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await screenshotBothThemes(page, 'settings');
    await page.locator('[name="locale"]').selectOption('zh-CN');
    await poll(() => page.locator('nav').textContent()).toContain('镜像');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await screenshotBothThemes(page, 'settings-zh');
    await page.getByRole('button', { name: '镜像' }).click();
    await poll(() => statusLine().textContent()).toContain('个镜像');
    await screenshotBothThemes(page, 'images-zh');
    await page.getByRole('button', { name: '传输' }).click();
    await poll(() => page.getByText('校验通过（sha512）').count()).toBeGreaterThan(0);
    await screenshotBothThemes(page, 'transfers-zh');

    await page.getByRole('button', { name: '设置' }).click();
    await page.locator('[name="locale"]').selectOption('en');
    await poll(() => page.locator('nav').textContent()).toContain('Images');
    expect((await main.value('getSettings')).locale).toBe('en');
  });

  test('follows a Chinese system locale on first start, and a forced dark theme', async () => {
    const other = await openApp(browser, server.url, {
      systemLocale: 'zh-CN',
      colorScheme: 'light',
    });
    try {
      await poll(() => other.page.getByText('连接你的第一个云').isVisible()).toBe(true);
      await other.page.getByRole('button', { name: '设置' }).click();
      await other.page.locator('[name="theme"]').selectOption('dark');
      await poll(() => other.page.locator('html').getAttribute('data-theme')).toBe('dark');
      const background = await other.page.evaluate(
        'getComputedStyle(document.body).backgroundColor',
      );
      expect(background).toBe('rgb(23, 25, 29)');
    } finally {
      await other.close();
    }
  });
});
