/**
 * Images for browse tests and benchmarks, on a running test bed.
 *
 * `seedImages` writes Glance's own tables directly (`via: 'sql'`, the default: thousands
 * of images per second) or goes through the REST API (`via: 'api'`, tens per second).
 * Both produce the same images, described by `seedImageSpec`, so tests know what to expect.
 * Seeded images stay in the (shared) bed: tests find theirs by the prefix, which is also a tag.
 */
import { spawn } from 'node:child_process';
import { createHash, randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { HELPER, PYTHON, projectToken } from './index';
import type { TestbedInfo, TestbedUser } from './types';

export interface SeedOptions {
  /** Names are `${prefix}-00000`, `${prefix}-00001`, …; every image is tagged with the prefix. */
  prefix: string;
  /** Parallel requests on the API path (default 4). */
  concurrency?: number;
  /** Give each image data (status active, size, checksums) instead of none (queued). */
  withData?: boolean;
  /** Owner of the images (default: the member user). */
  user?: TestbedUser;
  /** 'sql' (default) writes Glance's database and file store; 'api' uses the REST API. */
  via?: 'sql' | 'api';
}

export interface SeedImageSpec {
  name: string;
  disk_format: string;
  container_format: 'bare';
  visibility: 'private' | 'shared';
  min_disk: number;
  min_ram: number;
  tags: string[];
  /** Custom properties, Huawei IMS style among them. */
  properties: Record<string, string>;
  /** The data when `withData` (its length is `1024 + index`). */
  data: Buffer;
}

export interface SeededImage {
  id: string;
  name: string;
}

const DISK_FORMATS = ['qcow2', 'raw', 'iso', 'vmdk'];
const OS_VERSIONS = [
  'CentOS 7.9 64bit',
  'Ubuntu 22.04 server 64bit',
  'Windows Server 2019',
  'EulerOS 2.5',
];

/** The image `seedImages` makes at position `index` of a batch. */
export function seedImageSpec(prefix: string, index: number): SeedImageSpec {
  const name = `${prefix}-${String(index).padStart(5, '0')}`;
  return {
    name,
    disk_format: cycle(DISK_FORMATS, index),
    container_format: 'bare',
    visibility: index % 10 === 9 ? 'shared' : 'private',
    min_disk: index % 20,
    min_ram: (index % 4) * 512,
    tags: [prefix, index % 2 === 0 ? 'even' : 'odd'],
    properties: {
      __os_version: cycle(OS_VERSIONS, index),
      seed_index: String(index),
    },
    data: Buffer.alloc(1024 + index, `${name}\n`),
  };
}

export async function seedImages(
  bed: TestbedInfo,
  count: number,
  options: SeedOptions,
): Promise<SeededImage[]> {
  const specs = Array.from({ length: count }, (_, i) => seedImageSpec(options.prefix, i));
  const user = options.user ?? bed.member;
  return options.via === 'api'
    ? seedViaApi(bed, user, specs, options)
    : seedViaSql(bed, user, specs, options.withData ?? false);
}

async function seedViaApi(
  bed: TestbedInfo,
  user: TestbedUser,
  specs: SeedImageSpec[],
  options: SeedOptions,
): Promise<SeededImage[]> {
  const token = await projectToken(bed.authUrl, user);
  const seeded: SeededImage[] = new Array(specs.length);
  const queue = specs.entries(); // shared by the workers: each takes the next spec
  const worker = async () => {
    for (const [index, spec] of queue) {
      const image = await createImage(bed, token, createFields(spec));
      if (options.withData) await putData(bed, token, image.id, Readable.from([spec.data]));
      seeded[index] = { id: image.id, name: spec.name };
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return seeded;
}

/**
 * Inserts the rows Glance itself writes for an image (images, image_properties,
 * image_tags and, with data, image_locations plus the file in the store), in one
 * transaction. Glance reads them like any other image.
 */
async function seedViaSql(
  bed: TestbedInfo,
  user: TestbedUser,
  specs: SeedImageSpec[],
  withData: boolean,
): Promise<SeededImage[]> {
  const images: unknown[][] = [];
  const properties: unknown[][] = [];
  const tags: unknown[][] = [];
  const locations: unknown[][] = [];
  const start = Date.now();
  const seeded = await Promise.all(
    specs.map(async (spec, index) => {
      const id = randomUUID();
      // Distinct creation times, a millisecond apart, so sorting by them is well defined.
      const at = sqlTime(new Date(start - (specs.length - index)));
      let data: [number, string, string, string] | [null, null, null, null] = [
        null,
        null,
        null,
        null,
      ];
      if (withData) {
        const file = join(bed.glanceStoreDir, id);
        await writeFile(file, spec.data);
        data = [spec.data.length, hash('md5', spec.data), 'sha512', hash('sha512', spec.data)];
        locations.push([id, `file://${file}`, at, at, '{"store": "local"}']);
      }
      const [size, checksum, hashAlgo, hashValue] = data;
      images.push([
        id,
        spec.name,
        size,
        withData ? 'active' : 'queued',
        at,
        at,
        spec.disk_format,
        spec.container_format,
        checksum,
        user.projectId,
        spec.min_disk,
        spec.min_ram,
        spec.visibility,
        hashAlgo,
        hashValue,
      ]);
      for (const [name, value] of Object.entries(spec.properties))
        properties.push([id, name, value, at, at]);
      for (const tag of spec.tags) tags.push([id, tag, at, at]);
      return { id, name: spec.name };
    }),
  );
  await runSql(bed.glanceDatabase, [
    [
      `INSERT INTO images (id, name, size, status, created_at, updated_at, deleted, disk_format,
        container_format, checksum, owner, min_disk, min_ram, protected, visibility, os_hidden,
        os_hash_algo, os_hash_value) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?)`,
      images,
    ],
    [
      `INSERT INTO image_properties (image_id, name, value, created_at, updated_at, deleted)
        VALUES (?, ?, ?, ?, ?, 0)`,
      properties,
    ],
    [
      `INSERT INTO image_tags (image_id, value, created_at, updated_at, deleted) VALUES (?, ?, ?, ?, 0)`,
      tags,
    ],
    [
      `INSERT INTO image_locations (image_id, value, created_at, updated_at, deleted, meta_data, status)
        VALUES (?, ?, ?, ?, 0, ?, 'active')`,
      locations,
    ],
  ]);
  return seeded;
}

function runSql(db: string, script: [string, unknown[][]][]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [HELPER, 'sql', db], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`Seeding Glance's database failed: ${stderr.slice(-2000)}`)),
    );
    child.stdin.end(JSON.stringify(script));
  });
}

