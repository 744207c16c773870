// An in-memory ImageData for the queue's state-machine tests: images with their bytes, and
// switches that hold a download, an upload or its check where a test needs the transfer to
// stay in a state, or make it fail. The real Glance tests (test/integration/transfers)
// cover what the bytes do on the wire.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError } from '../../../common/errors';
import type { Image, ImageCreate, PatchOperation } from '../../../common/image';
import type { ImageData, ImageDownload } from '../../../main/transfers/image-data';

/** A promise the test settles by hand. */
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
}

/** What the next download of an image does after `afterBytes`: wait for a gate, or fail. */
type Fault = { afterBytes: number } & ({ gate: Gate } | { error: Error });

const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

function imageRecord(fields: Partial<Image>): Image {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    name: null,
    status: 'queued',
    visibility: 'private',
    protected: false,
    os_hidden: false,
    tags: [],
    disk_format: 'raw',
    container_format: 'bare',
    size: null,
    virtual_size: null,
    min_disk: 0,
    min_ram: 0,
    owner: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    created_at: now,
    updated_at: now,
    properties: {},
    ...fields,
  };
}

/** An error as Node's file system gives it, e.g. ENOSPC for a full disk. */
export function errnoError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

export class FakeImageData implements ImageData {
  readonly images = new Map<string, { image: Image; data: Buffer }>();
  /** The offset of every download request, per image. */
  readonly downloadOffsets = new Map<string, number[]>();
  readonly deleted: string[] = [];
  /** Images that got their data through uploadData. */
  private readonly uploaded = new Set<string>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly openFailures = new Map<string, AppError[]>();
  /** Set: uploads stop before their first byte until it opens. */
  uploadGate: Gate | null = null;
  /** Set: the check after an upload (its getImage) waits until it opens. */
  verifyGate: Gate | null = null;
  /** Set: the next upload fails with it. */
  uploadError: AppError | null = null;

  /** An active image of `size` random bytes, with its sha512 (or a wrong one). */
  addImage(name: string, size: number, hash: 'right' | 'wrong' = 'right'): Image {
    const data = randomBytes(size);
    const image = imageRecord({
      name,
      status: 'active',
      size,
      checksum: md5(data),
      os_hash_algo: 'sha512',
      os_hash_value: hash === 'right' ? sha512(data) : sha512(Buffer.from('other')),
    });
    this.images.set(image.id, { image, data });
    return image;
  }

  /** The next download of `imageId` stops after `afterBytes`; the gate lets it go on. */
  holdDownload(imageId: string, afterBytes: number): Gate {
    const gate = new Gate();
    this.addFault(imageId, { afterBytes, gate });
    return gate;
  }

  /** The next download of `imageId` fails with `error` after `afterBytes`. */
  breakDownload(imageId: string, afterBytes: number, error: Error): void {
    this.addFault(imageId, { afterBytes, error });
  }

  /** The next request for the data of `imageId` fails with `error` before any byte. */
  refuseDownload(imageId: string, error: AppError): void {
    this.openFailures.set(imageId, [...(this.openFailures.get(imageId) ?? []), error]);
  }

  async getImage(id: string): Promise<Image> {
    if (this.verifyGate && this.uploaded.has(id)) await this.verifyGate.opened;
    return { ...this.stored(id).image };
  }

  async createImage(fields: ImageCreate): Promise<Image> {
    const image = imageRecord({ ...(fields as Partial<Image>), status: 'queued' });
    this.images.set(image.id, { image, data: Buffer.alloc(0) });
    return { ...image };
  }

  async updateImage(id: string, ops: PatchOperation[]): Promise<Image> {
    const stored = this.stored(id);
    for (const op of ops) {
      if (op.op !== 'remove') stored.image = { ...stored.image, [op.path.slice(1)]: op.value };
    }
    return { ...stored.image };
  }

  async deleteImage(id: string): Promise<void> {
    this.stored(id);
    this.images.delete(id);
    this.deleted.push(id);
  }

  async openDownload(
    id: string,
    options: { offset?: number; signal?: AbortSignal } = {},
  ): Promise<ImageDownload> {
    const { data } = this.stored(id);
    const offset = options.offset ?? 0;
    this.downloadOffsets.set(id, [...(this.downloadOffsets.get(id) ?? []), offset]);
    const refusal = this.openFailures.get(id)?.shift();
    if (refusal) throw refusal;
    const fault = this.faults.get(id)?.shift();
    const body = Readable.from(chunks(data, offset, fault));
    return {
      status: offset > 0 ? 206 : 200,
      body: Object.assign(body, { dump: async () => void body.destroy() }) as never,
      contentLength: data.length - offset,
      contentMd5: null,
      contentRange: offset > 0 ? { start: offset, end: data.length - 1, total: data.length } : null,
      etag: null,
    };
  }

  async uploadData(
    id: string,
    body: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const stored = this.stored(id);
    if (stored.image.status !== 'queued') {
      throw new AppError({ kind: 'conflict', status: 409 });
    }
    const signal = options.signal ?? new AbortController().signal;
    const parts: Buffer[] = [];
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new AppError({ kind: 'cancelled' }));
      if (signal.aborted) fail();
      signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    if (this.uploadGate) await Promise.race([this.uploadGate.opened, aborted]);
    if (this.uploadError) {
      const error = this.uploadError;
      this.uploadError = null;
      body.destroy();
      throw error;
    }
    const read = (async () => {
      for await (const chunk of body) parts.push(chunk as Buffer);
    })();
    await Promise.race([read, aborted]);
    const data = Buffer.concat(parts);
    stored.data = data;
    stored.image = {
      ...stored.image,
      status: 'active',
      size: data.length,
      checksum: md5(data),
      os_hash_algo: 'sha512',
      os_hash_value: sha512(data),
    };
    this.uploaded.add(id);
  }

  async refreshToken(): Promise<void> {}

  // Imports run against the real Glance only (test/integration/transfers/imports.test.ts).
  async stageData(): Promise<void> {
    throw new AppError({ kind: 'unsupported' });
  }

  async importImage(): Promise<void> {
    throw new AppError({ kind: 'unsupported' });
  }

  async listImageTasks(): Promise<never[]> {
    throw new AppError({ kind: 'unsupported' });
  }

  private addFault(imageId: string, fault: Fault): void {
    this.faults.set(imageId, [...(this.faults.get(imageId) ?? []), fault]);
  }

  private stored(id: string): { image: Image; data: Buffer } {
    const stored = this.images.get(id);
    if (!stored) throw new AppError({ kind: 'not-found', status: 404 });
    return stored;
  }
}

/** The bytes from `offset` in 64 KiB chunks, stopping (or failing) where the fault says. */
async function* chunks(data: Buffer, offset: number, fault: Fault | undefined) {
  let at = offset;
  let pending = fault;
  while (at < data.length) {
    if (pending && at >= pending.afterBytes) {
      if ('error' in pending) throw pending.error;
      await pending.gate.opened;
      pending = undefined;
    }
    const end = Math.min(data.length, at + 65_536, pending?.afterBytes ?? Infinity);
    yield data.subarray(at, end);
    at = end;
  }
}
