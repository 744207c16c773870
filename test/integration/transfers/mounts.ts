import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether this machine lets us mount a small tmpfs (root, and mount allowed in this container). */
export const canMountTmpfs: boolean = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/** Mounts a tmpfs of `size` (e.g. '24m') on `folder`, read-only if asked. */
export function mountTmpfs(folder: string, size: string, readOnly = false): void {
  const options = `size=${size},mode=0777${readOnly ? ',ro' : ''}`;
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', folder]);
}

/** Gives the tmpfs on `folder` a new size: "frees space" on a full one. */
export function resizeTmpfs(folder: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, folder]);
}

export function remountReadOnly(folder: string): void {
  execFileSync('mount', ['-o', 'remount,ro', folder]);
}

export function unmount(folder: string): void {
  execFileSync('umount', ['-l', folder]);
}
