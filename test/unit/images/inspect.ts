// Shared by the image inspection tests: a temporary folder, inspectFile with its record of
// opens and reads cleared first (see read-record.ts), and typed expectations.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { DamagedImage, DiskImage, FileInspection } from '../../../common/disk-image';
import { inspectFile } from '../../../main/images/inspect-file';
import { writeImage } from './headers';
import { resetReads } from './read-record';

export function useTempFolder(): { path: (name: string) => string } {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glance-desk-inspect-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (name) => join(dir, name) };
}

/** inspectFile, with the record of opens and reads cleared first. */
export async function inspect(path: string): Promise<FileInspection> {
  resetReads();
  return inspectFile(path);
}

/** Writes the parts into a new file and inspects it. */
export async function inspectParts(
  path: string,
  parts: [number, Buffer][],
  size?: number,
): Promise<FileInspection> {
  await writeImage(path, parts, size);
  return inspect(path);
}

export function imageOf<F extends DiskImage['format']>(
  inspection: FileInspection,
  format: F,
): Extract<DiskImage, { format: F }> {
  expect(inspection).toMatchObject({ status: 'image', image: { format } });
  if (inspection.status !== 'image') throw new Error(`not an image: ${inspection.status}`);
  return inspection.image as Extract<DiskImage, { format: F }>;
}

export function expectDamaged(
  inspection: FileInspection,
  expected: Omit<DamagedImage, 'fileSize'>,
): void {
  expect(inspection).toEqual({
    status: 'damaged',
    damaged: { ...expected, fileSize: expect.any(Number) as number },
  });
}
