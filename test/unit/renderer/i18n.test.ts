import { beforeAll, describe, expect, test } from 'vitest';
import { AppError, type AppErrorData, type ErrorDetails } from '../../../common/errors';
import { en } from '../../../renderer/src/i18n/en';
import * as i18n from '../../../renderer/src/i18n/index.svelte';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

type Locale = Parameters<typeof i18n.setLocale>[0];

beforeAll(() => {
  (globalThis as unknown as Record<string, unknown>).document = { documentElement: {} };
});

/** What the UI shows for `error` in `locale`. */
function shown(locale: Locale, error: AppErrorData): string {
  i18n.setLocale(locale);
  return i18n.errorText(error);
}

const inLocale =
  <A extends unknown[]>(show: (...args: A) => string) =>
  (locale: Locale, ...args: A) => {
    i18n.setLocale(locale);
    return show(...args);
  };
const statusLabel = inLocale(i18n.statusLabel);
const visibilityLabel = inLocale(i18n.visibilityLabel);
const formatQuantity = inLocale(i18n.formatQuantity);
const unitName = inLocale(i18n.unitName);

/** An error as main reports it: main's English message, which the UI never shows. */
const reported = (kind: AppErrorData['kind'], details?: ErrorDetails): AppErrorData => ({
  kind,
  message: 'main’s English',
  ...(details === undefined ? {} : { details }),
});

describe('known errors', () => {
  test('no data to download, in both languages', () => {
    const noData = new AppError({
      kind: 'conflict',
      details: { reason: 'no-data', imageStatus: 'queued' },
    }).toJSON();
    expect(shown('en', noData)).toBe(en['error.noData']);
    expect(shown('zh-CN', noData)).toBe(zhCN['error.noData']);
  });

  test('a hash mismatch names the hashes, worded for a download or an upload', () => {
    const mismatch = (transfer: 'download' | 'upload') =>
      reported('integrity', {
        reason: 'hash-mismatch',
        transfer,
        algorithm: 'sha512',
        expected: 'aa11',
        actual: 'bb22',
      });
    expect(shown('en', mismatch('download'))).toBe(
      'The downloaded data does not match its sha512: expected aa11, got bb22. The file was not kept.',
    );
    expect(shown('zh-CN', mismatch('upload'))).toBe(
      'Glance 存储的数据与此文件不同：其 sha512 为 aa11，文件的为 bb22。请删除镜像后重新上传。',
    );
  });

  test('a size mismatch formats the byte counts for the locale', () => {
    const mismatch = (transfer: 'download' | 'upload', actualBytes: number | null) =>
      reported('integrity', {
        reason: 'size-mismatch',
        transfer,
        expectedBytes: 1_048_576,
        actualBytes,
      });
    expect(shown('en', mismatch('download', 1000))).toBe(
      'The download has 1,000 bytes but the image has 1,048,576. The file was not kept.',
    );
    expect(shown('en', mismatch('upload', 1000))).toBe(
      'Glance stored 1,000 bytes but the file has 1,048,576. Delete the image and upload again.',
    );
    // An upload whose stored size Glance did not report.
    expect(shown('zh-CN', mismatch('upload', null))).toBe(
      'Glance 没有说明此文件的 1,048,576 字节存储了多少。请删除镜像后重新上传。',
    );
  });

  test('full, read-only and forbidden disks name the path', () => {
    const path = '/data/x.qcow2';
    expect(
      shown('zh-CN', reported('filesystem', { reason: 'disk-full', path, quota: false })),
    ).toBe('磁盘已满：没有足够空间存放 /data/x.qcow2。请释放空间或选择其他文件夹，然后重试。');
    expect(shown('en', reported('filesystem', { reason: 'disk-full', path, quota: true }))).toMatch(
      /quota.*\/data\/x\.qcow2/,
    );
    expect(shown('en', reported('filesystem', { reason: 'read-only', path }))).toBe(
      '/data/x.qcow2 is on a read-only disk. Choose another folder.',
    );
    expect(shown('en', reported('filesystem', { reason: 'no-permission', path }))).toMatch(
      /not allowed to use \/data/,
    );
    expect(
      shown('zh-CN', reported('filesystem', { reason: 'file-error', path, code: 'EMFILE' })),
    ).toBe('无法读写 /data/x.qcow2（EMFILE）。');
  });

  test('a download paused by a full disk or quota says how much space it needs', () => {
    const paused = (quota: boolean) =>
      reported('filesystem', {
        reason: 'disk-full',
        path: '/data/x.qcow2',
        quota,
        bytesNeeded: 1.5 * 1024 ** 3,
      });
    expect(shown('en', paused(false))).toBe(
      'The disk is full: /data/x.qcow2 needs 1.5 GB more. The download is paused and keeps what it has; free some space, then resume it.',
    );
    expect(shown('zh-CN', paused(false))).toBe(
      zhCN['error.diskFullPaused']
        .replace('{path}', '/data/x.qcow2')
        .replace('{size}', i18n.formatBytes(1.5 * 1024 ** 3)),
    );
    expect(shown('zh-CN', paused(true))).toMatch(/^磁盘配额已用完：.*还需要/);
    expect(shown('en', paused(true))).toMatch(/^Your disk quota .* 1\.5 GB more/);
  });

  test('more bytes than the image has, and a path outside the download folder', () => {
    const tooMany = reported('integrity', {
      reason: 'too-many-bytes',
      expectedBytes: 10 * 1024 ** 2,
    });
    expect(shown('en', tooMany)).toBe(
      'The cloud sent more data than the image’s size (10 MB), so the download was stopped and nothing was kept.',
    );
    expect(shown('zh-CN', tooMany)).toMatch(/^云端发送的数据超过了镜像的大小/);
    const outside = reported('validation', {
      reason: 'outside-folder',
      path: '/x',
      folder: '/data',
    });
    expect(shown('en', outside)).toBe(
      'The file would have been written outside the download folder /data, so nothing was written.',
    );
    expect(shown('zh-CN', outside)).toMatch(/下载文件夹 \/data 之外/);
  });

  test('a stall gives its seconds; giving up adds the retries to the last failure', () => {
    const stalled: ErrorDetails = { reason: 'stalled', seconds: 30 };
    expect(shown('en', reported('timeout', stalled))).toBe(
      'The transfer stalled: no data for 30 s.',
    );
    const gaveUp = (retries: number, last?: ErrorDetails) =>
      reported('timeout', { reason: 'gave-up', retries, ...(last ? { last } : {}) });
    expect(shown('en', gaveUp(1, stalled))).toBe(
      'The transfer stalled: no data for 30 s. Gave up after 1 retry.',
    );
    expect(shown('zh-CN', gaveUp(5, stalled))).toBe(
      '传输停滞：30 秒内没有收到数据。重试 5 次后放弃。',
    );
    // The last failure had no reason (a 500): its kind says it.
    expect(shown('en', { ...gaveUp(6), kind: 'server' })).toBe(
      `${en['error.server']} Gave up after 6 retries.`,
    );
  });

  test('an upload into an image that already has data names its status in the locale', () => {
    const exists = reported('conflict', { reason: 'data-exists', imageStatus: 'active' });
    expect(shown('zh-CN', exists)).toBe(
      '镜像已有数据（状态：正常）。Glance 只接受仍处于排队状态的镜像的数据；请新建一个镜像。',
    );
    expect(shown('en', reported('conflict', { reason: 'data-exists' }))).toBe(
      en['error.dataExists'],
    );
  });

  test('a failed upload says why and the state Glance left the image in', () => {
    const failed = (imageStatus?: string) =>
      reported('network', {
        reason: 'upload-failed',
        ...(imageStatus === undefined ? {} : { imageStatus }),
        cause: { reason: 'connection-dropped' },
      });
    expect(shown('en', failed('queued'))).toBe(
      'The connection to the cloud was dropped. The image is back in “queued”: you can retry the upload.',
    );
    expect(shown('zh-CN', failed('killed'))).toBe(
      `与云端的连接被中断。镜像现在的状态是“${zhCN['imageStatus.killed']}”。`,
    );
    expect(shown('en', failed())).toBe('The connection to the cloud was dropped.');
  });

  test('refused values name the form’s fields, and say which are missing', () => {
    const invalid = reported('validation', {
      reason: 'invalid-values',
      values: [
        { field: 'profile.userName', missing: true },
        { field: 'profile.projectDomainName', missing: true },
        { field: 'profile.color', missing: false },
        { field: 'pinnedFolders.0', missing: false },
        { field: 'somethingElse', missing: false },
      ],
    });
    expect(shown('en', invalid)).toBe(
      'Enter “User name” and “Project domain”. These values are not valid: “Colour”, “Pinned download folders”, and “somethingElse”.',
    );
    expect(shown('zh-CN', invalid)).toBe(
      `请填写“${zhCN['profile.userName']}”和“${zhCN['profile.projectDomain']}”。以下值无效：“${zhCN['profile.color']}”、“${zhCN['settings.pinned']}”和“somethingElse”。`,
    );
  });

  test('an error without a reason is said by its kind; a bug in the app as such', () => {
    i18n.setLocale('zh-CN');
    expect(i18n.errorText(new AppError({ kind: 'network' }).toJSON())).toBe(zhCN['error.network']);
    expect(i18n.errorText({ kind: 'server', message: 'Glance said 503.' })).toBe(
      zhCN['error.server'],
    );
    expect(i18n.errorText(new Error('plain'))).toBe(zhCN['error.unexpected']);
    i18n.setLocale('en');
    expect(i18n.errorText({ kind: 'unexpected', message: 'x' })).toBe(en['error.unexpected']);
  });
});

