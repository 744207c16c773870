import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { AppError } from '../../common/errors';
import { FileHasher } from './file-hasher';

const writeBatch = 1 << 20;
const flushEvery = 64 << 20;

/**
 * The `.part` file of one download and the running hash of what is in it. A batch is
 * counted, and handed to the hasher, only once it is written, so after any failure `size`
 * and the hash describe exactly the bytes on disk, and a retry can append from there.
 */
export class PartFile {
  /** The write in progress, if any: a failed pipeline does not wait for it. */
  private inFlight: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  private flushedAt = 0;
  private constructor(
    private readonly handle: FileHandle,
    private readonly hasher: FileHasher,
    public size: number,
  ) {}

  /**
   * Opens (or creates) the `.part`; what it already holds is hashed in the background. A
   * symbolic link put in its place is not followed (where the OS has O_NOFOLLOW).
   */
  static async open(path: string, algorithm: string): Promise<PartFile> {
    const noFollow = (constants.O_NOFOLLOW as number | undefined) ?? 0;
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT | noFollow);
    try {
      const { size } = await handle.stat();
      const hasher = new FileHasher(handle.fd, algorithm);
      hasher.extend(size);
      return new PartFile(handle, hasher, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Resolves once no write is in progress (whether it succeeded or not). */
  async settled(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    await this.flushing;
  }

  /**
   * After a failed pipeline: waits for the last write, then cuts off anything past the
   * bytes counted (a write that failed half-way), so the next attempt appends at `size`.
   */
  async trim(): Promise<void> {
    await this.settled();
    await this.handle.truncate(this.size);
  }

  /** Throws away the content: a download that must start over. */
  async reset(algorithm?: string): Promise<void> {
    await this.settled();
    await this.handle.truncate(0);
    this.size = 0;
    this.flushedAt = 0;
    this.hasher.reset(algorithm);
  }

  /**
   * A sink that appends to the file. Its 'close' comes only after the last write has
   * settled, so `size` is final once a pipeline into it has finished or failed. A batch
   * that would make the file longer than `maxSize` is not written: the sink fails with an
   * 'integrity' error (reason `too-many-bytes`), which ends the pipeline and its source.
   */
  sink(onWritten: (size: number) => void, maxSize = Number.POSITIVE_INFINITY): Writable {
    const append = async (chunks: Buffer[]): Promise<void> => {
      const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      if (this.size + total > maxSize) {
        throw new AppError({
          kind: 'integrity',
          message: `The cloud sent more than the ${maxSize} bytes it announced; the download was stopped.`,
          details: { reason: 'too-many-bytes', expectedBytes: maxSize },
        });
      }
      await this.writeAt(chunks, this.size);
      this.size += total;
      this.hasher.extend(this.size);
      onWritten(this.size);
      this.flushInBackground();
    };
    return new Writable({
      highWaterMark: writeBatch,
      writev: (entries, callback) => {
        this.inFlight = append(entries.map((entry) => entry.chunk as Buffer));
        this.inFlight.then(() => callback(), callback);
      },
      destroy: (error, callback) => {
        this.settled().then(() => callback(error));
      },
    });
  }

  private async writeAt(chunks: Buffer[], position: number): Promise<void> {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    for (let written = 0; written < total;) {
      const { bytesWritten } = await this.handle.writev(
        sliceFrom(chunks, written),
        position + written,
      );
      written += bytesWritten;
    }
  }

  /**
   * Starts writing the data so far to the disk every `flushEvery` bytes, so that the
   * final fsync has little left to do (with lots of RAM, Linux would otherwise keep the
   * whole file dirty in the page cache until that fsync).
   */
  private flushInBackground(): void {
    if (this.flushing !== null || this.size - this.flushedAt < flushEvery) return;
    this.flushedAt = this.size;
    this.flushing = this.handle
      .datasync()
      .catch(() => undefined) // the final sync reports any error
      .finally(() => {
        this.flushing = null;
      });
  }

  /** The hex digest of the bytes in the file, once the hasher has caught up. */
  digest(): Promise<string> {
    return this.hasher.digest();
  }

  /** Flushes the data to the disk: only a durable file is renamed into place. */
  async sync(): Promise<void> {
    await this.settled();
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.hasher.close();
    await this.handle.close();
  }
}

/** The chunks after the first `offset` bytes (a short write happens with a full disk). */
function sliceFrom(chunks: Buffer[], offset: number): Buffer[] {
  if (offset === 0) return chunks;
  const out: Buffer[] = [];
  let skip = offset;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    out.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return out;
}
