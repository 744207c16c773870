/**
 * Sharing, the property editor and bulk edit in real Chromium against the real handlers
 * and test bed, in English and in Chinese, each screen saved in both themes: the owner's
 * Sharing section (a private image is switched to shared first, the patch shown), the
 * member's Shared with me with its pending count, the property editor's metadef and IMS
 * suggestions, a bulk edit's grouped preview and results with another project's image,
 * and its undo.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Image } from '../../common/image';
import type { Profile } from '../../common/profile';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { passwordProfile, startTestMain, type TestMain } from '../integration/ipc/harness';
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
const run = Date.now().toString(36);

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let owner: Profile;
let consumer: Profile;

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  main = await startTestMain();
  owner = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.admin, { name: 'Owner cloud', label: 'admin' }),
  });
  consumer = await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Member cloud', label: 'demo' }),
  });
  await main.value('updateSettings', { lastProfileId: owner.id });
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

function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 30_000, interval: 100 });
}

for (const locale of ['en', 'zh-CN'] as const) {
  const words = locale === 'en' ? en : zhCN;
  /** Saves the page in both themes, without the toasts that would cover it. */
  async function shot(name: string) {
    await page
      .locator('.toasts button')
      .evaluateAll((buttons) =>
        buttons.forEach((button) => (button as unknown as { click(): void }).click()),
      );
    await screenshotBothThemes(page, locale === 'en' ? name : `${name}-zh`);
  }
  const prefix = `sp${run}${locale === 'en' ? 'e' : 'z'}`;
  const dialog = () => page.locator('dialog[open]');
  const details = () => page.getByRole('complementary', { name: words['details.label'] });
  const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });
  const button = (key: keyof typeof words, scope: Page | Locator = page) =>
    scope.getByRole('button', { name: words[key], exact: true });

  let shared: Image;
  let privateImage: Image;
  let foreign: Image;
  let seeded: string[] = [];

  async function useCloud(profile: Profile) {
    await page.getByTestId('profile-switcher').selectOption(profile.id);
    await poll(() => page.getByTestId('profile-switcher').inputValue()).toBe(profile.id);
  }

  async function showImages(search: string) {
    await page.getByRole('button', { name: new RegExp(`^${words['nav.images']}`) }).click();
    await button('images.refresh').click();
    await page.getByRole('searchbox').fill(search);
  }

  async function openDetails(name: string) {
    await showImages(name);
    await rowNamed(name).dblclick();
    await poll(() => details().locator('h2').textContent()).toBe(name);
  }

  describe(`sharing, properties and bulk edit (${locale})`, () => {
    beforeAll(async () => {
      await main.value('updateSettings', { locale });
      await page.reload();
      await page.locator('.topbar').waitFor();
      shared = await main.value('createImage', {
        profileId: owner.id,
        fields: { name: `${prefix}-shared`, visibility: 'shared', disk_format: 'qcow2' },
      });
      await main.value('addImageMember', {
        profileId: owner.id,
        imageId: shared.id,
        project: { id: bed.member.projectId },
      });
      privateImage = await main.value('createImage', {
        profileId: owner.id,
        fields: { name: `${prefix}-private`, visibility: 'private' },
      });
      // Another project's image the member sees among its own: a public one.
      foreign = await main.value('createImage', {
        profileId: owner.id,
        fields: { name: `${prefix}-public`, visibility: 'public', tags: [prefix] },
      });
      seeded = (await seedImages(bed, 4, { prefix, user: bed.member })).map((image) => image.id);
    });

    afterAll(async () => {
      if (seeded.length > 0) {
        await main.call('deleteImages', { profileId: consumer.id, imageIds: seeded });
      }
      await main.call('deleteImages', {
        profileId: owner.id,
        imageIds: [shared, privateImage, foreign].filter(Boolean).map((image) => image.id),
      });
    });

    test('the owner sees who an image is shared with, and shares a private one after the switch', async () => {
      await useCloud(owner);
      await openDetails(shared.name ?? '');
      const section = details().getByTestId('sharing');
      await poll(() => section.getByTestId('member').count()).toBe(1);
      expect(await section.getByTestId('member').textContent()).toContain(bed.member.projectName);
      await section.scrollIntoViewIfNeeded();
      await shot('sharing');

      await openDetails(privateImage.name ?? '');
      await details().getByRole('radio', { name: words['sharing.byName'] }).check();
      await details().locator('[name="project"]').fill(bed.member.projectName);
      await button('sharing.add', details()).click();
      await poll(() => dialog().locator('h2').textContent()).toBe(words['sharing.switchTitle']);
      expect(JSON.parse((await dialog().getByTestId('patch-preview').textContent()) ?? '')).toEqual(
        [{ op: 'replace', path: '/visibility', value: 'shared' }],
      );
      await shot('sharing-switch');
      await button('sharing.switchConfirm', dialog()).click();
      await poll(() => details().getByTestId('member').count()).toBe(1);
      const members = await main.value('listImageMembers', {
        profileId: owner.id,
        imageId: privateImage.id,
      });
      expect(members.map((member) => member.member_id)).toEqual([bed.member.projectId]);
    });

    test('the member counts pending shares in the sidebar, and accepts one', async () => {
      await useCloud(consumer);
      const sharedNav = page.getByRole('button', { name: new RegExp(`^${words['nav.shared']}`) });
      await poll(async () =>
        Number((await sharedNav.locator('.badge').textContent()) ?? 0),
      ).toBeGreaterThanOrEqual(2);
      await sharedNav.click();
      const row = page.getByTestId('shared-row').filter({ hasText: shared.name ?? '' });
      await poll(() => row.getAttribute('data-status')).toBe('pending');
      await shot('shared-with-me');
      const before = Number(await sharedNav.locator('.badge').textContent());
      await row.getByRole('checkbox').check();
      await button('shared.accept').click();
      await poll(() => row.getAttribute('data-status')).toBe('accepted');
      await poll(async () => Number((await sharedNav.locator('.badge').textContent()) ?? 0)).toBe(
        before - 1,
      );
    });

    test('the property editor suggests the cloud’s keys by namespace, with what they take', async () => {
      const target = `${prefix}-00000`;
      await openDetails(target);
      await button('details.edit', details()).click();
      await button('details.addProperty', details()).click();
      const key = details().getByRole('combobox').last();
      // The new row at the top of the form, so that its suggestions have room below it.
      await key.evaluate((input) => input.scrollIntoView({ block: 'start' }));
      await key.fill('hw_fir');
      const list = details().getByRole('listbox');
      await list.waitFor();
      // IMS's own group (the seeded images carry __os_version) and the cloud's libvirt one,
      // once the list and the cloud's metadata definitions are in.
      const groupTitles = () =>
        list
          .getByRole('group')
          .evaluateAll((groups) => groups.map((group) => group.getAttribute('aria-label')));
      await poll(async () => (await groupTitles()).length).toBeGreaterThanOrEqual(2);
      expect(await groupTitles()).toContain('Huawei Cloud IMS');
      await shot('property-editor');
      await list
        .getByRole('option', { name: /hw_firmware_type/ })
        .first()
        .click();
      const hint = details().getByTestId('property-hint').last();
      expect(await hint.textContent()).toContain('bios');
      await details().locator('select').last().selectOption('uefi');
      await shot('property-editor-hint');
      await button('details.review', details()).click();
      const ops = JSON.parse((await dialog().getByTestId('patch-preview').textContent()) ?? '');
      expect(ops).toContainEqual({ op: 'add', path: '/hw_firmware_type', value: 'uefi' });
      await button('details.send', dialog()).click();
      await poll(async () => {
        const image = await main.value('getImage', {
          profileId: consumer.id,
          imageId:
            (await main.value('listImages', { profileId: consumer.id, query: { name: target } }))
              .images[0]?.id ?? '',
        });
        return image.properties.hw_firmware_type;
      }).toBe('uefi');
    });

    test('a bulk edit shows each patch, grouped, sends them and lists what the cloud refused', async () => {
      // The member's four seeded images, and two of the owner's it sees: the public one and
      // the shared one it accepted.
      await showImages(prefix);
      await poll(() => rowNamed(prefix).count()).toBe(6);
      await page.locator('.content [role="row"]').first().click();
      await page.keyboard.press('Control+a');
      await button('images.bulkEdit').click();
      await dialog().locator('[name="add_tags"]').fill(`batch-${run}`);
      await dialog().locator('[name="min_disk"]').fill('5');
      await button('bulk.preview', dialog()).click();
      await poll(() => dialog().getByTestId('bulk-group').count()).toBeGreaterThanOrEqual(2);
      const others = [foreign.name ?? '', shared.name ?? ''];
      const warned = await dialog().getByTestId('bulk-foreign').textContent();
      for (const name of others) expect(warned).toContain(name);
      await shot('bulk-preview');
      await dialog()
        .getByRole('button', { name: words['bulk.send'].replace('{count}', '6') })
        .click();
      await poll(() => dialog().getByTestId('bulk-summary').textContent()).toContain('4');
      const refused = await dialog().getByTestId('bulk-failures').textContent();
      for (const name of others) expect(refused).toContain(name);
      await shot('bulk-results');
      await button('common.close', dialog()).first().click();

      await button('images.undoBulkEdit').click();
      await poll(() => dialog().locator('h2').textContent()).toBe(words['bulk.undoTitle']);
      await poll(() => dialog().getByTestId('bulk-group').count()).toBeGreaterThanOrEqual(1);
      await shot('bulk-undo');
      await dialog()
        .getByRole('button', { name: words['bulk.undoSend'].replace('{count}', '4') })
        .click();
      await poll(() => dialog().getByTestId('bulk-summary').textContent()).toContain('4');
      await button('common.close', dialog()).first().click();
      const { images } = await main.value('listImages', {
        profileId: consumer.id,
        query: { tags: [prefix] },
      });
      expect(images.length).toBe(5);
      expect(images.every((image) => !image.tags.includes(`batch-${run}`))).toBe(true);
      expect(await button('images.undoBulkEdit').count()).toBe(0);
    });
  });
}
