import { beforeAll, describe, expect, test } from 'vitest';
import { AppError, type AppErrorData } from '../../../common/errors';
import { en } from '../../../renderer/src/i18n/en';
import * as i18n from '../../../renderer/src/i18n/index.svelte';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

type Locale = Parameters<typeof i18n.setLocale>[0];

beforeAll(() => {
  (globalThis as unknown as Record<string, unknown>).document = { documentElement: {} };
});

/** What the UI shows for `error` in `locale`, or undefined when that is main's own message. */
function knownErrorMessage(
  locale: Locale,
  error: AppErrorData,
  context?: i18n.ErrorContext,
): string | undefined {
  i18n.setLocale(locale);
  const shown = i18n.errorText(error, context);
  return shown === error.message ? undefined : shown;
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

// The errors as main builds them (main/transfers/*.ts), with main's English message.
const noData = new AppError({
  kind: 'conflict',
  message: '“x” has no data to download (status: queued). Upload its data first.',
  details: { reason: 'no-data' },
}).toJSON();
const hashMismatch: AppErrorData = {
  kind: 'integrity',
  message: 'The data of “x” does not match its sha512 …',
  details: { algorithm: 'sha512', expected: 'aa11', actual: 'bb22' },
};
const fsError = (code: string): AppErrorData => ({
  kind: 'filesystem',
  message: `main's words for ${code}`,
  details: { code, path: '/data/x.qcow2' },
});

describe('known errors', () => {
  test('no data to download, in both languages', () => {
    expect(knownErrorMessage('en', noData)).toBe(en['error.noData']);
    expect(knownErrorMessage('zh-CN', noData)).toBe(zhCN['error.noData']);
  });

  test('a deactivated image, marked by reason or by the status main saw', () => {
    const marks: Record<string, string>[] = [
      { reason: 'deactivated' },
      { imageStatus: 'deactivated' },
    ];
    for (const details of marks) {
      const error: AppErrorData = { kind: 'forbidden', message: 'x', details };
      expect(knownErrorMessage('zh-CN', error)).toBe(zhCN['error.deactivated']);
    }
    // Forbidden for another reason: main's message stays.
    expect(knownErrorMessage('en', { kind: 'forbidden', message: 'x' })).toBeUndefined();
  });

  test('a hash mismatch names the hashes, worded for a download or an upload', () => {
    expect(knownErrorMessage('en', hashMismatch, { transfer: 'download' })).toBe(
      'The downloaded data does not match its sha512: expected aa11, got bb22. The file was not kept.',
    );
    expect(knownErrorMessage('zh-CN', hashMismatch, { transfer: 'upload' })).toBe(
      'Glance 存储的数据与此文件不同：其 sha512 为 aa11，文件的为 bb22。请删除镜像后重新上传。',
    );
    // Without knowing which way the data went, main's own message is the better one.
    expect(knownErrorMessage('en', hashMismatch)).toBeUndefined();
  });

  test('a size mismatch formats the byte counts for the locale', () => {
    const error: AppErrorData = {
      kind: 'integrity',
      message: 'x',
      details: { expectedBytes: 1_048_576, actualBytes: 1000 },
    };
    expect(knownErrorMessage('en', error, { transfer: 'download' })).toBe(
      'The download has 1,000 bytes but the image has 1,048,576. The file was not kept.',
    );
    expect(knownErrorMessage('en', error, { transfer: 'upload' })).toBe(
      'Glance stored 1,000 bytes but the file has 1,048,576. Delete the image and upload again.',
    );
    // An upload whose stored size Glance did not report (main sends -1).
    const unknown = { ...error, details: { expectedBytes: 10, actualBytes: -1 } };
    expect(knownErrorMessage('en', unknown, { transfer: 'upload' })).toBeUndefined();
  });

  test('full, read-only and forbidden disks name the path', () => {
    expect(knownErrorMessage('zh-CN', fsError('ENOSPC'))).toBe(
      '磁盘已满：没有足够空间存放 /data/x.qcow2。请释放空间或选择其他文件夹，然后重试。',
    );
    expect(knownErrorMessage('en', fsError('EDQUOT'))).toMatch(/quota.*\/data\/x\.qcow2/);
    expect(knownErrorMessage('en', fsError('EROFS'))).toBe(
      '/data/x.qcow2 is on a read-only disk. Choose another folder.',
    );
    expect(knownErrorMessage('en', fsError('EACCES'))).toMatch(/not allowed to use \/data/);
    expect(knownErrorMessage('en', fsError('EPERM'))).toBe(
      knownErrorMessage('en', fsError('EACCES')),
    );
    // Codes without an entry, or no path: main's message.
    expect(knownErrorMessage('en', fsError('EMFILE'))).toBeUndefined();
    expect(
      knownErrorMessage('en', { kind: 'filesystem', message: 'x', details: { code: 'ENOSPC' } }),
    ).toBeUndefined();
  });

  test('a download paused by a full disk or quota says how much space it needs', () => {
    const paused = (code: string): AppErrorData => ({
      ...fsError(code),
      details: { code, path: '/data/x.qcow2', bytesNeeded: 1.5 * 1024 ** 3 },
    });
    expect(knownErrorMessage('en', paused('ENOSPC'))).toBe(
      'The disk is full: /data/x.qcow2 needs 1.5 GB more. The download is paused and keeps what it has; free some space, then resume it.',
    );
    expect(knownErrorMessage('zh-CN', paused('ENOSPC'))).toBe(
      zhCN['error.diskFullPaused']
        .replace('{path}', '/data/x.qcow2')
        .replace('{size}', i18n.formatBytes(1.5 * 1024 ** 3)),
    );
    expect(knownErrorMessage('zh-CN', paused('EDQUOT'))).toMatch(/^磁盘配额已用完：.*还需要/);
    expect(knownErrorMessage('en', paused('EDQUOT'))).toMatch(/^Your disk quota .* 1\.5 GB more/);
  });

  test('more bytes than the image has, and a path outside the download folder', () => {
    const tooMany: AppErrorData = {
      kind: 'integrity',
      message: 'main',
      details: { reason: 'too-many-bytes', expectedBytes: 10 * 1024 ** 2 },
    };
    expect(knownErrorMessage('en', tooMany, { transfer: 'download' })).toBe(
      'The cloud sent more data than the image’s size (10 MB), so the download was stopped and nothing was kept.',
    );
    expect(knownErrorMessage('zh-CN', tooMany)).toMatch(/^云端发送的数据超过了镜像的大小/);
    const outside: AppErrorData = {
      kind: 'validation',
      message: 'main',
      details: { reason: 'outside-folder', path: '/x', folder: '/data' },
    };
    expect(knownErrorMessage('en', outside)).toBe(
      'The file would have been written outside the download folder /data, so nothing was written.',
    );
    expect(knownErrorMessage('zh-CN', outside)).toMatch(/下载文件夹 \/data 之外/);
    expect(knownErrorMessage('en', { ...outside, details: { reason: 'other' } })).toBeUndefined();
  });

  test('a stall gives its seconds, and the retries when main gave up', () => {
    const stalled: AppErrorData = {
      kind: 'timeout',
      message: 'x',
      details: { reason: 'stalled', seconds: 30 },
    };
    expect(knownErrorMessage('en', stalled)).toBe('The transfer stalled: no data for 30 s.');
    expect(
      knownErrorMessage('en', { ...stalled, details: { ...stalled.details, retries: 1 } }),
    ).toBe('The transfer stalled: no data for 30 s. Gave up after 1 retry.');
    expect(
      knownErrorMessage('zh-CN', { ...stalled, details: { ...stalled.details, retries: 5 } }),
    ).toBe('传输停滞：30 秒内没有收到数据。重试 5 次后放弃。');
    // A time-out without the stall's details (the cloud not answering): main's message.
    expect(knownErrorMessage('en', { kind: 'timeout', message: 'x' })).toBeUndefined();
  });

  test('an upload into an image that already has data names its status in the locale', () => {
    const error: AppErrorData = {
      kind: 'conflict',
      message: 'x',
      details: { imageStatus: 'active' },
    };
    expect(knownErrorMessage('zh-CN', error, { transfer: 'upload' })).toBe(
      '镜像已有数据（状态：正常）。Glance 只接受仍处于排队状态的镜像的数据；请新建一个镜像。',
    );
    // Back in queued (the upload can be retried): main's message says so.
    const queued = { ...error, details: { imageStatus: 'queued' } };
    expect(knownErrorMessage('en', queued, { transfer: 'upload' })).toBeUndefined();
  });

  test("anything else: main's own message, or the kind's default in the UI language", () => {
    i18n.setLocale('zh-CN');
    const network = new AppError({ kind: 'network' }).toJSON();
    expect(i18n.errorText(network)).toBe(zhCN['error.network']);
    const specific = { kind: 'server', message: 'Glance said 503.' } as const;
    expect(i18n.errorText(specific, { transfer: 'download' })).toBe('Glance said 503.');
    expect(i18n.errorText(new Error('plain'))).toBe('plain');
  });

  test('details of the wrong type are not trusted', () => {
    const error: AppErrorData = {
      kind: 'filesystem',
      message: 'x',
      details: { code: 'ENOSPC', path: 42 },
    };
    expect(knownErrorMessage('en', error)).toBeUndefined();
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
