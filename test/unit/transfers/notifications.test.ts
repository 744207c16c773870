// Desktop notifications follow the queue's change events: once per finished or failed
// transfer that took long enough, never for short ones or intermediate states. The policy
// gives a code and its facts; notificationText words them in the app's language.
import { describe, expect, it, vi } from 'vitest';
import type { Transfer, TransferProgressEvent } from '../../../common/transfer';
import { wordsFor, type UiLocale } from '../../../main/i18n';
import {
  notificationText,
  notifyWhenLongTransfersEnd,
  type TransferNotification,
} from '../../../main/transfers/notifications';

function transfer(overrides: Partial<Transfer>): Transfer {
  return {
    id: 't-1',
    kind: 'download',
    profileId: 'p',
    imageId: 'i',
    imageName: 'ubuntu-24.04',
    folder: '/home/me/images',
    path: '/home/me/images/ubuntu-24.04.qcow2',
    state: 'running',
    bytesDone: 0,
    bytesTotal: 100,
    rate: 0,
    etaSeconds: null,
    attempts: 1,
    createdAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

function setUp(afterMs: number) {
  let emit: (event: TransferProgressEvent) => void = () => undefined;
  const unsubscribe = vi.fn();
  const queue = {
    onChange: (listener: (event: TransferProgressEvent) => void) => {
      emit = listener;
      return unsubscribe;
    },
  };
  const notified: TransferNotification[] = [];
  const stop = notifyWhenLongTransfersEnd(queue, (n) => notified.push(n), afterMs);
  const words = (locale: UiLocale = 'en') =>
    notified.map((notification) => notificationText(notification, wordsFor(locale)));
  return {
    emit: (...transfers: Transfer[]) => emit({ transfers, removed: [] }),
    notified,
    words,
    stop,
    unsubscribe,
  };
}

const after = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, seconds)).toISOString();

