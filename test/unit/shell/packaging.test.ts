// electron-builder.yml is valid for the installed electron-builder, packages what the
// electron-vite build produces, locks release builds down with fuses, and has its icons.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
> & {
  files: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  deb?: { depends?: string[] };
};
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  dependencies: Record<string, string>;
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const bytes = readFileSync(join(root, path));
  expect(bytes.subarray(1, 4).toString('latin1'), path).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    // electron-builder's validator (the one `electron-builder` runs before packaging).
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const logger = { add: () => undefined, isEnabled: false };
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, bogus: true }, logger)).rejects.toThrow();
    // Loading electron-builder takes a while on a busy 2-core machine.
  }, 60_000);

  it('packages the electron-vite output the app starts from', () => {
    expect(packageJson.main).toBe('out/main/index.js');
    expect(config.files).toContain('out/**');
    expect(config.productName).toBe(packageJson.productName);
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
  });

  it('builds AppImage + deb, nsis and dmg + zip, without narrowing the deb’s dependencies', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    // electron-updater updates a Mac app from the zip.
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.deb?.depends).toBeUndefined();
  });

  it('publishes releases (and the update feed) to GitHub, and packs the updater', () => {
    // A runtime dependency, so electron-builder packs it (the main bundle leaves it external).
    expect(packageJson.dependencies['electron-updater']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(config.publish).toEqual({
      provider: 'github',
      owner: 'glance-desk',
      repo: 'glance-desk',
      releaseType: 'release',
    });
  });

  it('sets the fuses for a locked-down release build', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has its icons at the sizes each platform needs', () => {
    expect(pngSize(config.mac.icon)).toEqual([512, 512]);
    expect(pngSize(config.win.icon)).toEqual([512, 512]);
    for (const size of [32, 64, 128, 256, 512]) {
      expect(pngSize(`${config.linux.icon}/${size}x${size}.png`)).toEqual([size, size]);
    }
  });
});
