// The upload engine against the real Glance, through the fault proxy: data that arrives
// corrupted is caught by comparing our hashes with the ones Glance computed.
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { isAppError } from '../../../common/errors';
import { uploadImage } from '../../../main/transfers/upload';
import { MiB, randomFile, useProxiedImage } from './helpers';

const bed = inject('testbed');
const uploadRequest = /^PUT \/v2\/images\/[^/]+\/file$/;
const fixture = useProxiedImage(bed, MiB, { name: 'uploads test', disk_format: 'raw' });
const ignore = () => undefined;

describe('upload verification', () => {
  it('reports data Glance stored differently, naming the strongest hash', async () => {
    const file = await randomFile(join(fixture.work, 'flipped.bin'), 3 * MiB);
    fixture.proxy.addRule({ match: uploadRequest, fault: { kind: 'flip-upload', atByte: MiB } });
    let createdId = '';
    const failure = await uploadImage(
      fixture.viaProxy,
      {
        sourcePath: file.path,
        imageId: null,
        create: { name: 'arrives flipped', disk_format: 'raw', container_format: 'bare' },
      },
      {
        signal: new AbortController().signal,
        onProgress: ignore,
        onVerifying: ignore,
        onPlan: (plan) => {
          createdId = plan.imageId ?? '';
          fixture.track(createdId);
        },
      },
    ).catch((error: unknown) => error);

    expect(isAppError(failure) && failure.toJSON()).toMatchObject({
      kind: 'integrity',
      details: { algorithm: 'sha512', actual: file.sha512 },
    });
    const stored = await fixture.adminGlance.getImage(createdId);
    expect(stored.os_hash_value).not.toBe(file.sha512);
    expect(failure).toHaveProperty(
      'message',
      `Glance stored different data for “arrives flipped” than this file: its sha512 is ${stored.os_hash_value}, the file's is ${file.sha512}. Delete the image and upload again.`,
    );
  });
});
