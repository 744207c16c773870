import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { OpenStackSession } from '../../../main/openstack/keystone';
import { imageDataFor, type ImageData } from '../../../main/transfers/image-data';
import type { Image } from '../../../common/image';
import type { GlanceClient } from '../../../main/openstack/glance';
import { createRandomFile, uploadImage } from '../../testbed/seed';
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

/** A file of `size` random bytes (the test bed's helper), with its hashes. */
export async function randomFile(path: string, size: number): Promise<RandomFile> {
  return { path, size, ...(await createRandomFile(path, size)) };
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

/** An admin's image with the content of `file`, uploaded by the test bed's helper (not the engine). */
export async function imageWithData(
  bed: TestbedInfo,
  glance: GlanceClient,
  file: RandomFile,
  options: { name: string; disk_format?: string; fields?: Record<string, unknown> },
): Promise<Image> {
  const { id } = await uploadImage(bed, bed.admin, { ...options, file: file.path });
  return glance.getImage(id);
}
