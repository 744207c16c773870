/**
 * Copying between clouds and comparing them, in Chromium against the test bed's two real
 * Glances (RegionOne and RegionTwo, the same user): rows dragged onto the other cloud in
 * the sidebar, the copy dialog, the Transfers row, a bulk copy that skips what is there,
 * the compare view with each kind of difference, and a running copy cancelled from Transfers
 * (its image on the target deleted or kept, as answered). Screenshots in both themes, in
 * English and 简体中文.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Transfer } from '../../common/transfer';
import {
  passwordProfile,
  startTestMain,
  waitForTransfer,
  type TestMain,
} from '../integration/ipc/harness';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { glanceAs } from '../testbed/rest';
import { uploadImage } from '../testbed/seed';
import { expectAccessible } from './axe';
import {
  launchChromium,
  openApp,
  RENDERER_DIR,
  screenshotBothThemes,
  serveStatic,
  type AppPage,
} from './harness';

const bed = inject('testbed');
const regionTwo = { ...bed, ...bed.second };
const p = `cc${randomUUID().slice(0, 6)}`;
const glanceOne = glanceAs(bed, bed.member);
const glanceTwo = glanceAs(bed, bed.member, bed.second.glanceUrl);
const madeOnOne: string[] = [];
const madeOnTwo: string[] = [];

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let main: TestMain;
let app: AppPage;
let page: Page;
let one: string;
let two: string;

/** Uploads `bytes` as an image named `${p} name` to RegionOne or RegionTwo; resolves to its id. */
async function seed(
  region: 'one' | 'two',
  name: string,
  bytes: Buffer,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const image = await uploadImage(region === 'one' ? bed : regionTwo, bed.member, {
    name: `${p} ${name}`,
    bytes,
    disk_format: 'qcow2',
    fields,
  });
  (region === 'one' ? madeOnOne : madeOnTwo).push(image.id);
  return image.id;
}

beforeAll(async () => {
  const same = randomBytes(300_000);
  const meta = randomBytes(200_000);
  const os = { __os_version: 'Ubuntu 22.04 server 64bit', __os_type: 'Linux' };
  await seed('one', '复制 我', randomBytes(2_000_000), {
    tags: ['web', '生产'],
    min_ram: 1024,
    description: '中文描述',
    ...os,
    'owner_specified.openstack.md5': 'abc',
  });
  await seed('one', 'same', same, { tags: ['base'], ...os });
  await seed('two', 'same', same, { tags: ['base'], ...os });
  await seed('one', 'meta', meta, { min_ram: 512, ...os });
  await seed('two', 'meta', meta, { min_ram: 2048, ...os, __os_version: 'Ubuntu 24.04' });
  await seed('one', 'rebuilt', randomBytes(100_000));
  await seed('two', 'rebuilt', randomBytes(120_000));
  await seed('one', 'only here', randomBytes(50_000));
  await seed('two', 'only there', randomBytes(60_000));

  main = await startTestMain();
  const save = async (name: string, region: string, color: string) =>
    (
      await main.value('saveProfile', {
        profile: passwordProfile(bed, bed.member, { name, region, color }),
      })
    ).id;
  one = await save('Region one', bed.region, '#2563eb');
  two = await save('Region two', bed.second.region, '#1b7f3b');
  server = await serveStatic(RENDERER_DIR);
  browser = await launchChromium();
  app = await openApp(browser, server.url, { main });
  page = app.page;
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await main?.close();
  for (const id of madeOnTwo) await glanceTwo('DELETE', `/v2/images/${id}`);
  for (const id of madeOnOne) await glanceOne('DELETE', `/v2/images/${id}`);
});

