/**
 * The update prompt in real Chromium against the real handlers: main's update service runs
 * over a stand-in updater (test/unit/shell/updates.test.ts drives the real electron-updater)
 * and its `updateStatusChanged` events are pushed into the page as the preload would. A
 * downloaded update offers "Restart now" / "Later"; while transfers run it offers to restart
 * after them instead; Settings turns the check at start off and checks now. Screenshots in
 * English and Chinese.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { UpdateStatus } from '../../common/updates';
import type { UpdaterEvent, UpdaterPort } from '../../main/updates/service';
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
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');

/** An updater that reports what the test tells it to. */
class StandInUpdater implements UpdaterPort {
  listeners = new Set<(event: UpdaterEvent) => void>();
  next: UpdaterEvent[] = [];
  checks = 0;
  installs = 0;
  useGenericFeed(): void {}
  async check(): Promise<'checked'> {
    this.checks++;
    for (const event of [{ type: 'checking' } as const, ...this.next]) this.emit(event);
    return 'checked';
  }
  installNow(): void {
    this.installs++;
  }
  subscribe(listener: (event: UpdaterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: UpdaterEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
/** Main with `updater` as an installed build's updater, and a cloud to show. */
async function startMain(updater: StandInUpdater): Promise<TestMain> {
  const main = await startTestMain({
    updates: {
      createUpdater: () => updater,
      packaged: true,
      environment: {},
      policyFile: join(tempFolder('no-policy'), 'policy.json'),
    },
  });
  await main.value('saveProfile', {
    profile: passwordProfile(bed, bed.member, { name: 'Test cloud', label: 'dev' }),
  });
  return main;
}

let mainWithUpdate: TestMain;
const updater = new StandInUpdater();

beforeAll(async () => {
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  mainWithUpdate = await startMain(updater);
  updater.next = [
    { type: 'available', version: '0.2.0' },
    { type: 'progress', percent: 50 },
    { type: 'downloaded', version: '0.2.0' },
  ];
  await mainWithUpdate.services.updates.checkAtStart();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mainWithUpdate?.close();
});

/** Opens the app in `systemLocale`, with main's update events pushed into the page. */
async function open(
  systemLocale: string,
  main: TestMain = mainWithUpdate,
): Promise<AppPage & { push(status: UpdateStatus): Promise<void> }> {
  const app = await openApp(browser, server.url, { main, systemLocale });
  app.page.setDefaultTimeout(20_000);
  const push = (status: UpdateStatus) =>
    app.page.evaluate(
      ([payload]) =>
        (
          globalThis as unknown as { __glanceDeskEmit: (e: string, p: unknown) => void }
        ).__glanceDeskEmit('updateStatusChanged', payload),
      [status] as const,
    );
  // The cloud's images behind the prompt, for the screenshots.
  await app.page.getByRole('grid').waitFor();
  const stop = main.services.updates.onChange((status) => void push(status).catch(() => undefined));
  const close = app.close;
  return {
    ...app,
    push,
    async close() {
      stop();
      await close();
    },
  };
}

const prompt = (page: Page) => page.getByTestId('update-prompt');

describe('the update prompt', () => {
  test('in English: a downloaded update offers a restart; while transfers run, a restart after them', async () => {
    const app = await open('en-US');
    const { page } = app;
    // The check at start happened before the page opened: it asks main where things stand.
    await expect
      .poll(() => prompt(page).textContent())
      .toContain('Glance Desk 0.2.0 is ready. It will be installed when you quit.');
    await page.getByRole('button', { name: 'Restart now' }).waitFor();
    await page.getByRole('button', { name: 'Later' }).waitFor();
    await screenshotBothThemes(page, 'update-ready');

    await page.getByRole('button', { name: 'Later' }).click();
    await prompt(page).waitFor({ state: 'detached' });

    // Main says two transfers are running: the restart waits for them.
    const running: UpdateStatus = {
      ...mainWithUpdate.services.updates.status(),
      transfersRunning: 2,
      notice: 'ready-transfers-running',
    };
    await app.push(running);
    await expect
      .poll(() => prompt(page).textContent())
      .toContain('2 transfers are running: restarting now would interrupt them.');
    expect(await page.getByRole('button', { name: 'Restart now' }).count()).toBe(0);
    await screenshotBothThemes(page, 'update-transfers-running');

    // In main no transfer runs, so "after the transfers" is at once.
    await page.getByRole('button', { name: 'Restart after transfers finish' }).click();
    await expect.poll(() => updater.installs).toBe(1);

    await app.push({ ...running, restartPending: true, notice: 'restart-pending' });
    await expect
      .poll(() => prompt(page).textContent())
      .toContain('Glance Desk will restart to install 0.2.0 as soon as the transfers finish.');
    await page.getByRole('button', { name: 'Install when I quit' }).waitFor();
    await app.close();
  });

  test('in Chinese', async () => {
    const app = await open('zh-CN');
    const { page } = app;
    await expect
      .poll(() => prompt(page).textContent())
      .toContain('Glance Desk 0.2.0 已准备就绪，将在你退出时安装。');
    await page.getByRole('button', { name: '立即重启' }).waitFor();
    await page.getByRole('button', { name: '稍后' }).waitFor();
    await screenshotBothThemes(page, 'update-ready-zh');

    await app.push({
      ...mainWithUpdate.services.updates.status(),
      transfersRunning: 1,
      notice: 'ready-transfers-running',
    });
    await expect
      .poll(() => prompt(page).textContent())
      .toContain('有 1 个传输正在进行，现在重启会中断传输。');
    await page.getByRole('button', { name: '传输完成后重启' }).waitFor();
    await screenshotBothThemes(page, 'update-transfers-running-zh');
    await app.close();
  });
});

describe('the Settings view', () => {
  test('turns the check at start off, and checks now, saying how it ended', async () => {
    const quiet = new StandInUpdater();
    const main = await startMain(quiet);
    const app = await open('en-US', main);
    const { page } = app;
    await page.getByRole('button', { name: 'Settings' }).click();
    const automatic = page.getByRole('checkbox', {
      name: 'Check for updates when Glance Desk starts',
    });
    expect(await automatic.isChecked()).toBe(true);
    await automatic.uncheck();
    await expect.poll(() => main.services.settings.get('automaticUpdates')).toBe(false);

    quiet.next = [{ type: 'not-available' }];
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect
      .poll(() => prompt(page).textContent())
      .toContain('Glance Desk 0.0.0-test is the latest version.');
    expect(quiet.checks).toBe(1);
    await page.getByRole('button', { name: 'Dismiss' }).first().click();
    await prompt(page).waitFor({ state: 'detached' });
    await app.close();
    await main.close();
  });
});
