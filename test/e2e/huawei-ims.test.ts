/**
 * A Huawei Cloud profile in real Chromium, against the IAM + IMS stand-in
 * (test/support/ims-standin.ts: no IMS runs on loopback): the image browser offers IMS's
 * quick views and filters, sends them as IMS's list parameters, and the create form offers
 * IMS's disk formats. Screenshots in English and Chinese.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { profileFromTemplate } from '../../common/provider-templates';
import { huaweiCloud } from '../../common/providers';
import { startTestMain, type TestMain } from '../integration/ipc/harness';
import { startImsStandin, type ImsImage, type ImsStandin } from '../support/ims-standin';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  screenshotBothThemes,
  serveStatic,
} from './harness';

const poll = expect.poll;
const region = 'cn-north-4';

const image = (n: number, fields: Partial<ImsImage>): ImsImage => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  name: `image ${n}`,
  imagetype: 'private',
  platform: 'Ubuntu',
  osBit: '64',
  isRegistered: true,
  visibility: 'private',
  protected: false,
  diskFormat: 'zvhd2',
  ...fields,
});

const images: ImsImage[] = [
  image(1, {
    name: 'Ubuntu 22.04 server 64bit',
    imagetype: 'gold',
    visibility: 'public',
    protected: true,
  }),
  image(2, {
    name: 'Windows Server 2022 Datacenter 64bit',
    imagetype: 'gold',
    platform: 'Windows',
    visibility: 'public',
    protected: true,
  }),
  image(3, {
    name: 'EulerOS 2.9 (from a partner)',
    imagetype: 'shared',
    platform: 'EulerOS',
    visibility: 'shared',
    memberStatus: 'pending',
    diskFormat: 'zvhd',
  }),
  image(4, { name: 'web-frontend-2026-03', platform: 'CentOS' }),
  image(5, { name: 'db-backup-base', platform: 'Debian', osBit: '32' }),
];

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let ims: ImsStandin;
let main: TestMain;

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  ims = await startImsStandin(images, { account: 'acme', user: 'alice', password: 'pw', region });
  main = await startTestMain();
  const profile = profileFromTemplate(huaweiCloud, {
    authMethod: 'password',
    region,
    account: 'acme',
    userName: 'alice',
    secret: 'pw',
  });
  await main.value('saveProfile', { profile: { ...profile, authUrl: ims.iamUrl } });
});

afterAll(async () => {
  await main?.close();
  await ims?.stop();
  await browser?.close();
  await server?.close();
});

const rows = (page: Page) => page.locator('.content [role="row"]');
const lastList = () => ims.requests.filter((req) => req.url.pathname === '/v2/images').at(-1);

describe('Huawei Cloud IMS in the image browser', () => {
  test('quick views and IMS filters become IMS’s list parameters; the create form offers zvhd2', async () => {
    const app = await openApp(browser, server.url, { main, systemLocale: 'en-US' });
    const { page } = app;
    await poll(() => rows(page).count()).toBe(images.length);
    expect(lastList()?.headers['x-api-version']).toBe('Q');

    const view = page.getByTestId('ims-view');
    await view.selectOption('public');
    await poll(() => rows(page).count()).toBe(2);
    expect(Object.fromEntries(lastList()?.url.searchParams ?? [])).toMatchObject({
      __imagetype: 'gold',
      visibility: 'public',
      protected: 'true',
    });
    await screenshotBothThemes(page, 'huawei-ims-public');

    await view.selectOption('pending');
    await poll(() => rows(page).count()).toBe(1);
    expect(Object.fromEntries(lastList()?.url.searchParams ?? [])).toMatchObject({
      member_status: 'pending',
      visibility: 'shared',
      __imagetype: 'shared',
    });

    await view.selectOption('all');
    await page.getByRole('button', { name: /^Filters/ }).click();
    const filters = page.getByTestId('ims-filters');
    await filters.locator('[name="__os_bit"]').selectOption('32');
    await poll(() => rows(page).count()).toBe(1);
    expect(lastList()?.url.searchParams.get('__os_bit')).toBe('32');
    await page.locator('#filter-bar').getByRole('button', { name: 'Clear' }).click();
    await poll(() => rows(page).count()).toBe(images.length);
    expect(await filters.locator('[name="__os_bit"]').inputValue()).toBe('');

    await page.getByRole('button', { name: 'New image…' }).click();
    const diskFormats = page.locator('dialog[open] [name="disk_format"] option');
    await poll(() => diskFormats.allTextContents()).toEqual(
      expect.arrayContaining(['zvhd2', 'zvhd', 'qcow2']),
    );
    await app.close();
  });

  test('the quick views in Chinese', async () => {
    const app = await openApp(browser, server.url, { main, systemLocale: 'zh-CN' });
    const { page } = app;
    await poll(() => rows(page).count()).toBe(images.length);
    const view = page.getByTestId('ims-view');
    expect(await view.locator('option').allTextContents()).toContain('共享给我的（待接受）');
    await view.selectOption('public');
    await poll(() => rows(page).count()).toBe(2);
    await page.getByRole('button', { name: /^筛选/ }).click();
    await poll(() => page.getByTestId('ims-filters').isVisible()).toBe(true);
    await screenshotBothThemes(page, 'huawei-ims-public-zh-CN');
    await app.close();
  });
});
