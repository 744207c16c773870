// `npm ci --ignore-scripts` (our documented install, which works without access to
// Electron's release downloads) skips the `electron` package's own download. Run that
// download now, before the app starts or is packaged, if the binary is still missing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');

if (!existsSync(pathFile)) {
  console.log('Electron binary not installed yet: downloading it (needs internet access).');
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(
      'Could not download the Electron binary. The app cannot start on this machine; ' +
        'everything else (build, type-check, tests) works without it.',
    );
    process.exit(result.status ?? 1);
  }
}
