import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Transfer } from '../../common/transfer';
import type { CopyPlan } from './copy';
import type { DownloadPlan } from './download';
import type { ImportPlan } from './import';
import type { UploadPlan } from './upload';

export type SavedTransfer =
  | { transfer: Transfer & { kind: 'download' }; plan: DownloadPlan }
  | { transfer: Transfer & { kind: 'upload' }; plan: UploadPlan }
  | { transfer: Transfer & { kind: 'import' }; plan: ImportPlan }
  | { transfer: Transfer & { kind: 'copy' }; plan: CopyPlan };

interface QueueFileContent {
  version: 1;
  transfers: SavedTransfer[];
}

function isSavedTransfer(value: unknown): value is SavedTransfer {
  const entry = value as Partial<SavedTransfer> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.transfer?.id === 'string' &&
    (entry.transfer.kind === 'download' ||
      entry.transfer.kind === 'upload' ||
      entry.transfer.kind === 'import' ||
      entry.transfer.kind === 'copy') &&
    typeof entry.plan === 'object' &&
    entry.plan !== null
  );
}

/** A download saved before plans named their folder: it is the transfer's folder. */
function upgraded(saved: SavedTransfer): SavedTransfer {
  if (saved.transfer.kind !== 'download' || 'folder' in saved.plan) return saved;
  const old: object = saved.plan;
  return { ...saved, plan: { ...old, folder: saved.transfer.folder } } as SavedTransfer;
}

/**
 * The queue's JSON file. Reads tolerate a missing file (first run) and set a corrupt one
 * aside (renamed `*.corrupt-<time>`) rather than failing the app; writes are atomic
 * (temp file, fsync, rename), so a crash leaves the old or the new content, never half.
 */
export class QueueFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async read(): Promise<SavedTransfer[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const content = JSON.parse(text) as Partial<QueueFileContent>;
      if (content.version === 1 && Array.isArray(content.transfers)) {
        return content.transfers.filter(isSavedTransfer).map(upgraded);
      }
    } catch {
      // set aside below
    }
    await rename(this.path, `${this.path}.corrupt-${Date.now()}`);
    return [];
  }

  /** Writes are serialised; each one writes the whole list it is given. */
  write(transfers: SavedTransfer[]): Promise<void> {
    const content: QueueFileContent = { version: 1, transfers };
    const text = JSON.stringify(content, null, 1);
    this.writing = this.writing.catch(() => undefined).then(() => this.replace(text));
    return this.writing;
  }

  private async replace(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
  }
}