describe('Glance terms and units', () => {
  test('statuses and visibilities in both languages; unknown ones as the cloud sent them', () => {
    expect(statusLabel('en', 'pending_delete')).toBe('pending delete');
    expect(statusLabel('zh-CN', 'active')).toBe('正常');
    expect(statusLabel('zh-CN', 'queued')).toBe('排队中');
    expect(statusLabel('zh-CN', 'something_new')).toBe('something_new');
    expect(statusLabel('en', 'toString')).toBe('toString');
    expect(visibilityLabel('zh-CN', 'private')).toBe('私有');
    expect(visibilityLabel('en', 'community')).toBe('community');
    expect(visibilityLabel('zh-CN', 'all-of-them')).toBe('all-of-them');
  });

  test('min disk and RAM quantities and unit names come from Intl for the locale', () => {
    expect(formatQuantity('en', 20, 'gigabyte')).toBe('20 GB');
    expect(formatQuantity('en', 16384, 'megabyte')).toBe('16,384 MB');
    expect(formatQuantity('zh-CN', 16384, 'megabyte')).toBe(
      new Intl.NumberFormat('zh-CN', { style: 'unit', unit: 'megabyte' }).format(16384),
    );
    expect(unitName('en', 'gigabyte')).toBe('GB');
    expect(unitName('en', 'megabyte')).toBe('MB');
    expect(unitName('zh-CN', 'gigabyte')).not.toBe('');
  });

  test('every English key has a Chinese text', () => {
    const missing = Object.keys(en).filter((key) => !key.endsWith('#one') && !(key in zhCN));
    expect(missing).toEqual([]);
  });
});
