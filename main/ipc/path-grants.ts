/**
 * The local paths main may act on when the renderer names one, each for one purpose. A path
 * is granted when main handed it out itself: picked in one of its dialogs (for the purpose
 * that dialog was opened for), dropped on the window (the preload reports it: a file to
 * upload), already in the settings (a profile's download folder or CA file, a pinned
 * folder), or named as a CA file by a clouds.yaml the user imported. Handlers check every
 * path the renderer sends against this list for the purpose they use it for, so a
 * compromised page cannot make main upload, import or write into anything else (say
 * ~/.ssh), nor upload a file that was only ever granted as a CA file. Plain Node; lives as
 * long as the app runs.
 */
import { isAbsolute, resolve } from 'node:path';
import { AppError, type PathUse } from '../../common/errors';
import type { FilePurpose } from '../app';

/** What main may do with a granted path. */
export const grantKinds = ['upload-file', 'import-file', 'ca-file', 'folder'] as const;
export type GrantKind = (typeof grantKinds)[number];

/** The grant a file picked in main's file dialog gets, by the purpose the dialog was opened for. */
export const grantForPurpose: Record<FilePurpose, GrantKind> = {
  image: 'upload-file',
  'clouds-yaml': 'import-file',
  openrc: 'import-file',
  'ca-file': 'ca-file',
};

const useWords: Record<PathUse, string> = {
  'upload-file': 'file to upload',
  'import-file': 'file to import',
  'ca-file': 'CA file',
  'download-folder': 'download folder',
  'pinned-folder': 'folder to pin',
};

const howToChoose: Record<GrantKind, string> = {
  'upload-file': 'Choose it with the app’s file dialog or drop it on the window',
  'import-file': 'Choose it with the app’s import dialog',
  'ca-file': 'Choose it with the CA file’s Choose… button in the profile',
  folder: 'Choose it with the app’s folder dialog',
};

export class PathGrants {
  readonly #granted: Record<GrantKind, Set<string>> = {
    'upload-file': new Set(),
    'import-file': new Set(),
    'ca-file': new Set(),
    folder: new Set(),
  };

  grant(kind: GrantKind, path: string): void {
    this.#granted[kind].add(resolve(path));
  }

  has(kind: GrantKind, path: string): boolean {
    return isAbsolute(path) && this.#granted[kind].has(resolve(path));
  }

  /**
   * Returns `path` when granted for `kind`. Otherwise throws: a validation error for a
   * relative path (it would depend on main's working folder), a forbidden one for any other
   * path. `use` says what the path was for.
   */
  check(kind: GrantKind, path: string, use: PathUse): string {
    const what = useWords[use];
    if (!isAbsolute(path)) {
      throw new AppError({
        kind: 'validation',
        message: `The ${what} must be a full path: ${path}`,
        details: { reason: 'relative-path', path, use },
      });
    }
    if (!this.has(kind, path)) {
      throw new AppError({
        kind: 'forbidden',
        message: `Glance Desk only uses a ${what} you chose in the app, and ${path} was not. ${howToChoose[kind]}, then try again.`,
        details: { reason: 'path-not-chosen', path, use },
      });
    }
    return path;
  }
}
