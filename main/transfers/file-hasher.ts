import { Worker } from 'node:worker_threads';
import { AppError } from '../../common/errors';

type ToWorker =
  { type: 'extend'; to: number } | { type: 'reset'; algorithm?: string } | { type: 'digest' };
type FromWorker =
  | { type: 'digest'; hex: string }
  /** The file ended before the length it was said to have: something else changed it. */
  | { type: 'shrunk'; at: number }
  | { type: 'failed'; message: string; code?: string };

/**
 * The worker's whole program. It runs from its source text (`eval`), so that the worker needs
 * no bundle entry of its own; it must therefore use nothing from this module's scope. It
 * hashes the file's bytes in order, up to the length it is told is final, reading them back
 * from the file (from the page cache: they were just written) into one reused buffer. File
 * descriptors belong to the process, so it reads through its owner's.
 */
function hasherMain(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const { readSync } = process.getBuiltinModule('node:fs');
  const { createHash } = process.getBuiltinModule('node:crypto');
  if (parentPort === null) return;
  const { fd } = workerData as { fd: number };
  let algorithm = (workerData as { algorithm: string }).algorithm;
  const buffer = Buffer.allocUnsafe(1 << 20);
  let hash = createHash(algorithm);
  let hashed = 0;
  let problem: FromWorker | null = null;
  parentPort.on('message', (message: ToWorker) => {
    if (message.type === 'reset') {
      algorithm = message.algorithm ?? algorithm;
      hash = createHash(algorithm);
      hashed = 0;
      problem = null;
    } else if (message.type === 'extend') {
      try {
        while (problem === null && hashed < message.to) {
          const read = readSync(
            fd,
            buffer,
            0,
            Math.min(buffer.length, message.to - hashed),
            hashed,
          );
          if (read === 0) {
            problem = { type: 'shrunk', at: hashed };
            break;
          }
          hash.update(buffer.subarray(0, read));
          hashed += read;
        }
      } catch (error) {
        const { message: text, code } = error as NodeJS.ErrnoException;
        problem = { type: 'failed', message: text, ...(code === undefined ? {} : { code }) };
      }
    } else {
      parentPort.postMessage(problem ?? { type: 'digest', hex: hash.copy().digest('hex') });
    }
  });
}

/**
 * The hash of one growing file, computed in a worker thread: sha512 costs about as much CPU
 * as receiving the bytes, and this way it runs beside the download instead of in its way
 * (and off the main process's event loop). The owner says which length is final with
 * `extend`, only for bytes written successfully, so the hash describes bytes on disk.
 */
export class FileHasher {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve: (hex: string) => void; reject: (e: Error) => void }> =
    [];
  private stopped: Error | null = null;

  /** `fd`: the file, open for reading until `close` has resolved; the owner closes it. */
  constructor(fd: number, algorithm: string) {
    this.worker = new Worker(`(${hasherMain.toString()})()`, {
      eval: true,
      workerData: { fd, algorithm },
    });
    this.worker.unref();
    this.worker.on('message', (reply: FromWorker) => this.answer(reply));
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', () => this.stop(new Error('The hashing thread stopped.')));
  }

  /** The file's first `length` bytes are final: hash them, in the background. */
  extend(length: number): void {
    this.worker.postMessage({ type: 'extend', to: length } satisfies ToWorker);
  }

  /** Starts over from an empty file, with another algorithm if one is given. */
  reset(algorithm?: string): void {
    const message: ToWorker =
      algorithm === undefined ? { type: 'reset' } : { type: 'reset', algorithm };
    this.worker.postMessage(message);
  }

  /** The hex digest of everything extended so far, once hashed; the hash goes on. */
  digest(): Promise<string> {
    if (this.stopped !== null) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ type: 'digest' } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private answer(reply: FromWorker): void {
    const waiter = this.waiting.shift();
    if (reply.type === 'digest') waiter?.resolve(reply.hex);
    else if (reply.type === 'shrunk') {
      waiter?.reject(
        new AppError({
          kind: 'integrity',
          message: `The download's .part file was cut to ${reply.at} bytes by something else while it was written; it was not kept.`,
          details: { reason: 'part-cut-short', actualBytes: reply.at },
        }),
      );
    } else {
      // A file-system code lets the downloader explain it like any other disk error.
      waiter?.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    }
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
