// moveIntoPlace where the file system has no hard links (FAT, exFAT, some shares; none can
// be mounted here, so `link` is made to fail as it does there), and the flush of the folder.
import type * as fsPromises from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { moveIntoPlace, reserveDownloadTarget } from '../../../main/transfers/file-names';

const fs = vi.hoisted(() => ({
  linkError: null as string | null,
  /** Paths opened, with their flags. */
  opened: [] as [string, unknown][],
  /** Opening the folder itself fails with this code (as on Windows). */
  folderOpenError: null as string | null,
}));

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: refused by the test`), { code });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return {
    ...actual,
    link: async (from: string, to: string) => {
      if (fs.linkError !== null) throw errno(fs.linkError);
      return actual.link(from, to);
    },
    open: async (path: string, flags?: string | number, mode?: number) => {
      fs.opened.push([path, flags]);
      if (fs.folderOpenError !== null && !path.includes('.raw')) throw errno(fs.folderOpenError);
      return actual.open(path, flags, mode);
    },
  };
});

describe('moveIntoPlace', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'move-'));
    Object.assign(fs, { linkError: null, opened: [], folderOpenError: null });
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('flushes the folder after the rename', async () => {
    const target = await reserveDownloadTarget(folder, 'disk.raw');
    await writeFile(target.partPath, 'verified bytes');
    fs.opened.length = 0;
    expect(await moveIntoPlace(target)).toBe(target.finalPath);
    expect(fs.opened).toEqual([[folder, 'r']]);
  });

  it.each(['EISDIR', 'EPERM', 'EINVAL'])(
    'goes on where a folder cannot be flushed (%s, as on Windows)',
    async (code) => {
      const target = await reserveDownloadTarget(folder, 'disk.raw');
      await writeFile(target.partPath, 'verified bytes');
      fs.folderOpenError = code;
      expect(await moveIntoPlace(target)).toBe(target.finalPath);
      expect(await readdir(folder)).toEqual(['disk.raw']);
    },
  );

  it('reports any other failure to flush the folder', async () => {
    const target = await reserveDownloadTarget(folder, 'disk.raw');
    await writeFile(target.partPath, 'verified bytes');
    fs.folderOpenError = 'EIO';
    await expect(moveIntoPlace(target)).rejects.toMatchObject({
      kind: 'filesystem',
      details: { code: 'EIO' },
    });
  });

  it.each(['EPERM', 'ENOTSUP', 'ENOSYS'])(
    'copies exclusively and flushes the copy where links fail with %s',
    async (code) => {
      const target = await reserveDownloadTarget(folder, 'disk.raw');
      await writeFile(target.partPath, 'verified bytes');
      fs.linkError = code;
      fs.opened.length = 0;
      expect(await moveIntoPlace(target)).toBe(target.finalPath);
      expect(await readFile(target.finalPath, 'utf8')).toBe('verified bytes');
      expect(await readdir(folder)).toEqual(['disk.raw']);
      expect(fs.opened).toEqual([
        [target.finalPath, 'r+'],
        [folder, 'r'],
      ]);
    },
  );

  it('never copies over a file that appeared under the name meanwhile', async () => {
    const target = await reserveDownloadTarget(folder, 'disk.raw');
    await writeFile(target.partPath, 'verified bytes');
    await writeFile(target.finalPath, 'appeared meanwhile');
    await writeFile(join(folder, 'disk (2).raw'), 'appeared too');
    fs.linkError = 'EPERM';
    const path = await moveIntoPlace(target);
    expect(path).toBe(join(folder, 'disk (3).raw'));
    expect(await readFile(path, 'utf8')).toBe('verified bytes');
    expect(await readFile(target.finalPath, 'utf8')).toBe('appeared meanwhile');
    expect(await readFile(join(folder, 'disk (2).raw'), 'utf8')).toBe('appeared too');
    expect((await readdir(folder)).sort()).toEqual(['disk (2).raw', 'disk (3).raw', 'disk.raw']);
  });
});
