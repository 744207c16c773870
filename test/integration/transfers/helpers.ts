import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { OpenStackSession } from '../../../main/openstack/keystone';
import { imageDataFor, type ImageData } from '../../../main/transfers/image-data';
import type { Image } from '../../../common/image';
import { GlanceClient } from '../../../main/openstack/glance';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
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

/** What a transfer test file works on; filled in by the hooks `useProxiedImage` registers. */
export interface ProxiedImage {
  /** A temporary folder for the whole file (removed at the end). */
  work: string;
  /** The random file the image holds. */
  source: RandomFile;
  /** An admin's image with `source` as its data. */
  image: Image;
  adminGlance: GlanceClient;
  /** A fault proxy in front of Glance; its rules and request log are cleared before each test. */
  proxy: FaultProxy;
  /** The admin's image data calls, through `proxy`. */
  viaProxy: ImageData;
  /** A new empty folder under `work` for each test. */
  folder: string;
  /** Deletes the image `id` at the end of the file, too. */
  track(id: string): void;
}

/**
 * Registers the hooks every transfer test file needs: before all, a random file of `size`
 * bytes uploaded as an admin's image (`image` names it) and a fault proxy in front of
 * Glance; before each, a fresh folder and a clean proxy; after all, the images deleted, the
 * proxy closed and the work folder removed. Read the fields inside tests and hooks only.
 */
export function useProxiedImage(
  bed: TestbedInfo,
  size: number,
  image: { name: string; disk_format: string },
): ProxiedImage {
  const created: string[] = [];
  const fixture = { track: (id: string) => void created.push(id) } as ProxiedImage;
  beforeAll(async () => {
    fixture.work = await mkdtemp(join(tmpdir(), 'transfers-'));
    fixture.source = await randomFile(join(fixture.work, 'source.bin'), size);
    fixture.adminGlance = new GlanceClient(sessionFor(bed, bed.admin));
    fixture.image = await imageWithData(bed, fixture.adminGlance, fixture.source, image);
    created.push(fixture.image.id);
    fixture.proxy = await startFaultProxy(bed.glanceUrl);
    fixture.viaProxy = dataFor(bed, bed.admin, fixture.proxy.url);
  });
  afterAll(async () => {
    await fixture.proxy?.close();
    for (const id of created) await fixture.adminGlance?.deleteImage(id).catch(() => undefined);
    if (fixture.work !== undefined) await rm(fixture.work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fixture.folder = await mkdtemp(join(fixture.work, 'folder-'));
    fixture.proxy.clearRules();
    fixture.proxy.requests.length = 0;
  });
  return fixture;
}
