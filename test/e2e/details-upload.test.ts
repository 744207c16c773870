/**
 * The details panel in real Chromium against the real handlers and test bed: unsaved edits
 * are not dropped without asking when the user switches view or cloud; a queued image
 * (one without data) gets its data from a file picked in its details.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import type { Transfer } from '../../common/transfer';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  type TestMain,
} from '../integration/ipc/harness';
import { projectToken } from '../testbed/index';
import { createRandomFile, uploadImage } from '../testbed/seed';
import { launchChromium, openApp, RENDERER_DIR, serveStatic, type AppPage } from './harness';

const bed = inject('testbed');
const prefix = `dup${Date.now().toString(36)}`;
const MiB = 1024 * 1024;

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let first: Profile;
let second: Profile;

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  first = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'First cloud', label: 'one' }),
  });
  second = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Second cloud', label: 'two' }),
  });
  await main.value('updateSettings', { lastProfileId: first.id });
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

interface GlanceImage {
  id: string;
  name: string;
  status: string;
  checksum: string | null;
}

async function glanceImage(id: string): Promise<GlanceImage> {
  const token = await projectToken(bed.authUrl, bed.member);
  const response = await request(`${bed.glanceUrl}/v2/images/${id}`, {
    headers: { 'x-auth-token': token, accept: 'application/json' },
  });
  return (await response.body.json()) as GlanceImage;
}

/** A new image without data, created through main's handlers as the Create dialog would. */
function createQueued(name: string) {
  return main.value('createImage', {
    profileId: first.id,
    fields: { name, disk_format: 'raw', container_format: 'bare' },
  });
}

function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const dialog = () => page.locator('dialog[open]');
const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });
const details = () => page.getByRole('complementary', { name: 'Image details' });
const navItem = (name: string) => page.getByRole('button', { name: new RegExp(`^${name}`) });
const switcher = () => page.getByTestId('profile-switcher');
const currentView = () => page.locator('nav [aria-current="page"]').textContent();

async function openDetails(name: string): Promise<void> {
  await navItem('Images').click();
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await page.getByRole('searchbox').fill(name);
  await rowNamed(name).dblclick();
  await poll(() => details().locator('h2').textContent()).toBe(name);
}

async function startEditing(name: string, newName: string): Promise<void> {
  await openDetails(name);
  await details().getByRole('button', { name: 'Edit' }).click();
  await details().locator('[name="name"]').fill(newName);
}

async function expectQuestionAbout(name: string): Promise<void> {
  await poll(() => dialog().locator('h2').textContent()).toBe('Discard your changes?');
  expect(await dialog().textContent()).toContain(`Your changes to “${name}” are not saved`);
}

describe('Details panel in Chromium', () => {
  test('switching view or cloud asks before unsaved edits are dropped', async () => {
    const name = `${prefix}-edit`;
    const edited = `${prefix}-renamed`;
    const image = await createQueued(name);
    await startEditing(name, edited);

    // Another view: the question; "Keep editing" stays in the images view with the edit.
    await navItem('Transfers').click();
    await expectQuestionAbout(name);
    await dialog().getByRole('button', { name: 'Keep editing' }).click();
    await poll(() => dialog().count()).toBe(0);
    expect(await currentView()).toMatch(/Images/);
    expect(await details().locator('[name="name"]').inputValue()).toBe(edited);

    // Another cloud: the question; keeping the edits keeps the cloud, and the switcher shows it.
    await switcher().selectOption(second.id);
    await expectQuestionAbout(name);
    await page.keyboard.press('Escape'); // the same as "Keep editing"
    await poll(() => dialog().count()).toBe(0);
    expect(await switcher().inputValue()).toBe(first.id);
    expect(await page.locator('.topbar .profile-label').textContent()).toBe('one');
    expect(await details().locator('[name="name"]').inputValue()).toBe(edited);

    // "Discard changes" switches the cloud, and nothing was sent.
    await switcher().selectOption(second.id);
    await expectQuestionAbout(name);
    await dialog().getByRole('button', { name: 'Discard changes' }).click();
    await poll(() => page.locator('.topbar .profile-label').textContent()).toBe('two');
    expect(await switcher().inputValue()).toBe(second.id);
    expect(await details().count()).toBe(0);
    expect((await glanceImage(image.id)).name).toBe(name);

    // Without edits, switching asks nothing.
    await switcher().selectOption(first.id);
    await poll(() => page.locator('.topbar .profile-label').textContent()).toBe('one');
    expect(await dialog().count()).toBe(0);

    // "Discard changes" on a view switch shows the other view.
    await startEditing(name, edited);
    await navItem('Settings').click();
    await expectQuestionAbout(name);
    await dialog().getByRole('button', { name: 'Discard changes' }).click();
    await poll(currentView).toMatch(/Settings/);
    expect((await glanceImage(image.id)).name).toBe(name);

    // Edits that were saved leave nothing to ask about.
    await startEditing(name, edited);
    await details().getByRole('button', { name: 'Review changes…' }).click();
    await dialog().getByRole('button', { name: 'Save to cloud' }).click();
    await poll(() => details().locator('h2').textContent()).toBe(edited);
    await navItem('Transfers').click();
    await poll(currentView).toMatch(/Transfers/);
    expect(await dialog().count()).toBe(0);
    expect((await glanceImage(image.id)).name).toBe(edited);
  });

  test('fills a queued image with the data of a picked file', async () => {
    const name = `${prefix}-queued`;
    const image = await createQueued(name);
    const active = `${prefix}-active`;
    await uploadImage(bed, bed.member, { name: active, size: 1024 });

    // Only a queued image is offered the upload.
    await openDetails(active);
    expect(await details().getByRole('button', { name: 'Upload data…' }).count()).toBe(0);

    await openDetails(name);
    const uploadButton = details().getByRole('button', { name: 'Upload data…' });
    // The user closes the file dialog without a file: nothing starts.
    main.dialogAnswers.files = [];
    await uploadButton.click();
    await poll(() => uploadButton.isEnabled()).toBe(true);
    const uploadsInto = async () =>
      ((await main.value('listTransfers')) as Transfer[]).filter(
        (tr) => tr.kind === 'upload' && tr.imageId === image.id,
      );
    expect(await uploadsInto()).toEqual([]);
    expect((await glanceImage(image.id)).status).toBe('queued');

    const file = join(tempFolder('e2e-details-upload'), `${prefix}.raw`);
    const hashes = await createRandomFile(file, 3 * MiB + 7);
    main.dialogAnswers.files = [file];
    await uploadButton.click();
    // The file check comes first, in a dialog: the upload starts from there.
    const check = page.locator('dialog[open]');
    await poll(() => check.getByTestId('file-check').textContent()).toContain('raw disk');
    await check.getByRole('button', { name: 'Upload into this image' }).click();
    await poll(() => page.locator('.toasts').textContent()).toContain(
      `Uploading data into “${name}”`,
    );
    // The panel shows the image as it is once the upload is done, and offers no upload again.
    await poll(() => details().locator('[data-field="status"]').textContent(), 90_000).toBe(
      'active',
    );
    expect(await details().getByRole('button', { name: 'Upload data…' }).count()).toBe(0);
    await poll(() => page.locator('.toasts').textContent()).toContain(`Uploaded “${name}”`);

    const stored = await glanceImage(image.id);
    expect({ status: stored.status, checksum: stored.checksum }).toEqual({
      status: 'active',
      checksum: hashes.md5,
    });
    expect((await uploadsInto()).map((tr) => tr.state)).toEqual(['done']);
  });
});
