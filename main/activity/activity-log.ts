/**
 * The activity log's store: one JSON line per change in `<data folder>/activity.jsonl`,
 * appended as changes happen and bounded to the newest `maxEntries` (the file is rewritten
 * without the oldest once it holds a tenth more). A line that cannot be read (cut short by
 * a crash) is skipped, never the whole log. Recording never fails the change it records:
 * a write error goes to `onError`.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { activityActions, type ActivityEntry, type ActivityOutcome } from '../../common/activity';
import { errorKinds, isAppError, isAppErrorData, type AppErrorData } from '../../common/errors';
import type { PatchOperation } from '../../common/image';
import { toAppError } from '../net/errors';
import { errorCode } from '../logging/events';

export const activityFileName = 'activity.jsonl';
const defaultMaxEntries = 10_000;
/** A patch value longer than this (as JSON) is cut short in the log. */
const maxPatchValueLength = 2_000;

export interface ActivityLogOptions {
  dataDir: string;
  maxEntries?: number;
  onError?: (error: unknown) => void;
  now?: () => Date;
}

export type NewActivity = Omit<ActivityEntry, 'time' | 'abridged'>;

/** The outcome to record for a change that failed with `thrown` (an error, or an error's data). */
export function failedOutcome(thrown: unknown): ActivityOutcome {
  const error: AppErrorData = isAppError(thrown)
    ? thrown.toJSON()
    : isAppErrorData(thrown)
      ? thrown
      : toAppError(thrown).toJSON();
  const code = errorCode(error);
  return {
    ok: false,
    kind: error.kind,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(code === undefined ? {} : { code }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
  };
}

function abridge(patch: PatchOperation[]): { patch: PatchOperation[]; abridged: boolean } {
  let abridged = false;
  const short = patch.map((op) => {
    if (op.op === 'remove') return op;
    const json = JSON.stringify(op.value) ?? '';
    if (json.length <= maxPatchValueLength) return op;
    abridged = true;
    return { ...op, value: `${json.slice(0, maxPatchValueLength)}…` };
  });
  return { patch: short, abridged };
}

function isEntry(value: unknown): value is ActivityEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<ActivityEntry>;
  return (
    typeof entry.time === 'string' &&
    typeof entry.profileId === 'string' &&
    typeof entry.imageId === 'string' &&
    (activityActions as readonly unknown[]).includes(entry.action) &&
    typeof entry.outcome === 'object' &&
    entry.outcome !== null &&
    (entry.outcome.ok === true ||
      (errorKinds as readonly unknown[]).includes((entry.outcome as { kind?: unknown }).kind))
  );
}

export class ActivityLog {
  readonly file: string;
  readonly #maxEntries: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => Date;
  #entries: ActivityEntry[] = [];
  /** File writes, one after another. */
  #writing: Promise<void> = Promise.resolve();

  private constructor(options: ActivityLogOptions) {
    this.file = join(options.dataDir, activityFileName);
    this.#maxEntries = options.maxEntries ?? defaultMaxEntries;
    this.#onError = options.onError ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
  }

  static async open(options: ActivityLogOptions): Promise<ActivityLog> {
    const log = new ActivityLog(options);
    await log.#load();
    return log;
  }

  /** Adds an entry stamped with the current time. Returns it as stored. */
  record(activity: NewActivity): ActivityEntry {
    const entry: ActivityEntry = { time: this.#now().toISOString(), ...activity };
    if (activity.patch !== undefined) {
      const { patch, abridged } = abridge(activity.patch);
      entry.patch = patch;
      if (abridged) entry.abridged = true;
    }
    this.#entries.push(entry);
    if (this.#entries.length > this.#maxEntries + Math.ceil(this.#maxEntries / 10)) {
      this.#entries = this.#entries.slice(-this.#maxEntries);
      this.#rewrite();
    } else {
      this.#queue(() => appendFile(this.file, `${JSON.stringify(entry)}\n`));
    }
    return entry;
  }

  /** The newest entries first, of one cloud or of all. */
  list(filter: { profileId?: string; limit?: number } = {}): ActivityEntry[] {
    const newestFirst: ActivityEntry[] = [];
    const limit = Math.min(filter.limit ?? this.#maxEntries, this.#maxEntries);
    for (let index = this.#entries.length - 1; index >= 0; index--) {
      if (newestFirst.length >= limit) break;
      const entry = this.#entries[index] as ActivityEntry;
      if (filter.profileId === undefined || entry.profileId === filter.profileId) {
        newestFirst.push(entry);
      }
    }
    return newestFirst;
  }

  /** Resolves once every entry recorded so far is in the file. */
  flush(): Promise<void> {
    return this.#writing;
  }

  async #load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#onError(error);
      return;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (isEntry(value)) this.#entries.push(value);
      } catch {
        // A line cut short by a crash: the others still count.
      }
    }
    if (this.#entries.length > this.#maxEntries) {
      this.#entries = this.#entries.slice(-this.#maxEntries);
      this.#rewrite();
    }
  }

  #queue(write: () => Promise<void>): void {
    this.#writing = this.#writing
      .then(async () => {
        await mkdir(dirname(this.file), { recursive: true });
        await write();
      })
      .catch((error: unknown) => this.#onError(error));
  }

  /**
   * Replaces the file with the entries in memory now (entries recorded later are appended
   * after it), through a temporary file, so that a crash keeps the old one.
   */
  #rewrite(): void {
    const text = this.#entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    const temporary = `${this.file}.tmp`;
    this.#queue(async () => {
      await writeFile(temporary, text);
      await rename(temporary, this.file);
    });
  }
}