describe('notifications for long transfers', () => {
  it('notifies once when a long download finishes, naming the folder and the check', () => {
    const { emit, notified, words } = setUp(10_000);
    emit(transfer({ state: 'running' }), transfer({ id: 't-2', state: 'verifying' }));
    expect(notified).toEqual([]);
    const done = transfer({
      state: 'done',
      finishedAt: after(30),
      verification: { algorithm: 'sha512', expected: 'a', actual: 'a', ok: true },
    });
    emit(done);
    emit(done);
    expect(notified).toEqual([
      {
        code: 'download-done',
        imageName: 'ubuntu-24.04',
        folder: '/home/me/images',
        verifiedWith: 'sha512',
      },
    ]);
    expect(words('en')).toEqual([
      {
        title: 'Download finished',
        body: '“ubuntu-24.04” was saved to /home/me/images and verified (sha512).',
      },
    ]);
    expect(words('zh-CN')).toEqual([
      { title: '下载完成', body: '“ubuntu-24.04”已保存到 /home/me/images，校验通过（sha512）。' },
    ]);
  });

  it('says why a transfer failed in the app’s language, never main’s English message', () => {
    const { emit, notified, words } = setUp(10_000);
    const error = {
      kind: 'integrity' as const,
      message: 'sha512 mismatch (logged only)',
      details: {
        reason: 'hash-mismatch' as const,
        transfer: 'upload' as const,
        algorithm: 'sha512',
        expected: 'abc',
        actual: 'def',
      },
    };
    emit(transfer({ kind: 'upload', state: 'failed', finishedAt: after(12), error }));
    expect(notified).toEqual([{ code: 'upload-failed', imageName: 'ubuntu-24.04', error }]);
    const [english] = words('en');
    expect(english?.title).toBe('Upload failed');
    expect(english?.body).toMatch(/^“ubuntu-24\.04”: .*sha512.*abc.*def/);
    const [chinese] = words('zh-CN');
    expect(chinese?.title).toBe('上传失败');
    expect(chinese?.body).toMatch(/^“ubuntu-24\.04”：.*sha512.*abc.*def/);
    for (const said of [english, chinese]) expect(said?.body).not.toContain('logged only');
  });

  it('says that a copy to another cloud finished, verified, or failed and why', () => {
    const { emit, notified, words } = setUp(10_000);
    const verification = { algorithm: 'sha512', expected: 'a', actual: 'a', ok: true };
    const error = {
      kind: 'network' as const,
      message: 'cut',
      details: { reason: 'connection-dropped' as const },
    };
    emit(transfer({ kind: 'copy', state: 'done', finishedAt: after(30), verification }));
    emit(transfer({ id: 't-2', kind: 'copy', state: 'failed', finishedAt: after(40), error }));
    expect(notified).toEqual([
      { code: 'copy-done', imageName: 'ubuntu-24.04', verifiedWith: 'sha512' },
      { code: 'copy-failed', imageName: 'ubuntu-24.04', error },
    ]);
    expect(words('en').map((said) => said.title)).toEqual(['Copy finished', 'Copy failed']);
    expect(words('en')[0]?.body).toBe(
      '“ubuntu-24.04” was copied to the other cloud and verified at both ends (sha512).',
    );
    expect(words('zh-CN').map((said) => said.title)).toEqual(['复制完成', '复制失败']);
  });

  it('says that an import finished or failed in import words, naming the method', () => {
    const { emit, notified, words } = setUp(10_000);
    const imported = { method: 'web-download' as const, stores: [], importing: [], failed: [] };
    const verification = { algorithm: 'sha512', expected: 'a', actual: 'a', ok: true };
    const error = {
      kind: 'server' as const,
      message: 'import failed (logged only)',
      details: {
        reason: 'import-failed' as const,
        method: 'web-download' as const,
        failed: ['local'],
        imageStatus: 'queued',
        taskMessage: 'Task failed due to Internal Error',
      },
    };
    emit(transfer({ kind: 'import', state: 'done', finishedAt: after(30), import: imported }));
    emit(
      transfer({
        id: 't-2',
        kind: 'import',
        state: 'done',
        finishedAt: after(30),
        verification,
        import: { ...imported, method: 'glance-direct' },
      }),
    );
    emit(
      transfer({
        id: 't-3',
        kind: 'import',
        state: 'failed',
        finishedAt: after(40),
        error,
        import: imported,
      }),
    );
    expect(notified).toEqual([
      { code: 'import-done', imageName: 'ubuntu-24.04', method: 'web-download' },
      {
        code: 'import-done',
        imageName: 'ubuntu-24.04',
        method: 'glance-direct',
        verifiedWith: 'sha512',
      },
      { code: 'import-failed', imageName: 'ubuntu-24.04', error },
    ]);
    expect(words('en')).toEqual([
      {
        title: 'Import finished',
        body: '“ubuntu-24.04” was imported (web-download): its data is in the cloud.',
      },
      {
        title: 'Import finished',
        body: '“ubuntu-24.04” was imported (glance-direct) and verified (sha512).',
      },
      {
        title: 'Import failed',
        body: expect.stringContaining('Task failed due to Internal Error') as string,
      },
    ]);
    expect(words('zh-CN').map(({ title }) => title)).toEqual(['导入完成', '导入完成', '导入失败']);
    expect(words('zh-CN')[0]?.body).toBe('“ubuntu-24.04”已导入（web-download），数据已在云中。');
    for (const said of [...words('en'), ...words('zh-CN')]) {
      expect(said.title).not.toMatch(/Upload|上传/);
      expect(said.body).not.toContain('logged only');
    }
  });

  it('stays quiet for short transfers and cancellations', () => {
    const { emit, notified } = setUp(10_000);
    emit(transfer({ state: 'done', finishedAt: after(3) }));
    emit(transfer({ id: 't-2', state: 'cancelled', finishedAt: after(60) }));
    expect(notified).toEqual([]);
  });

  it('notifies again when a retried transfer ends again', () => {
    const { emit, words } = setUp(0);
    emit(
      transfer({ state: 'failed', finishedAt: after(20), error: { kind: 'server', message: 'x' } }),
    );
    emit(transfer({ state: 'done', finishedAt: after(40) }));
    expect(words().map(({ title }) => title)).toEqual(['Download failed', 'Download finished']);
    expect(words('zh-CN').map(({ title }) => title)).toEqual(['下载失败', '下载完成']);
  });

  it('names the image by id when it has no name, and says nothing of a check that failed', () => {
    const { emit, notified, words } = setUp(0);
    emit(
      transfer({
        kind: 'upload',
        imageName: '',
        state: 'done',
        finishedAt: after(5),
        verification: { algorithm: 'md5', expected: 'a', actual: 'b', ok: false },
      }),
      transfer({ id: 't-2', state: 'failed', finishedAt: after(6) }),
    );
    expect(notified).toEqual([
      { code: 'upload-done', imageName: 'i' },
      { code: 'download-failed', imageName: 'ubuntu-24.04' },
    ]);
    expect(words()).toEqual([
      { title: 'Upload finished', body: '“i” was uploaded.' },
      {
        title: 'Download failed',
        body: '“ubuntu-24.04”: Something went wrong inside Glance Desk.',
      },
    ]);
    expect(words('zh-CN')).toEqual([
      { title: '上传完成', body: '“i”已上传。' },
      { title: '下载失败', body: `“ubuntu-24.04”：${wordsFor('zh-CN').say('error.unexpected')}` },
    ]);
  });

  it('returns the unsubscribe of the queue', () => {
    const { stop, unsubscribe } = setUp(0);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});
