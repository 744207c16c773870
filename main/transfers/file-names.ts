import { constants } from 'node:fs';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemError } from './fs-errors';

/** Most file systems limit one name to 255 bytes (ext4, APFS, NTFS counts UTF-16 units: fewer). */
const maxNameBytes = 255;
/** Room kept for a " (12345)" uniqueness suffix and the ".part" ending. */
const reservedBytes = ' (99999)'.length + '.part'.length;

const windowsReserved = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** File extensions for the disk formats Glance knows; others get none. */
const extensionFor: Record<string, string> = {
  qcow2: '.qcow2',
  raw: '.raw',
  vmdk: '.vmdk',
  vdi: '.vdi',
  vhd: '.vhd',
  vhdx: '.vhdx',
  iso: '.iso',
  ploop: '.hds',
  aki: '.aki',
  ari: '.ari',
  ami: '.ami',
};

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, bytes: number): string {
  let out = '';
  for (const char of text) {
    if (utf8Length(out) + utf8Length(char) > bytes) break;
    out += char;
  }
  return out;
}

/**
 * A file name for an image that is valid on Windows, macOS and Linux: separators, control
 * characters and `<>:"|?*` become `_`, no leading dots (hidden files) and no trailing dots
 * or spaces (Windows drops them), no reserved device names (CON, NUL, COM1, … even with an
 * extension), at most 255 UTF-8 bytes including room for " (n)" and ".part". The disk
 * format becomes the extension unless the name already ends with it.
 */
export function safeFileName(
  imageName: string | null,
  diskFormat: string | null,
  imageId: string,
): string {
  const extension = (diskFormat && extensionFor[diskFormat.toLowerCase()]) ?? '';
  let stem = (imageName ?? '')
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we remove
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"/\\|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (extension && stem.toLowerCase().endsWith(extension)) stem = stem.slice(0, -extension.length);
  stem = truncateBytes(stem, maxNameBytes - reservedBytes - utf8Length(extension));
  stem = stem.replace(/[. ]+$/, '');
  if (stem === '') stem = imageId;
  if (windowsReserved.test(stem.split('.')[0] ?? '')) stem = stem.replace(/^[^.]*/, '$&_');
  return stem + extension;
}

const knownExtensions = new Set(Object.values(extensionFor));

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
  finalPath: string;
  partPath: string;
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
      if (await exists(finalPath)) continue;
      try {
        const handle = await open(
          partPath,
          constants.O_CREAT | constants.O_EXCL | constants.O_RDWR,
        );
        await handle.close();
        return { finalPath, partPath };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/**
 * Gives the verified `.part` its final name without ever replacing a file that appeared
 * under that name meanwhile: a hard link fails if the name is taken (then the next free
 * " (n)" name is used). Where the file system has no hard links, falls back to
 * check-then-rename. Returns the path the file got.
 */
export async function moveIntoPlace(partPath: string, finalPath: string): Promise<string> {
  const folder = join(finalPath, '..');
  const fileName = finalPath.slice(folder.length + 1);
  try {
    for (let n = 1; ; n++) {
      const candidate = join(folder, numbered(fileName, n));
      try {
        await link(partPath, candidate);
        await unlink(partPath);
        return candidate;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') {
          throw error;
        }
        if (await exists(candidate)) continue;
        await rename(partPath, candidate);
        return candidate;
      }
    }
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}
