// The seeding helpers against the real Glance: what they write is what Glance lists and serves.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectToken } from '../testbed/index';
import {
  createRandomFile,
  seedImageSpec,
  seedImages,
  uploadImage,
  type GlanceImage,
  type SeededImage,
} from '../testbed/seed';
import type { TestbedUser } from '../testbed/types';

const bed = inject('testbed');
const run = randomUUID().slice(0, 8);

const tokens = new Map<TestbedUser, Promise<string>>();
async function get(user: TestbedUser, path: string): Promise<Response> {
  const token = tokens.get(user) ?? projectToken(bed.authUrl, user);
  tokens.set(user, token);
  return fetch(`${bed.glanceUrl}${path}`, { headers: { 'X-Auth-Token': await token } });
}

/** Every image a user sees with this tag, following `next` to the end. */
async function listTagged(user: TestbedUser, tag: string, query = ''): Promise<GlanceImage[]> {
  const images: GlanceImage[] = [];
  let path: string | undefined = `/v2/images?tag=${tag}&limit=100${query}`;
  while (path) {
    const response = await get(user, path);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { images: GlanceImage[]; next?: string };
    images.push(...page.images);
    path = page.next;
  }
  return images;
}

/** The fields a seeded image must show, whichever way it was made. */
function expected(prefix: string, index: number) {
  const spec = seedImageSpec(prefix, index);
  return {
    name: spec.name,
    disk_format: spec.disk_format,
    container_format: spec.container_format,
    visibility: spec.visibility,
    min_disk: spec.min_disk,
    min_ram: spec.min_ram,
    tags: expect.arrayContaining(spec.tags) as unknown,
    ...spec.properties,
  };
}

describe('seedImages via SQL', () => {
  const prefix = `seedsql-${run}`;
  let seeded: SeededImage[];
  beforeAll(async () => {
    seeded = await seedImages(bed, 250, { prefix });
  });

  it('makes images that Glance lists, pages through and filters like its own', async () => {
    const listed = await listTagged(bed.member, prefix, '&sort=name:asc');
    expect(listed.map((image) => image.id)).toEqual(seeded.map((image) => image.id));
    for (const index of [0, 1, 9, 123, 249]) {
      expect(listed[index]).toMatchObject({
        ...expected(prefix, index),
        status: 'queued',
        size: null,
        owner: bed.member.projectId,
      });
      expect(listed[index]?.tags).toHaveLength(2);
    }
    const iso = await listTagged(bed.member, prefix, '&disk_format=iso');
    expect(iso).toHaveLength(62); // indexes 2, 6, …, 246
    const odd = await listTagged(
      bed.member,
      'odd',
      `&name=in:${seeded[1]?.name},${seeded[2]?.name}`,
    );
    expect(odd.map((image) => image.name)).toEqual([seeded[1]?.name]);
  });

  it('sorts by creation time in seeding order', async () => {
    const newestFirst = await listTagged(bed.member, prefix, '&sort=created_at:desc');
    expect(newestFirst.map((image) => image.id)).toEqual(seeded.map((image) => image.id).reverse());
  });

  it('owns the images by the project of the user given, hidden from other projects', async () => {
    const tag = `seedsql-admin-${run}`;
    const [image] = await seedImages(bed, 1, { prefix: tag, user: bed.admin });
    expect((await get(bed.member, `/v2/images/${image?.id}`)).status).toBe(404);
    expect(await listTagged(bed.member, tag)).toEqual([]);
    expect(
      ((await (await get(bed.admin, `/v2/images/${image?.id}`)).json()) as GlanceImage).owner,
    ).toBe(bed.admin.projectId);
  });

  it('with data: active images whose file Glance serves, checksums included', async () => {
    const dataPrefix = `seedsqldata-${run}`;
    const images = await seedImages(bed, 12, { prefix: dataPrefix, withData: true });
    const listed = await listTagged(bed.member, dataPrefix, '&sort=name:asc');
    expect(listed).toHaveLength(12);
    const spec = seedImageSpec(dataPrefix, 11);
    expect(listed[11]).toMatchObject({
      status: 'active',
      size: spec.data.length,
      os_hash_algo: 'sha512',
    });
    const download = await get(bed.member, `/v2/images/${images[11]?.id}/file`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-md5')).toBe(listed[11]?.checksum);
    expect(Buffer.from(await download.arrayBuffer()).equals(spec.data)).toBe(true);
  });
});

describe('seedImages via the API', () => {
  it('makes the same images as the SQL path, with data when asked', async () => {
    const prefix = `seedapi-${run}`;
    const seeded = await seedImages(bed, 6, { prefix, via: 'api', withData: true, concurrency: 3 });
    const listed = await listTagged(bed.member, prefix, '&sort=name:asc');
    expect(listed.map((image) => image.id)).toEqual(seeded.map((image) => image.id));
    for (const [index, image] of listed.entries()) {
      expect(image).toMatchObject({
        ...expected(prefix, index),
        status: 'active',
        size: seedImageSpec(prefix, index).data.length,
      });
    }
  });
});

describe('uploadImage and createRandomFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glance-desk-seed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads a file through the API and returns the active image with matching checksums', async () => {
    const file = join(dir, 'disk.raw');
    const hashes = await createRandomFile(file, 3 * 1024 * 1024 + 17);
    const image = await uploadImage(bed, bed.member, { name: `upload-${run}`, file });
    expect(image).toMatchObject({
      status: 'active',
      size: 3 * 1024 * 1024 + 17,
      checksum: hashes.md5,
      os_hash_value: hashes.sha512,
      owner: bed.member.projectId,
    });
  });

  it('uploads bytes or random data with extra fields, as the user given', async () => {
    const bytes = await uploadImage(bed, bed.admin, {
      name: `public-${run}`,
      bytes: Buffer.from('small image'),
      disk_format: 'qcow2',
      fields: { visibility: 'public', tags: [run], __os_version: 'EulerOS 2.5' },
    });
    expect(bytes).toMatchObject({
      visibility: 'public',
      size: 11,
      disk_format: 'qcow2',
      __os_version: 'EulerOS 2.5',
    });
    expect((await get(bed.member, `/v2/images/${bytes.id}`)).status).toBe(200);
    const random = await uploadImage(bed, bed.member, { name: `random-${run}`, size: 100_000 });
    expect(random).toMatchObject({ status: 'active', size: 100_000 });
  });

  it("fails with Glance's answer when the image cannot be created", async () => {
    await expect(
      uploadImage(bed, bed.member, {
        name: `bad-${run}`,
        bytes: Buffer.from('x'),
        disk_format: 'floppy',
      }),
    ).rejects.toThrow(/Glance answered 400 to POST \/v2\/images/);
  });
});
