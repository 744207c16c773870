// What a folder holds under a download's name, claiming it to replace the file there, and
// the replacing move: only ever the file the user chose, never through a link.
import { lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  existingTarget,
  moveIntoPlace,
  reserveReplacement,
} from '../../../main/transfers/file-names';

let folder: string;
let outside: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'existing-'));
  outside = await mkdtemp(join(tmpdir(), 'outside-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('existingTarget', () => {
  it('says whether the file and an unfinished .part of it are there, and how big the .part is', async () => {
    const path = join(folder, 'disk.raw');
    expect(await existingTarget(folder, 'disk.raw')).toEqual({
      finalPath: path,
      partPath: `${path}.part`,
      file: false,
      partBytes: null,
    });
    await writeFile(path, 'done');
    await writeFile(`${path}.part`, 'half');
    expect(await existingTarget(folder, 'disk.raw')).toMatchObject({ file: true, partBytes: 4 });
  });

  it('takes a link in place of the .part for no .part: nothing to resume through it', async () => {
    await writeFile(join(outside, 'victim'), 'secret');
    await symlink(join(outside, 'victim'), join(folder, 'disk.raw.part'));
    expect(await existingTarget(folder, 'disk.raw')).toMatchObject({ partBytes: null });
  });
});

describe('reserveReplacement', () => {
  it('starts an unfinished .part of the name over, for a download that replaces the file', async () => {
    const path = join(folder, 'disk.raw');
    await writeFile(path, 'old');
    await writeFile(`${path}.part`, 'stale bytes');
    const target = await reserveReplacement(folder, 'disk.raw', false);
    expect(target).toEqual({ folder, finalPath: path, partPath: `${path}.part`, replace: true });
    expect((await lstat(`${path}.part`)).size).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('leaves a .part another transfer owns alone and takes another one', async () => {
    const path = join(folder, 'disk.raw');
    await writeFile(`${path}.part`, 'theirs');
    const target = await reserveReplacement(folder, 'disk.raw', true);
    expect(target.partPath).toBe(`${path}.2.part`);
    expect(await readFile(`${path}.part`, 'utf8')).toBe('theirs');
  });
});

describe('moveIntoPlace for a download chosen to replace the file', () => {
  it('replaces the file there', async () => {
    const path = join(folder, 'disk.raw');
    await writeFile(path, 'old');
    await writeFile(`${path}.part`, 'new');
    const moved = await moveIntoPlace({
      folder,
      finalPath: path,
      partPath: `${path}.part`,
      replace: true,
    });
    expect(moved).toBe(path);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(folder)).toEqual(['disk.raw']);
  });

  it('replaces a link put there, never the file it points to', async () => {
    const path = join(folder, 'disk.raw');
    await writeFile(join(outside, 'victim'), 'secret');
    await symlink(join(outside, 'victim'), path);
    await writeFile(`${path}.part`, 'new');
    await moveIntoPlace({ folder, finalPath: path, partPath: `${path}.part`, replace: true });
    expect((await lstat(path)).isSymbolicLink()).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('secret');
  });

  it('refuses a final path outside the folder', async () => {
    await writeFile(join(folder, 'x.part'), 'new');
    await expect(
      moveIntoPlace({
        folder,
        finalPath: join(outside, 'x'),
        partPath: join(folder, 'x.part'),
        replace: true,
      }),
    ).rejects.toMatchObject({ details: { reason: 'outside-folder' } });
    expect(await readdir(outside)).toEqual([]);
  });
});
