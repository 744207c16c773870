import { constants } from 'node:fs';
import { copyFile, link, lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { fileSystemError } from './fs-errors';

/** Most file systems limit one name to 255 bytes (ext4, APFS, NTFS counts UTF-16 units: fewer). */
const maxNameBytes = 255;
/** Room kept for a " (12345)" uniqueness suffix and the ".part" ending. */
const reservedBytes = ' (99999)'.length + '.part'.length;

/** The name when neither the image's name nor its id leaves anything usable. */
const fallbackStem = 'image';

const windowsReserved = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * Invisible characters that reorder or mark text direction (U+202A–202E, U+2066–2069, the
 * LRM, RLM and ALM marks): `photo\u202Egpj.exe` is shown as `photoexe.jpg`. Removed.
 */
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Path separators of every platform, what Windows forbids in a name (`<>:"|?*`, `:` also
 * opens an alternate data stream), control characters and the line and paragraph
 * separators. Each becomes `_`.
 */
const forbiddenCharacters = /[\p{Cc}\u2028\u2029<>:"/\\|?*]/gu;

/** File extensions for the disk formats Glance (and Huawei IMS) knows; others get none. */
const extensionFor = new Map<string, string>([
  ['qcow2', '.qcow2'],
  ['raw', '.raw'],
  ['vmdk', '.vmdk'],
  ['vdi', '.vdi'],
  ['vhd', '.vhd'],
  ['vhdx', '.vhdx'],
  ['iso', '.iso'],
  ['ploop', '.hds'],
  ['aki', '.aki'],
  ['ari', '.ari'],
  ['ami', '.ami'],
  // Huawei IMS's own formats.
  ['zvhd2', '.zvhd2'],
  ['zvhd', '.zvhd'],
]);

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, bytes: number): string {
  let out = '';
  let length = 0;
  for (const char of text) {
    length += utf8Length(char);
    if (length > bytes) break;
    out += char;
  }
  return out;
}

/**
 * One server-supplied text (an image's name or id) made into the stem of a file name that
 * stays in its folder on Windows, macOS and Linux: no separators, no `.`/`..` (no leading
 * dots or spaces at all: no hidden files), no control or bidi characters, no Windows device
 * name (CON, NUL, COM1, … even before an extension: it gets a `_`), no trailing dots or
 * spaces (Windows drops them), at most `maxBytes` UTF-8 bytes. `extension` is taken off its
 * end first, so that `disk.qcow2` does not become `disk.qcow2.qcow2`. May return ''.
 */
function cleanStem(text: string, extension: string, maxBytes: number): string {
  let stem = text
    .normalize('NFC')
    .replace(bidiControls, '')
    .replace(forbiddenCharacters, '_')
    .trim()
    .replace(/^[.\s]+/, '');
  if (extension && stem.toLowerCase().endsWith(extension)) stem = stem.slice(0, -extension.length);
  const device = stem.split('.')[0]?.trimEnd() ?? '';
  if (windowsReserved.test(device)) stem = `${device}_${stem.slice(device.length)}`;
  return truncateBytes(stem, maxBytes).replace(/[.\s]+$/, '');
}

/**
 * A file name for an image, built only from what one sanitiser (cleanStem) lets through:
 * the image's name, else its id, else "image", plus the extension of a disk format this app
 * knows (an unknown one adds nothing). The result leaves room for " (n)" and ".part" within
 * 255 bytes.
 */
export function safeFileName(
  imageName: string | null,
  diskFormat: string | null,
  imageId: string,
): string {
  const extension = extensionFor.get(diskFormat?.toLowerCase() ?? '') ?? '';
  const maxBytes = maxNameBytes - reservedBytes - utf8Length(extension);
  const stem =
    cleanStem(imageName ?? '', extension, maxBytes) ||
    cleanStem(imageId, extension, maxBytes) ||
    fallbackStem;
  return stem + extension;
}

/**
 * Refuses a path that is not a file directly inside `folder` (after resolving `.`, `..` and
 * relative parts), with a 'validation' error whose details say `outside-folder`. Every path
 * the engine writes is checked, so a name that slipped past safeFileName, or a tampered
 * queue file, cannot make it write elsewhere.
 */
export function checkInsideFolder(folder: string, path: string): void {
  const inside = relative(resolve(folder), resolve(path));
  if (inside !== '' && inside === basename(inside) && inside !== '..') return;
  throw new AppError({
    kind: 'validation',
    message: `Refused to write ${path}: it is not inside the download folder ${folder}.`,
    details: { reason: 'outside-folder', path, folder },
  });
}

const knownExtensions = new Set(extensionFor.values());

/** `name.qcow2` → `name (2).qcow2`; a dot that is not a known extension stays in the stem. */
function numbered(fileName: string, n: number): string {
  if (n === 1) return fileName;
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 ? fileName.slice(dot).toLowerCase() : '';
  return knownExtensions.has(extension)
    ? `${fileName.slice(0, dot)} (${n})${fileName.slice(dot)}`
    : `${fileName} (${n})`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export interface DownloadTarget {
  /** The folder the user chose: every path below is checked to be directly inside it. */
  folder: string;
  finalPath: string;
  partPath: string;
  /** The user chose to replace the file at `finalPath` with this download. */
  replace?: boolean;
}

/** What a folder holds under the name a download would get. */
export interface ExistingTarget {
  finalPath: string;
  partPath: string;
  /** A file (or anything else) is there under the final name. */
  file: boolean;
  /** The size of the `.part` there (a regular file), or null for none. */
  partBytes: number | null;
}

/** Looks at `<fileName>` and `<fileName>.part` in `folder`, following no link. */
export async function existingTarget(folder: string, fileName: string): Promise<ExistingTarget> {
  const finalPath = join(folder, fileName);
  const partPath = `${finalPath}.part`;
  try {
    checkInsideFolder(folder, finalPath);
    checkInsideFolder(folder, partPath);
    const part = await lstat(partPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    return {
      finalPath,
      partPath,
      file: await exists(finalPath),
      partBytes: part?.isFile() ? part.size : null,
    };
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/**
 * Claims `<fileName>` in `folder` for a download that replaces the file there once it is
 * verified: its `.part` is `<fileName>.part` (an unfinished one there is emptied, unless
 * `partTaken`: another transfer owns it, and then a `<fileName>.<n>.part` is created).
 */
export async function reserveReplacement(
  folder: string,
  fileName: string,
  partTaken: boolean,
): Promise<DownloadTarget> {
  const finalPath = join(folder, fileName);
  try {
    checkInsideFolder(folder, finalPath);
    for (let n = 1; ; n++) {
      const partPath = n === 1 ? `${finalPath}.part` : `${finalPath}.${n}.part`;
      checkInsideFolder(folder, partPath);
      if (n === 1 && partTaken) continue;
      // An unfinished .part of this name is started over (unlinked, never followed).
      if (n === 1) await unlink(partPath).catch(() => undefined);
      try {
        const handle = await open(
          partPath,
          constants.O_CREAT | constants.O_EXCL | constants.O_RDWR,
        );
        await handle.close();
        return { folder, finalPath, partPath, replace: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/**
 * Picks `<name>`, `<name> (2)`, … such that neither the final file nor its `.part` exists,
 * and claims it by creating the `.part` exclusively: an existing user file is never
 * touched, and a `.part` that belongs to another transfer is never taken over.
 */
export async function reserveDownloadTarget(
  folder: string,
  fileName: string,
): Promise<DownloadTarget> {
  try {
    for (let n = 1; ; n++) {
      const finalPath = join(folder, numbered(fileName, n));
      const partPath = `${finalPath}.part`;
      checkInsideFolder(folder, finalPath);
      checkInsideFolder(folder, partPath);
      if (await exists(finalPath)) continue;
      try {
        const handle = await open(
          partPath,
          constants.O_CREAT | constants.O_EXCL | constants.O_RDWR,
        );
        await handle.close();
        return { folder, finalPath, partPath };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/** The hard-link errors of file systems that have none (FAT, exFAT, some network shares). */
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV']);

/**
 * Gives the verified `.part` its final name without ever replacing a file that appeared
 * under that name meanwhile: a hard link fails if the name is taken (then the next free
 * " (n)" name is used). Where the file system has no hard links, the `.part` is copied
 * with an exclusive flag instead (which fails just the same on a taken name). A download
 * the user chose to replace the file with is renamed over it (a link there is replaced,
 * not followed). Then the folder is flushed, so the new name survives a crash. Returns
 * the path the file got.
 */
export async function moveIntoPlace({
  folder,
  partPath,
  finalPath,
  replace,
}: DownloadTarget): Promise<string> {
  const fileName = basename(finalPath);
  try {
    checkInsideFolder(folder, partPath);
    if (replace === true) {
      checkInsideFolder(folder, finalPath);
      await rename(partPath, finalPath);
      await syncFolder(folder);
      return finalPath;
    }
    for (let n = 1; ; n++) {
      const candidate = join(dirname(finalPath), numbered(fileName, n));
      checkInsideFolder(folder, candidate);
      if (!(await linkOrCopy(partPath, candidate))) continue;
      await unlink(partPath);
      await syncFolder(folder);
      return candidate;
    }
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/** Puts the content of `from` under the new name `to`; false when `to` is taken. */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!noHardLinks.has(code)) throw error;
  }
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  // A copy is new data: flush it before the .part it replaces is removed.
  const copy = await open(to, 'r+');
  try {
    await copy.sync();
  } finally {
    await copy.close();
  }
  return true;
}

/**
 * Flushes a folder's entries (a rename is durable only then). Windows cannot open or
 * flush a folder this way; there the errors that say so are ignored.
 */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EISDIR', 'EINVAL', 'EPERM'].includes(code)) throw error;
  } finally {
    await handle?.close();
  }
}
