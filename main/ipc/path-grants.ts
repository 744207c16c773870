/**
 * The local paths main may act on when the renderer names one. A path is granted when main
 * handed it out itself: picked in one of its dialogs, dropped on the window (the preload
 * reports it), already in the settings (a profile's download folder or CA file, a pinned
 * folder), or named by a clouds.yaml the user imported. Handlers check every path the
 * renderer sends against this list, so a compromised page cannot make main upload, import
 * or write into anything else (say ~/.ssh). Plain Node; lives as long as the app runs.
 */
import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../../common/errors';

/** A file main may read (upload, import, CA certificates), or a folder it may download into. */
export type PathKind = 'file' | 'folder';

const howToChoose: Record<PathKind, string> = {
  file: 'Choose it with the app’s file dialog or drop it on the window',
  folder: 'Choose it with the app’s folder dialog',
};

export class PathGrants {
  readonly #granted: Record<PathKind, Set<string>> = { file: new Set(), folder: new Set() };

  grant(kind: PathKind, path: string): void {
    this.#granted[kind].add(resolve(path));
  }

  has(kind: PathKind, path: string): boolean {
    return isAbsolute(path) && this.#granted[kind].has(resolve(path));
  }

  /**
   * Returns `path` when granted. Otherwise throws: a validation error for a relative path
   * (it would depend on main's working folder), a forbidden one for any other path.
   * `what` names it for the message, e.g. 'file to upload'.
   */
  check(kind: PathKind, path: string, what: string): string {
    if (!isAbsolute(path)) {
      throw new AppError({
        kind: 'validation',
        message: `The ${what} must be a full path: ${path}`,
      });
    }
    if (!this.has(kind, path)) {
      throw new AppError({
        kind: 'forbidden',
        message: `Glance Desk only uses a ${what} you chose in the app, and ${path} was not. ${howToChoose[kind]}, then try again.`,
      });
    }
    return path;
  }
}
