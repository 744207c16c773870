/**
 * "Add a cloud" from a provider template, in real Chromium against the real handlers: the
 * Huawei Cloud template lists its regions as Huawei's documentation names them (screenshots
 * in English and Chinese), asks only for the account, user and secret, and saves a profile
 * that signs in at the region's IAM. A template without an auth URL (Bluebox) connects to
 * the test bed's real Keystone + Glance. "Any OpenStack cloud" goes back to the full form.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Profile } from '../../common/profile';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const poll = expect.poll;

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const dialog = (page: Page) => page.locator('dialog[open]');

/** Opens "Add a cloud" and starts from `provider`'s template. */
async function startFromTemplate(page: Page, addLabel: string, provider: string): Promise<void> {
  await page.getByRole('button', { name: addLabel }).first().click();
  await poll(() => dialog(page).count()).toBe(1);
  await dialog(page).getByTestId('template-picker').selectOption(provider);
  await poll(() => dialog(page).locator('#provider-form').getAttribute('data-provider')).toBe(
    provider,
  );
}

describe('provider templates', () => {
  test('Huawei Cloud: pick a region, give the account, user and password, save', async () => {
    const app: AppPage = await openApp(browser, server.url, { systemLocale: 'en-US' });
    const { page, main } = app;
    await poll(() => page.getByText('Connect your first cloud').isVisible()).toBe(true);
    await startFromTemplate(page, 'Add cloud…', 'huaweicloud');

    const regions = dialog(page).getByTestId('region-list');
    await poll(() => regions.locator('option').count()).toBe(13);
    expect(await regions.locator('option').first().textContent()).toBe(
      'CN North-Beijing4 (cn-north-4)',
    );
    await regions.selectOption('ap-southeast-3');
    const form = dialog(page).locator('#provider-form');
    // Only what Huawei Cloud cannot know is asked.
    expect(
      await form
        .locator('input:not([type=checkbox]), select')
        .evaluateAll((inputs) => inputs.map((input) => input.getAttribute('name'))),
    ).toEqual(['region', 'authMethod', 'account', 'userName', 'secret']);
    await form.locator('[name="account"]').fill('acme-account');
    await form.locator('[name="userName"]').fill('alice');
    await form.locator('[name="secret"]').fill('not-a-real-password');
    await poll(() => form.getByTestId('signs-in-at').textContent()).toContain(
      'https://iam.ap-southeast-3.myhuaweicloud.com/v3',
    );
    await screenshotBothThemes(page, 'provider-template-huawei');

    await dialog(page).getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => dialog(page).count()).toBe(0);
    const [saved] = (await main.value('listProfiles')) as Profile[];
    expect(saved).toMatchObject({
      name: 'Huawei Cloud (ap-southeast-3)',
      provider: 'huaweicloud',
      authUrl: 'https://iam.ap-southeast-3.myhuaweicloud.com/v3',
      region: 'ap-southeast-3',
      userName: 'alice',
      userDomainName: 'acme-account',
      projectName: 'ap-southeast-3',
      projectDomainName: 'acme-account',
      secretState: 'stored',
    });
    await app.close();
  });

  test('华为云: the region list in Chinese', async () => {
    const app = await openApp(browser, server.url, { systemLocale: 'zh-CN' });
    const { page } = app;
    await poll(() => page.getByText('连接你的第一个云').isVisible()).toBe(true);
    await startFromTemplate(page, '添加云…', 'huaweicloud');
    const regions = dialog(page).getByTestId('region-list');
    expect(await regions.locator('option').first().textContent()).toBe('华北-北京四 (cn-north-4)');
    await regions.selectOption('cn-north-4');
    const form = dialog(page).locator('#provider-form');
    await form.locator('[name="account"]').fill('acme-account');
    await form.locator('[name="userName"]').fill('张三');
    await form.locator('[name="secret"]').fill('not-a-real-password');
    await poll(() => form.getByTestId('signs-in-at').textContent()).toContain(
      'https://iam.cn-north-4.myhuaweicloud.com/v3',
    );
    await screenshotBothThemes(page, 'provider-template-huawei-zh-CN');
    await app.close();
  });

  test('a template without an auth URL connects to the test bed; the blank form is one choice away', async () => {
    const app = await openApp(browser, server.url, { systemLocale: 'en-US' });
    const { page } = app;
    await poll(() => page.getByText('Connect your first cloud').isVisible()).toBe(true);
    // Bluebox's openstacksdk profile names only its region, RegionOne, as the test bed's.
    await startFromTemplate(page, 'Add cloud…', 'bluebox');
    const form = dialog(page).locator('#provider-form');
    await form.locator('[name="authUrl"]').fill(bed.authUrl);
    await form.locator('[name="userName"]').fill(bed.member.username);
    await form.locator('[name="projectName"]').fill(bed.member.projectName);
    await form.locator('[name="secret"]').fill(bed.member.password);
    await dialog(page).getByRole('button', { name: 'Test connection' }).click();
    await poll(() => dialog(page).getByTestId('test-result').textContent()).toContain(
      'Connected in',
    );

    await dialog(page).getByTestId('template-picker').selectOption('');
    await poll(() => dialog(page).locator('#profile-form').count()).toBe(1);
    await poll(() => dialog(page).count()).toBe(1);
    await app.close();
  });
});
