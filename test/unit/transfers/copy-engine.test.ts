// The copy engine (main/transfers/copy.ts) between two in-memory clouds: the bandwidth
// limits it honours, and bad source bytes that never complete the upload. The byte paths
// on the wire (cuts, restarts, resumes) are tested against the real Glances in
// test/integration/transfers/copies.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { copyImage, type CopyOptions, type CopyPlan } from '../../../main/transfers/copy';
import { BandwidthLimit } from '../../../main/transfers/token-bucket';
import { FakeImageData } from './fake-image-data';

function options(overrides: Partial<CopyOptions> = {}): CopyOptions {
  return {
    signal: new AbortController().signal,
    policy: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    stallTimeoutMs: 60_000,
    onProgress: () => undefined,
    onRetry: () => undefined,
    onUploadRestart: () => undefined,
    onLocalCopyLost: () => undefined,
    onVerifying: () => undefined,
    onPlan: () => undefined,
    ...overrides,
  };
}

function plan(sourceImageId: string): CopyPlan {
  return {
    sourceImageId,
    create: { name: 'copy', disk_format: 'raw', container_format: 'bare' },
    protect: false,
    targetImageId: null,
    expected: null,
    localCopy: null,
  };
}

describe('the copy engine', () => {
  it('counts every byte against both the download and the upload limit', async () => {
    const source = new FakeImageData();
    const target = new FakeImageData();
    const image = source.addImage('ubuntu', 3 * 1024 * 1024 + 17);
    const limits = { download: new BandwidthLimit(), upload: new BandwidthLimit() };
    const down = vi.spyOn(limits.download, 'take');
    const up = vi.spyOn(limits.upload, 'take');
    const result = await copyImage(source, target, plan(image.id), options({ limits }));
    expect(result.verification?.ok).toBe(true);
    const sum = (spy: typeof down) => spy.mock.calls.reduce((total, [bytes]) => total + bytes, 0);
    expect(sum(down)).toBe(image.size);
    expect(sum(up)).toBe(image.size);
  });

  it('never completes the upload of bytes that do not match the source, and deletes the image', async () => {
    const source = new FakeImageData();
    const target = new FakeImageData();
    const image = source.addImage('ubuntu', 300_000, 'wrong');
    let created = '';
    await expect(
      copyImage(
        source,
        target,
        plan(image.id),
        options({ onPlan: (changed) => (created = changed.targetImageId ?? created) }),
      ),
    ).rejects.toMatchObject({
      kind: 'integrity',
      details: { reason: 'copy-mismatch', side: 'source', targetDeleted: true },
    });
    expect(created).not.toBe('');
    expect(target.deleted).toEqual([created]);
    expect(target.images.size).toBe(0);
  });
});
