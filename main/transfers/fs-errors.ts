import { AppError, isAppError, type AppErrorData } from '../../common/errors';

/**
 * Turns a Node file-system error into an AppError of kind 'filesystem' whose message says
 * in plain words what is wrong with the folder or file, and what to do about it.
 */
export function fileSystemError(error: unknown, path: string): AppError {
  if (isAppError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const messages: Record<string, string> = {
    ENOSPC: `The disk is full: there is not enough free space for ${path}. Free some space or choose another folder, then retry.`,
    EDQUOT: `Your disk quota is used up: there is no room for ${path}. Free some space or choose another folder, then retry.`,
    EACCES: `Glance Desk is not allowed to write to ${path}. Choose another folder or change its permissions.`,
    EPERM: `Glance Desk is not allowed to write to ${path}. Choose another folder or change its permissions.`,
    EROFS: `${path} is on a read-only disk. Choose another folder.`,
    ENOENT: `${path} does not exist (any more). Choose another folder or file.`,
    ENOTDIR: `${path} is not a folder. Choose another folder.`,
    EISDIR: `${path} is a folder, not a file.`,
    ENAMETOOLONG: `The path ${path} is too long for this disk. Choose a folder with a shorter path.`,
  };
  return new AppError(
    {
      kind: 'filesystem',
      message: messages[code] ?? `Could not read or write ${path} (${code}).`,
      details: { code, path },
    },
    { cause: error },
  );
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
export function isOutOfSpace(error: Pick<AppErrorData, 'kind' | 'details'>): boolean {
  const code = error.details?.code;
  return error.kind === 'filesystem' && (code === 'ENOSPC' || code === 'EDQUOT');
}
