import { AppError, isAppError, type AppErrorData, type ErrorDetails } from '../../common/errors';

/** The reason of a Node file-system error code at `path`, and main's English for the log. */
function explained(code: string, path: string): { details: ErrorDetails; message: string } {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        details: { reason: 'disk-full', path, quota: code === 'EDQUOT' },
        message: `${code === 'EDQUOT' ? 'The disk quota is used up' : 'The disk is full'}: no room for ${path}.`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        details: { reason: 'no-permission', path },
        message: `Glance Desk is not allowed to use ${path}.`,
      };
    case 'EROFS':
      return { details: { reason: 'read-only', path }, message: `${path} is on a read-only disk.` };
    case 'ENOENT':
      return { details: { reason: 'path-missing', path }, message: `${path} does not exist.` };
    case 'ENOTDIR':
      return { details: { reason: 'not-a-folder', path }, message: `${path} is not a folder.` };
    case 'EISDIR':
      return { details: { reason: 'is-a-folder', path }, message: `${path} is a folder.` };
    case 'ENAMETOOLONG':
      return {
        details: { reason: 'path-too-long', path },
        message: `The path ${path} is too long for this disk.`,
      };
    default:
      return {
        details: { reason: 'file-error', path, code },
        message: `Could not read or write ${path} (${code}).`,
      };
  }
}

/** Turns a Node file-system error into an AppError of kind 'filesystem' with its reason. */
export function fileSystemError(error: unknown, path: string): AppError {
  if (isAppError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  return new AppError({ kind: 'filesystem', ...explained(code, path) }, { cause: error });
}

const fileSystemCodes = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'ENAMETOOLONG',
  'EFBIG',
  'EIO',
  'EMFILE',
  'ENFILE',
]);

/** A local file-system failure (as opposed to a network one, which also carries a code). */
export function isFileSystemError(error: unknown): boolean {
  return fileSystemCodes.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** A full disk or a used-up quota: a download pauses on it and keeps its `.part`. */
export function isOutOfSpace(error: Pick<AppErrorData, 'details'>): boolean {
  return error.details?.reason === 'disk-full';
}
