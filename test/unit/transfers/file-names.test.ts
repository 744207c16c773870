import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  moveIntoPlace,
  reserveDownloadTarget,
  safeFileName,
} from '../../../main/transfers/file-names';

const id = '0b9a4d6e-1111-4c2b-9d0e-123456789abc';

describe('safeFileName', () => {
  it('adds the disk format as extension, unless the name has it', () => {
    expect(safeFileName('ubuntu-22.04', 'qcow2', id)).toBe('ubuntu-22.04.qcow2');
    expect(safeFileName('ubuntu.QCOW2', 'qcow2', id)).toBe('ubuntu.qcow2');
    expect(safeFileName('disk', 'raw', id)).toBe('disk.raw');
    expect(safeFileName('disk', null, id)).toBe('disk');
    expect(safeFileName('disk', 'unknown-format', id)).toBe('disk');
  });

  it('replaces separators, reserved punctuation and control characters', () => {
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j', 'raw', id)).toBe('a_b_c_d_e_f_g_h_i_j.raw');
    expect(safeFileName('tab\there\nnew\u0000nul\u007f', null, id)).toBe('tab_here_new_nul_');
    expect(safeFileName('../../etc/passwd', null, id)).toBe('_.._etc_passwd');
  });

  it('never makes a hidden file, nor one ending with a dot or a space', () => {
    expect(safeFileName('.bashrc', null, id)).toBe('bashrc');
    expect(safeFileName('name. . ', null, id)).toBe('name');
    expect(safeFileName('  padded  ', 'iso', id)).toBe('padded.iso');
  });

  it('avoids Windows device names, with or without an extension, in any case', () => {
    expect(safeFileName('CON', null, id)).toBe('CON_');
    expect(safeFileName('nul', 'raw', id)).toBe('nul_.raw');
    expect(safeFileName('com1.backup', 'qcow2', id)).toBe('com1_.backup.qcow2');
    expect(safeFileName('LPT9', 'iso', id)).toBe('LPT9_.iso');
    expect(safeFileName('console', 'iso', id)).toBe('console.iso');
  });

  it('falls back to the image id for an empty or unusable name', () => {
    expect(safeFileName(null, 'qcow2', id)).toBe(`${id}.qcow2`);
    expect(safeFileName('', null, id)).toBe(id);
    expect(safeFileName('...', 'raw', id)).toBe(`${id}.raw`);
  });

  it('keeps Chinese names and cuts long ones to whole characters within 255 bytes', () => {
    expect(safeFileName('中文镜像', 'qcow2', id)).toBe('中文镜像.qcow2');
    const long = '镜'.repeat(200); // 600 bytes
    const name = safeFileName(long, 'qcow2', id);
    const withSuffix = `${name.replace('.qcow2', '')} (99999).qcow2.part`;
    expect(Buffer.byteLength(withSuffix)).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^镜+\.qcow2$/);
    expect(Buffer.byteLength(name)).toBeGreaterThan(200);
  });

  it('does not split an emoji (a surrogate pair) when cutting', () => {
    const name = safeFileName('😀'.repeat(100), null, id);
    expect(name).toMatch(/^(😀)+$/u);
  });
});

describe('reserveDownloadTarget and moveIntoPlace', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'names-'));
  });
  afterEach(async () => {
    await chmod(folder, 0o755).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  });

  it('claims the name by creating its .part', async () => {
    const target = await reserveDownloadTarget(folder, 'disk.qcow2');
    expect(target).toEqual({
      finalPath: join(folder, 'disk.qcow2'),
      partPath: join(folder, 'disk.qcow2.part'),
    });
    expect(await readdir(folder)).toEqual(['disk.qcow2.part']);
  });

  it('skips a name taken by a user file or by another transfer’s .part', async () => {
    await writeFile(join(folder, 'disk.qcow2'), 'the user’s own file');
    await writeFile(join(folder, 'disk (2).qcow2.part'), 'another transfer');
    const target = await reserveDownloadTarget(folder, 'disk.qcow2');
    expect(target.finalPath).toBe(join(folder, 'disk (3).qcow2'));
    const second = await reserveDownloadTarget(folder, 'disk.qcow2');
    expect(second.finalPath).toBe(join(folder, 'disk (4).qcow2'));
    expect(await readFile(join(folder, 'disk.qcow2'), 'utf8')).toBe('the user’s own file');
  });

  it('numbers a name without a known extension at its end', async () => {
    await writeFile(join(folder, 'ubuntu-22.04'), 'x');
    const target = await reserveDownloadTarget(folder, 'ubuntu-22.04');
    expect(target.finalPath).toBe(join(folder, 'ubuntu-22.04 (2)'));
  });

  it('moves into place, and never over a file that appeared meanwhile', async () => {
    const target = await reserveDownloadTarget(folder, 'disk.raw');
    await writeFile(target.partPath, 'verified bytes');
    await writeFile(target.finalPath, 'appeared meanwhile');
    const path = await moveIntoPlace(target.partPath, target.finalPath);
    expect(path).toBe(join(folder, 'disk (2).raw'));
    expect(await readFile(path, 'utf8')).toBe('verified bytes');
    expect(await readFile(target.finalPath, 'utf8')).toBe('appeared meanwhile');
    expect((await readdir(folder)).sort()).toEqual(['disk (2).raw', 'disk.raw']);
  });

  it('reports a missing folder as a filesystem error in plain words', async () => {
    await expect(reserveDownloadTarget(join(folder, 'gone'), 'disk.raw')).rejects.toMatchObject({
      kind: 'filesystem',
      message: expect.stringContaining('does not exist'),
      details: { code: 'ENOENT' },
    });
  });
});
