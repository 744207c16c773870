import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const shellFolders = ['main/shell/', 'preload/'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const importing = (module: string) =>
  new RegExp(`(?:from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*|import\\s+)['"]${module}['"]`);
const importsElectron = importing('electron');
const importsElectronUpdater = importing('electron-updater');

describe('process boundaries', () => {
  it('only the Electron shell imports electron', () => {
    const offenders = ['main', 'preload', 'renderer', 'common']
      .flatMap(sourceFiles)
      .filter((file) => !shellFolders.some((folder) => file.startsWith(folder)))
      .filter((file) => importsElectron.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('only main/shell imports electron-updater (it imports electron)', () => {
    const offenders = ['main', 'preload', 'renderer', 'common']
      .flatMap(sourceFiles)
      .filter((file) => !file.startsWith('main/shell/'))
      .filter((file) => importsElectronUpdater.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
    expect(importsElectronUpdater.test("import electronUpdater from 'electron-updater';")).toBe(
      true,
    );
  });

  it('recognises every way of importing electron', () => {
    for (const line of [
      "import { app } from 'electron';",
      'import "electron";',
      "const e = require('electron');",
      "await import('electron');",
      "export { shell } from 'electron';",
    ]) {
      expect(importsElectron.test(line), line).toBe(true);
    }
    expect(importsElectron.test("import Store from 'electron-store';")).toBe(false);
  });
});