export interface UploadOptions {
  name: string;
  /** The data: these bytes, `size` random bytes, or the content of `file`. */
  bytes?: Uint8Array;
  size?: number;
  file?: string;
  disk_format?: string;
  container_format?: string;
  /** More fields for the create call (visibility, protected, tags, custom properties…). */
  fields?: Record<string, unknown>;
}

/** Glance's view of an image, as far as the test bed's helpers need it. */
export interface GlanceImage {
  id: string;
  name: string;
  status: string;
  size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  [field: string]: unknown;
}

/**
 * Creates an image and uploads its data through the real API, as `user`; resolves to the
 * active image once Glance's checksums are known to match what was sent.
 */
export async function uploadImage(
  bed: TestbedInfo,
  user: TestbedUser,
  options: UploadOptions,
): Promise<GlanceImage> {
  const token = await projectToken(bed.authUrl, user);
  const image = await createImage(bed, token, {
    name: options.name,
    disk_format: options.disk_format ?? 'raw',
    container_format: options.container_format ?? 'bare',
    ...options.fields,
  });
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  const source = options.file
    ? createReadStream(options.file)
    : options.bytes
      ? Readable.from([options.bytes])
      : Readable.from(randomChunks(options.size ?? 0));
  const hashed = async function* () {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      sha512.update(chunk);
      yield chunk;
    }
  };
  await putData(bed, token, image.id, Readable.from(hashed()));
  const stored = await glanceJson<GlanceImage>(bed, token, 'GET', `/v2/images/${image.id}`);
  if (stored.checksum !== md5.digest('hex') || stored.os_hash_value !== sha512.digest('hex')) {
    throw new Error(`Glance's checksums for image ${image.id} do not match the data sent`);
  }
  return stored;
}

/** Writes `size` random bytes to `path`; resolves to their md5 and sha512 (hex). */
export async function createRandomFile(
  path: string,
  size: number,
): Promise<{ md5: string; sha512: string }> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  const file = await open(path, 'w');
  try {
    for (const chunk of randomChunks(size)) {
      md5.update(chunk);
      sha512.update(chunk);
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
  return { md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}

function* randomChunks(size: number): Generator<Buffer> {
  const chunkSize = 1 << 20;
  for (let left = size; left > 0; left -= chunkSize) {
    yield randomFillSync(Buffer.allocUnsafe(Math.min(chunkSize, left)));
  }
}

function hash(algorithm: 'md5' | 'sha512', data: Buffer): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** What the create call gets for a seed spec: core fields and custom properties side by side. */
function createFields(spec: SeedImageSpec): Record<string, unknown> {
  const { name, disk_format, container_format, visibility, min_disk, min_ram, tags } = spec;
  return {
    name,
    disk_format,
    container_format,
    visibility,
    min_disk,
    min_ram,
    tags,
    ...spec.properties,
  };
}

function cycle<T>(list: readonly T[], index: number): T {
  return list[index % list.length] as T;
}

/** Glance's own format for timestamps in SQLite (UTC, microseconds). */
function sqlTime(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}000`;
}

async function createImage(
  bed: TestbedInfo,
  token: string,
  fields: Record<string, unknown>,
): Promise<GlanceImage> {
  return glanceJson<GlanceImage>(bed, token, 'POST', '/v2/images', fields);
}

async function putData(bed: TestbedInfo, token: string, id: string, body: Readable): Promise<void> {
  const response = await request(`${bed.glanceUrl}/v2/images/${id}/file`, {
    method: 'PUT',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 204) {
    throw new Error(`Glance answered ${response.statusCode} to an upload: ${text.slice(0, 300)}`);
  }
}

async function glanceJson<T>(
  bed: TestbedInfo,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${bed.glanceUrl}${path}`, {
    method,
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `Glance answered ${response.status} to ${method} ${path}: ${text.slice(0, 300)}`,
    );
  return JSON.parse(text) as T;
}
