import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkInsideFolder,
  moveIntoPlace,
  reserveDownloadTarget,
  safeFileName,
} from '../../../main/transfers/file-names';

const id = '0b9a4d6e-1111-4c2b-9d0e-123456789abc';

/** Every rule a file name built from server data must keep, on every platform. */
function expectSafe(name: string): void {
  expect(name).not.toBe('');
  expect(name).not.toMatch(/[/\\<>:"|?*]/);
  // eslint-disable-next-line no-control-regex -- control characters are what must not be there
  expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(name).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  expect(name).not.toMatch(/^[.\s]|[.\s]$/);
  expect(name.split('.')[0]?.trimEnd()).not.toMatch(
    /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i,
  );
  expect(Buffer.byteLength(`${name} (99999).part`)).toBeLessThanOrEqual(255);
  // Inside the folder by the rules of both path flavours, not only this machine's.
  expect(posix.dirname(posix.join('/downloads', name))).toBe('/downloads');
  expect(win32.dirname(win32.join('C:\\downloads', name))).toBe('C:\\downloads');
}

describe('safeFileName with names, ids and formats built to escape', () => {
  // [name, disk format, id, the file name]
  const cases: [string | null, string | null, string, string][] = [
    ['../../x', null, id, '_.._x'],
    ['..\\..\\x', 'raw', id, '_.._x.raw'],
    ['/etc/passwd', null, id, '_etc_passwd'],
    ['C:\\Windows\\System32\\x', null, id, 'C__Windows_System32_x'],
    ['\\\\server\\share\\x', null, id, '__server_share_x'],
    ['C:', null, id, 'C_'],
    ['x:stream', null, id, 'x_stream'],
    ['.', 'qcow2', id, `${id}.qcow2`],
    ['..', null, id, id],
    ['/', null, id, '_'],
    // No name: the id goes through the same rules, then "image".
    [null, 'qcow2', '../../x', '_.._x.qcow2'],
    [null, null, '..\\..\\x', '_.._x'],
    [null, null, '/abs/path', '_abs_path'],
    [null, null, '..', 'image'],
    [null, null, '', 'image'],
    ['\u202e', null, '\u202e', 'image'],
    ['..\u202e.', null, 'CON', 'CON_'],
    // Bidi overrides, isolates and marks are dropped: `gpj.exe` is no longer shown as `exe.jpg`.
    ['photo\u202egpj.exe', 'raw', id, 'photogpj.exe.raw'],
    [
      'a\u2066b\u2069c\u200e\u200f\u061cd\u202ae\u202bf\u202cg\u202dh\u2067i\u2068j',
      null,
      id,
      'abcdefghij',
    ],
    // Control characters, line and paragraph separators.
    ['tab\there\nnew\u0000nul\u007f', null, id, 'tab_here_new_nul_'],
    ['a\u2028b\u2029c\u0085d\u001be', null, id, 'a_b_c_d_e'],
    // Windows device names, in any case, with an extension, a trailing dot or space.
    ['CON', null, id, 'CON_'],
    ['con.txt', 'raw', id, 'con_.txt.raw'],
    ['CON .txt', null, id, 'CON_ .txt'],
    ['AUX.', null, id, 'AUX_'],
    ['nul\u202e', null, id, 'nul_'],
    ['COM¹', null, id, 'COM¹_'],
    ['lpt1.tar.gz', null, id, 'lpt1_.tar.gz'],
    ['conin$', null, id, 'conin$_'],
    // Hidden files, trailing dots and spaces.
    [' . hidden', null, id, 'hidden'],
    ['trail . . ', 'raw', id, 'trail.raw'],
    ['a..qcow2', 'qcow2', id, 'a.qcow2'],
    // The disk format only ever picks an extension from the table; anything else adds none.
    ['x', 'constructor', id, 'x'],
    ['x', '__proto__', id, 'x'],
    ['x', 'toString', id, 'x'],
    ['x', '../../etc', id, 'x'],
    ['x', 'qcow2/../../y', id, 'x'],
    ['x', '.exe', id, 'x'],
  ];
  it.each(cases)('%j (format %j, id %j) → %j', (name, format, imageId, expected) => {
    const fileName = safeFileName(name, format, imageId);
    expect(fileName).toBe(expected);
    expectSafe(fileName);
  });

  it('cuts a 10 kB name (and a 10 kB id) to fit with " (n)" and ".part"', () => {
    for (const [name, imageId] of [
      ['a'.repeat(10_000), id],
      [null, 'b'.repeat(10_000)],
      ['镜'.repeat(4000) + '.', id],
      [`${'../'.repeat(3000)}x`, id],
    ] as const) {
      const fileName = safeFileName(name, 'qcow2', imageId);
      expectSafe(fileName);
      expect(fileName.endsWith('.qcow2')).toBe(true);
      expect(Buffer.byteLength(fileName)).toBeGreaterThan(200);
    }
  });
});

describe('safeFileName', () => {
  it('adds the disk format as extension, unless the name has it', () => {
    expect(safeFileName('ubuntu-22.04', 'qcow2', id)).toBe('ubuntu-22.04.qcow2');
    expect(safeFileName('ubuntu.QCOW2', 'qcow2', id)).toBe('ubuntu.qcow2');
    expect(safeFileName('disk', 'raw', id)).toBe('disk.raw');
    expect(safeFileName('disk', null, id)).toBe('disk');
    expect(safeFileName('disk', 'unknown-format', id)).toBe('disk');
    // Huawei IMS's formats.
    expect(safeFileName('CentOS 7.9', 'zvhd2', id)).toBe('CentOS 7.9.zvhd2');
    expect(safeFileName('old.zvhd', 'zvhd', id)).toBe('old.zvhd');
  });

  it('replaces separators and reserved punctuation', () => {
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j', 'raw', id)).toBe('a_b_c_d_e_f_g_h_i_j.raw');
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
      folder,
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
    const path = await moveIntoPlace(target);
    expect(path).toBe(join(folder, 'disk (2).raw'));
    expect(await readFile(path, 'utf8')).toBe('verified bytes');
    expect(await readFile(target.finalPath, 'utf8')).toBe('appeared meanwhile');
    expect((await readdir(folder)).sort()).toEqual(['disk (2).raw', 'disk.raw']);
  });

  it('never writes through a symbolic link that holds a name, even a dangling one', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    try {
      await symlink(join(outside, 'victim'), join(folder, 'disk.raw'));
      await symlink(join(outside, 'victim.part'), join(folder, 'disk (2).raw.part'));
      const target = await reserveDownloadTarget(folder, 'disk.raw');
      expect(target.finalPath).toBe(join(folder, 'disk (3).raw'));
      await writeFile(target.partPath, 'verified bytes');
      await symlink(join(outside, 'late'), target.finalPath); // appears before the move
      const path = await moveIntoPlace(target);
      expect(path).toBe(join(folder, 'disk (3) (2).raw'));
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a name that would leave the folder, and writes nothing anywhere', async () => {
    const inner = join(folder, 'inner');
    await mkdir(inner);
    for (const name of ['../escaped', '../../escaped', '/tmp/escaped', 'sub/escaped']) {
      await expect(reserveDownloadTarget(inner, name)).rejects.toMatchObject({
        kind: 'validation',
        details: { reason: 'outside-folder', folder: inner },
      });
    }
    expect(await readdir(folder)).toEqual(['inner']);
    expect(await readdir(inner)).toEqual([]);
  });

  it('refuses to move a .part to, or from, outside the folder', async () => {
    const inner = join(folder, 'inner');
    await mkdir(inner);
    const target = await reserveDownloadTarget(inner, 'disk.raw');
    await writeFile(target.partPath, 'verified bytes');
    const outsideFinal = { ...target, finalPath: join(folder, 'disk.raw') };
    await expect(moveIntoPlace(outsideFinal)).rejects.toMatchObject({
      kind: 'validation',
      details: { reason: 'outside-folder', path: join(folder, 'disk.raw') },
    });
    const outsidePart = { ...target, partPath: join(folder, 'x.part') };
    await expect(moveIntoPlace(outsidePart)).rejects.toMatchObject({
      details: { reason: 'outside-folder' },
    });
    expect((await readdir(folder)).sort()).toEqual(['inner']);
    expect(await readdir(inner)).toEqual(['disk.raw.part']);
  });

  it('reports a missing folder as a filesystem error in plain words', async () => {
    await expect(reserveDownloadTarget(join(folder, 'gone'), 'disk.raw')).rejects.toMatchObject({
      kind: 'filesystem',
      message: expect.stringContaining('does not exist'),
      details: { reason: 'path-missing', path: join(folder, 'gone') },
    });
  });
});

describe('checkInsideFolder', () => {
  const folder = join(tmpdir(), 'downloads');
  const inside = ['disk.raw', 'disk.raw.part', 'sub/../disk.raw', './disk (2).raw', '..disk'];
  it.each(inside)('accepts %j, a file directly in the folder', (name) => {
    expect(() => checkInsideFolder(folder, join(folder, name))).not.toThrow();
  });

  const outside = [
    join(folder, '..', 'disk.raw'),
    join(folder, '..', '..', 'disk.raw'),
    join(folder, 'sub', 'disk.raw'),
    join(`${folder}-other`, 'disk.raw'),
    folder,
    join(folder, '..'),
    '/etc/passwd',
    'relative.raw',
  ];
  it.each(outside)('refuses %j with a typed error naming the folder', (path) => {
    expect(() => checkInsideFolder(folder, path)).toThrow(
      expect.objectContaining({
        kind: 'validation',
        details: { reason: 'outside-folder', path, folder },
      }),
    );
  });
});
