import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { ImageCreate, Image } from '../../../common/image';
import { GlanceClient } from '../../../main/openstack/glance';
import { OpenStackSession } from '../../../main/openstack/keystone';
import { imageDataFor, type ImageData } from '../../../main/transfers/image-data';
import type { TestbedInfo, TestbedUser } from '../../testbed/types';

export const MiB = 1024 * 1024;

/** A session for a test-bed user; with `imageEndpoint`, Glance calls go there (the fault proxy). */
export function sessionFor(
  bed: TestbedInfo,
  user: TestbedUser,
  imageEndpoint?: string,
): OpenStackSession {
  return new OpenStackSession({
    authUrl: bed.authUrl,
    auth: {
      method: 'password',
      user: { id: user.userId },
      password: user.password,
      project: { id: user.projectId },
    },
    region: bed.region,
    interface: 'public',
    ...(imageEndpoint === undefined ? {} : { imageEndpoint }),
  });
}

export function dataFor(bed: TestbedInfo, user: TestbedUser, imageEndpoint?: string): ImageData {
  return imageDataFor(sessionFor(bed, user, imageEndpoint));
}

export interface RandomFile {
  path: string;
  size: number;
  sha512: string;
  md5: string;
}

/** A file of `size` random bytes, written in 4 MiB blocks, with its hashes. */
export async function randomFile(path: string, size: number): Promise<RandomFile> {
  const sha512 = createHash('sha512');
  const md5 = createHash('md5');
  const handle = await open(path, 'w');
  try {
    const block = Buffer.alloc(4 * MiB);
    for (let written = 0; written < size;) {
      const chunk = block.subarray(0, Math.min(block.length, size - written));
      randomFillSync(chunk);
      sha512.update(chunk);
      md5.update(chunk);
      await handle.write(chunk, 0, chunk.length, written);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return { path, size, sha512: sha512.digest('hex'), md5: md5.digest('hex') };
}

export async function sha512Of(path: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(
    createReadStream(path, { highWaterMark: 4 * MiB }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback();
      },
    }),
  );
  return hash.digest('hex');
}

/** Creates an image and uploads `file` into it with the real Glance client (no engine). */
export async function imageWithData(
  glance: GlanceClient,
  file: RandomFile,
  fields: ImageCreate,
): Promise<Image> {
  const image = await glance.createImage({
    disk_format: 'raw',
    container_format: 'bare',
    ...fields,
  });
  await glance.uploadData(image.id, createReadStream(file.path), { size: file.size });
  return glance.getImage(image.id);
}
