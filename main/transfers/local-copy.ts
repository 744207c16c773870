import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { checkInsideFolder, moveIntoPlace, type DownloadTarget } from './file-names';
import { fileSystemError } from './fs-errors';

const readChunk = 1 << 20;

/**
 * The optional local copy a cloud-to-cloud copy writes while the bytes pass: a `.part` in
 * the folder the user chose, appended to once per byte, read back only when the upload has
 * to start over (so that it restarts from the disk instead of the source cloud), and moved
 * to its final name once the bytes are verified. Every path must lie directly in the folder.
 */
export class LocalCopy {
  private constructor(
    private readonly handle: FileHandle,
    readonly target: DownloadTarget,
    /** Bytes in the `.part`. */
    public size: number,
  ) {}

  /** Opens the `.part` (creating it if it is gone), without following a symbolic link. */
  static async open(target: DownloadTarget): Promise<LocalCopy> {
    checkInsideFolder(target.folder, target.finalPath);
    checkInsideFolder(target.folder, target.partPath);
    const noFollow = (constants.O_NOFOLLOW as number | undefined) ?? 0;
    try {
      const handle = await open(target.partPath, constants.O_RDWR | constants.O_CREAT | noFollow);
      const { size } = await handle.stat().catch(async (error: unknown) => {
        await handle.close();
        throw error;
      });
      return new LocalCopy(handle, target, size);
    } catch (error) {
      throw fileSystemError(error, target.finalPath);
    }
  }

  /** The first `length` bytes, in fresh buffers (the caller may keep them). */
  async *read(length: number): AsyncGenerator<Buffer> {
    for (let position = 0; position < length;) {
      const buffer = Buffer.allocUnsafe(Math.min(readChunk, length - position));
      const { bytesRead } = await this.handle
        .read(buffer, 0, buffer.length, position)
        .catch((error: unknown) => {
          throw fileSystemError(error, this.target.finalPath);
        });
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }

  async append(chunk: Buffer): Promise<void> {
    try {
      await this.handle.write(chunk, 0, chunk.length, this.size);
    } catch (error) {
      throw fileSystemError(error, this.target.finalPath);
    }
    this.size += chunk.length;
  }

  /** Empties the `.part`: its bytes are of other data than the source now has. */
  async reset(): Promise<void> {
    await this.handle.truncate(0);
    this.size = 0;
  }

  /** Flushes the verified bytes and moves them to the final name: their path. */
  async finish(): Promise<string> {
    try {
      await this.handle.sync();
    } catch (error) {
      throw fileSystemError(error, this.target.finalPath);
    } finally {
      await this.close();
    }
    return moveIntoPlace(this.target);
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  /** Closes and deletes the `.part`. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.target.partPath, { force: true });
  }
}
