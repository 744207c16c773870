// What inspectFile opened and read, recorded by a test file's mock of node:fs/promises:
//   vi.mock('node:fs/promises', recordingFs)
// (no file-system import here, so that the mock's factory can load it).
import type * as FsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export const reads = { opened: [] as string[], bytes: 0, calls: 0 };

export function resetReads(): void {
  reads.opened = [];
  reads.bytes = 0;
  reads.calls = 0;
}

/** Records the path and counts what the handle reads. */
function recorded(path: unknown, handle: FileHandle): FileHandle {
  reads.opened.push(String(path));
  const read = handle.read.bind(handle) as (...args: unknown[]) => ReturnType<FileHandle['read']>;
  Object.assign(handle, {
    read: async (...args: unknown[]) => {
      const result = await read(...args);
      reads.bytes += result.bytesRead;
      reads.calls += 1;
      return result;
    },
  });
  return handle;
}

/** The factory for `vi.mock('node:fs/promises', …)`: the real module with a recording `open`. */
export async function recordingFs(importOriginal: () => Promise<unknown>): Promise<unknown> {
  const actual = (await importOriginal()) as typeof FsPromises;
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) =>
      recorded(args[0], await actual.open(...args)),
  };
}