function poll<T>(read: () => Promise<T> | T, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

const dialog = () => page.locator('dialog[open]');
const rowNamed = (name: string) => page.locator('.content [role="row"]', { hasText: name });
const nav = (name: string) => page.getByRole('button', { name, exact: true });
const compareRow = (name: string) =>
  page.locator('[data-testid="compare-row"]', { hasText: `${p} ${name}` });

/** Screenshots of the page in both themes, each checked by axe-core. */
async function shoot(name: string): Promise<void> {
  await screenshotBothThemes(page, name);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectAccessible(page, `${name}, ${scheme} theme`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function showOwnImages(): Promise<void> {
  await nav('Images').click();
  await page.locator('.search').fill(p);
  await poll(() => page.locator('.toolbar .status').textContent()).toMatch(/\b5 of \d+ images/);
}

describe('copy and compare in Chromium', () => {
  test('copies an image by dragging its row onto the other cloud', async () => {
    await showOwnImages();
    const target = page.locator(`[data-testid="cloud-target"][data-profile-id="${two}"]`);
    await poll(() => target.textContent()).toContain('Region two');
    await rowNamed(`${p} 复制 我`).click();
    await rowNamed(`${p} 复制 我`).dragTo(target);

    // The dialog: from one cloud to the other, the fields as they will be set, what is left out.
    await poll(() => dialog().getByTestId('copy-item').count()).toBe(1);
    expect(await dialog().getByTestId('copy-source').textContent()).toBe('Region one');
    expect(await dialog().getByTestId('copy-target').inputValue()).toBe(two);
    expect(await dialog().locator('[name="name"]').inputValue()).toBe(`${p} 复制 我`);
    expect(await dialog().locator('[name="min_ram"]').inputValue()).toBe('1024');
    // Glance keeps tags as a set: their order in its answer is not stable.
    const tags = await dialog().locator('[name="tags"]').inputValue();
    expect(tags.split(', ').sort()).toEqual(['web', '生产'].sort());
    expect(await dialog().locator('[name="description"]').inputValue()).toBe('中文描述');
    const skipped = dialog().getByTestId('skipped');
    expect(await skipped.textContent()).toContain('owner_specified.openstack.md5');
    expect(await skipped.textContent()).toContain('os_hash_value');
    expect(await dialog().locator('[name="visibility"]').inputValue()).toBe('private');
    await shoot('copy-dialog');

    await dialog().getByRole('button', { name: 'Copy 1 image' }).click();
    await poll(() => dialog().count()).toBe(0);

    await page.getByRole('button', { name: /^Transfers/ }).click();
    const row = page.locator('[data-testid="transfer"][data-kind="copy"]');
    await poll(() => row.getAttribute('data-state'), 60_000).toBe('done');
    expect(await row.getByTestId('copy-route').textContent()).toBe('Region one → Region two');
    expect(await row.getByTestId('verification').textContent()).toContain('Verified (sha512)');
    await shoot('transfers-copy');

    const [copy] = ((await main.value('listTransfers')) as Transfer[]).filter(
      (transfer) => transfer.kind === 'copy',
    );
    const targetId = copy?.copy?.targetImageId ?? '';
    madeOnTwo.push(targetId);
    const stored = (await glanceTwo('GET', `/v2/images/${targetId}`)).json<
      Record<string, unknown>
    >();
    expect(stored).toMatchObject({
      name: `${p} 复制 我`,
      status: 'active',
      min_ram: 1024,
      description: '中文描述',
      __os_version: 'Ubuntu 22.04 server 64bit',
      visibility: 'private',
    });
  });

  test('skips, by default, what the target already holds in a bulk copy', async () => {
    await showOwnImages();
    await rowNamed(`${p} same`).click();
    await rowNamed(`${p} only here`).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Copy to…' }).click();
    await poll(() => dialog().getByTestId('copy-item').count()).toBe(2);
    const same = dialog().locator('[data-testid="copy-item"]', { hasText: `${p} same` });
    expect(await same.getByTestId('same-data').textContent()).toContain(
      `Region two already has this data: “${p} same”`,
    );
    expect(await same.getByRole('radio', { name: 'Skip it' }).isChecked()).toBe(true);
    await poll(() => dialog().getByRole('button', { name: 'Copy 1 image' }).isEnabled()).toBe(true);
    await shoot('copy-dialog-bulk');
    await same.getByRole('radio', { name: 'Copy anyway' }).check();
    await poll(() => dialog().getByRole('button', { name: 'Copy 2 images' }).count()).toBe(1);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await poll(() => dialog().count()).toBe(0);
  });

  test('compares the two clouds: each kind of difference, filters, copy and details', async () => {
    await nav('Compare').click();
    expect(await page.getByTestId('compare-a').inputValue()).toBe(one);
    expect(await page.getByTestId('compare-b').inputValue()).toBe(two);
    await page.locator('.compare .search').fill(p);
    await poll(() => page.getByTestId('compare-row').count(), 60_000).toBe(6);
    const kinds = async () =>
      Object.fromEntries(
        await Promise.all(
          ['复制 我', 'same', 'meta', 'rebuilt', 'only here', 'only there'].map(
            async (name) => [name, await compareRow(name).getAttribute('data-kind')] as const,
          ),
        ),
      );
    expect(await kinds()).toEqual({
      '复制 我': 'same',
      same: 'same',
      meta: 'different-metadata',
      rebuilt: 'different-data',
      'only here': 'only-a',
      'only there': 'only-b',
    });
    expect(await compareRow('meta').locator('.differences').textContent()).toContain(
      'min_ram, __os_version',
    );
    await shoot('compare');

    await page.getByTestId('kind-only-a').click();
    await poll(() => page.getByTestId('compare-row').count()).toBe(1);
    await compareRow('only here').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Copy to Region two →' }).click();
    await poll(() => dialog().getByTestId('copy-item').count()).toBe(1);
    expect(await dialog().getByTestId('copy-target').inputValue()).toBe(two);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('kind-only-a').click();

    // Either side's details open in that cloud's image list.
    await compareRow('only there')
      .getByRole('button', { name: `${p} only there` })
      .click();
    await poll(() => page.getByTestId('profile-switcher').inputValue()).toBe(two);
    await poll(() => page.locator('aside.details').textContent()).toContain(`${p} only there`);
  });

  test('shows the copy dialog, the copy and the comparison in 简体中文', async () => {
    await main.value('updateSettings', { locale: 'zh-CN' });
    await page.reload();
    await poll(() => page.locator('nav').textContent()).toContain('对比');
    await page.getByRole('button', { name: '对比', exact: true }).click();
    await page.locator('.compare .search').fill(p);
    await poll(() => page.getByTestId('compare-row').count(), 60_000).toBe(6);
    expect(await page.getByTestId('kind-different-metadata').textContent()).toContain(
      '数据相同，元数据不同',
    );
    await shoot('compare-zh');
    await page.getByRole('button', { name: /^传输/ }).click();
    await poll(() => page.getByText('校验通过（sha512）').count()).toBeGreaterThan(0);
    await shoot('transfers-copy-zh');
    await page.getByRole('button', { name: '镜像', exact: true }).click();
    await page.getByTestId('profile-switcher').selectOption(one);
    await page.locator('.search').fill(p);
    await rowNamed(`${p} meta`).click();
    await page.getByRole('button', { name: '复制到…' }).click();
    await poll(() => dialog().getByTestId('copy-item').count()).toBe(1);
    expect(await dialog().textContent()).toContain('不会复制');
    await shoot('copy-dialog-zh');
    await dialog().getByRole('button', { name: '取消' }).click();
    await main.value('updateSettings', { locale: 'en' });
  });
});

describe('cancelling a running copy in Transfers', () => {
  const MiB = 1024 * 1024;
  /** In front of RegionOne's Glance: holds back the source's bytes, so the copy is still running. */
  let proxy: FaultProxy;
  /** The member in RegionOne through the proxy: the source of the copies cancelled here. */
  let slowOne: string;
  let bigId: string;

  beforeAll(async () => {
    bigId = await seed('one', 'big', randomBytes(24 * MiB));
    proxy = await startFaultProxy(bed.glanceUrl);
    slowOne = (
      await main.value('saveProfile', {
        profile: passwordProfile(bed, bed.member, {
          name: 'Region one, slow',
          imageEndpoint: proxy.url,
        }),
      })
    ).id;
    await page.reload();
  });

  afterEach(() => proxy.clearRules());

  afterAll(async () => {
    await main.value('updateSettings', { locale: 'en' });
    await proxy?.close();
  });

  /**
   * A copy of the big image to RegionTwo, named `name`, once it has its image there (deleted
   * at the end of the file) and has sent some bytes into it. Each request for the source's bytes stalls after 6 MiB (up to
   * three times, 30 s each): the copy is still running when the question is answered.
   */
  async function runningCopy(name: string): Promise<{ id: string; targetId: string }> {
    proxy.addRule({
      match: /^GET \/v2\/images\/[^/]+\/file$/,
      fault: { kind: 'stall', afterBytes: 6 * MiB, ms: 30_000 },
      times: 3,
    });
    const [proposed] = await main.value('previewCopies', {
      sourceProfileId: slowOne,
      targetProfileId: two,
      imageIds: [bigId],
    });
    const [started] = await main.value('startCopies', {
      sourceProfileId: slowOne,
      targetProfileId: two,
      items: [{ imageId: bigId, create: { ...proposed?.create, name } }],
    });
    const id = started?.id ?? '';
    await poll(() => main.services.transfers.get(id).bytesDone).toBeGreaterThan(4 * MiB);
    const targetId = main.services.transfers.get(id).copy?.targetImageId ?? '';
    expect(targetId).not.toBe('');
    madeOnTwo.push(targetId);
    return { id, targetId };
  }

  const transferRow = (name: string) => page.locator('[data-testid="transfer"]', { hasText: name });

  test('asks what becomes of the unfinished image; deleted, RegionTwo has none', async () => {
    const name = `${p} cancelled`;
    const { id, targetId } = await runningCopy(name);
    await page.getByRole('button', { name: /^Transfers/ }).click();
    await page.getByRole('button', { name: `Cancel “${name}”` }).click();
    expect(await dialog().getByTestId('confirm-question').textContent()).toBe(
      `“${name}” is not finished on Region two. Delete it there, or keep it there, empty, as “${name} (unfinished copy)”?`,
    );
    await shoot('transfers-copy-cancel');
    await dialog().getByRole('button', { name: 'Cancel and delete it' }).click();

    const cancelled = await waitForTransfer(main, id);
    expect(cancelled).toMatchObject({ state: 'cancelled', copy: { targetImageId: '' } });
    expect(cancelled.copy?.keptTarget).toBeUndefined();
    expect((await glanceTwo('GET', `/v2/images/${targetId}`)).status).toBe(404);
    const named = await glanceTwo('GET', `/v2/images?name=${encodeURIComponent(name)}`);
    expect(named.json<{ images: unknown[] }>().images).toEqual([]);
    await poll(() => transferRow(name).getAttribute('data-state')).toBe('cancelled');
  });

  test('the same question in 简体中文; kept, the image stays on RegionTwo, queued', async () => {
    await main.value('updateSettings', { locale: 'zh-CN' });
    await page.reload();
    const name = `${p} 保留`;
    const { id, targetId } = await runningCopy(name);
    await page.getByRole('button', { name: /^传输/ }).click();
    await page.getByRole('button', { name: `取消“${name}”` }).click();
    expect(await dialog().getByTestId('confirm-question').textContent()).toBe(
      `“${name}”在 Region two 上尚未完成。要在那里删除它，还是将其作为空镜像“${name} (unfinished copy)”保留？`,
    );
    await shoot('transfers-copy-cancel-zh');
    await dialog().getByRole('button', { name: '取消并保留' }).click();

    const cancelled = await waitForTransfer(main, id);
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      copy: { keptTarget: true, targetImageId: '' },
    });
    expect((await glanceTwo('GET', `/v2/images/${targetId}`)).json()).toMatchObject({
      status: 'queued',
      name: `${name} (unfinished copy)`,
    });
    await poll(() => transferRow(name).getByTestId('copy-facts').textContent()).toContain(
      '未完成的镜像已保留在 Region two 上，状态为排队。',
    );
  });
});
