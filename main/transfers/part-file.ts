import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { FileHasher } from './file-hasher';

const flushEvery = 64 << 20;
/**
 * The most one write system call takes. Linux puts a write of 512 KiB or more into large
 * page-cache folios, and here (a 2-vCPU VM, kernel 6.18) writing 1 GiB took 2.3 s of
 * system time in writes of 1 MiB against 0.22 s in writes of 256 KiB (`dd`); the engine's
 * CPU per downloaded GiB fell by a seventh (bench/README.md).
 */
const maxWriteBytes = 256 << 10;

/** A write that failed part-way (a full disk): its first `written` bytes are in the file. */
export class PartialWrite extends Error {
  constructor(
    readonly failure: unknown,
    readonly written: number,
  ) {
    super('A write to the .part file failed part-way.', { cause: failure });
  }
}

/**
 * The `.part` file of one download, written at any offset by several connections, and the
 * running hash of its first bytes. The downloader says how far from 0 the file is complete
 * (`hashUpTo`), and the hasher follows; so after any failure the hash describes bytes
 * that are on disk.
 */
export class PartFile {
  /** Writes in progress: a reset or the final sync waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private flushing: Promise<void> | null = null;
  private unflushed = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly hasher: FileHasher,
  ) {}

  /**
   * Opens (or creates) the `.part`. A symbolic link put in its place is not followed (where
   * the OS has O_NOFOLLOW).
   */
  static async open(path: string, algorithm: string): Promise<PartFile> {
    const noFollow = (constants.O_NOFOLLOW as number | undefined) ?? 0;
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT | noFollow);
    return new PartFile(handle, new FileHasher(handle.fd, algorithm));
  }

  /** The file's length now. */
  async length(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /**
   * Writes `chunks` one after another from `position`; resolves once all are written. A
   * failure after some bytes were written rejects with a PartialWrite that counts them.
   */
  async write(chunks: Buffer[], position: number): Promise<void> {
    const writing = this.writeAll(chunks, position);
    this.inFlight.add(writing);
    try {
      await writing;
    } finally {
      this.inFlight.delete(writing);
    }
  }

  /** The file's first `length` bytes are written: hash them, in the background. */
  hashUpTo(length: number): void {
    this.hasher.extend(length);
  }

  /** Resolves once no write or flush is in progress (whether it succeeded or not). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.flushing;
  }

  /** Throws away the content: a download that must start over. */
  async reset(algorithm?: string): Promise<void> {
    await this.settled();
    await this.handle.truncate(0);
    this.unflushed = 0;
    this.hasher.reset(algorithm);
  }

  /** Cuts the file to `length` bytes (what an earlier download wrote past the image's end). */
  async truncate(length: number): Promise<void> {
    await this.settled();
    await this.handle.truncate(length);
  }

  /**
   * Once `flushEvery` bytes were written since the last time, starts writing them to the
   * disk and returns that flush; otherwise null. With lots of RAM, Linux would otherwise
   * keep the whole file dirty in the page cache until the final fsync. What was written
   * before the call is on the disk once the flush resolves.
   */
  flushIfDue(): Promise<void> | null {
    if (this.flushing !== null || this.unflushed < flushEvery) return null;
    this.unflushed = 0;
    const flushing = this.handle.datasync().finally(() => {
      this.flushing = null;
    });
    this.flushing = flushing.catch(() => undefined); // the final sync reports any error
    return flushing;
  }

  /** The hex digest of the bytes hashed so far, once the hasher has caught up. */
  digest(): Promise<string> {
    return this.hasher.digest();
  }

  /** Flushes the data to the disk: only a durable file is renamed into place. */
  async sync(): Promise<void> {
    await this.settled();
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.settled();
    await this.hasher.close();
    await this.handle.close();
  }

  private async writeAll(chunks: Buffer[], position: number): Promise<void> {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    let written = 0;
    try {
      while (written < total) {
        const { bytesWritten } = await this.handle.writev(
          sliceFrom(chunks, written, maxWriteBytes),
          position + written,
        );
        written += bytesWritten;
      }
    } catch (error) {
      throw written > 0 ? new PartialWrite(error, written) : error;
    } finally {
      this.unflushed += written;
    }
  }
}

/**
 * At most `max` bytes of the chunks, from `offset` on (the next write after a whole one, or
 * after a short one: a full disk).
 */
function sliceFrom(chunks: Buffer[], offset: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = offset;
  let room = max;
  for (const chunk of chunks) {
    if (room === 0) break;
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    const piece = chunk.subarray(skip, skip + room);
    out.push(piece);
    room -= piece.length;
    skip = 0;
  }
  return out;
}
