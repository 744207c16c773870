/**
 * What the transfer benchmarks share: the engine run in a child process of its own, and
 * the timing helpers for it and its peers.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';

export const run = promisify(execFile);
export const GiB = 1024 * 1024 * 1024;

/**
 * Bundles a child (`entry`: bench/engine-child.ts, or bench/copy-child.ts) into one
 * plain-Node ES module, as electron-vite bundles the app's main process: running it through
 * tsx instead would add tsx's loader thread (~30 MB) to the memory measured. Returns the
 * script's path.
 */
export async function bundleEngineChild(outDir: string, entry = 'engine-child'): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: new URL(`./${entry}.ts`, import.meta.url).pathname,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { entryFileNames: `${entry}.mjs` } },
    },
    ssr: { noExternal: true, target: 'node' },
  });
  return join(outDir, `${entry}.mjs`);
}

export interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  verified?: boolean;
  imageId?: string;
  path?: string;
}

/** Runs one transfer in the bundled engine child (`mode` and `args`: see engine-child.ts). */
export async function engine(
  script: string,
  mode: string,
  args: Record<string, string | number>,
): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [script, mode, JSON.stringify(args)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Runs a shell command; resolves to its wall time and its children's CPU time (user + system). */
export async function timedShell(
  command: string,
): Promise<{ seconds: number; cpuSeconds: number }> {
  let stdout = '';
  const seconds = await timed(async () => {
    ({ stdout } = await run('bash', ['-c', `set -e; ${command} >/dev/null; times`]));
  });
  // `times` prints the shell's own user/system time, then its children's: "0m0.051s 0m1.624s".
  const children = stdout.trim().split('\n').at(-1) ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)]
    .map(([, minutes, secs]) => Number(minutes) * 60 + Number(secs))
    .reduce((sum, value) => sum + value, 0);
  return { seconds, cpuSeconds };
}

/**
 * CPU seconds (user + system, one core) to sha512 1 GiB already in memory: the least
 * verification can cost here, whatever the client.
 */
export function sha512CpuSeconds(): number {
  const block = randomBytes(64 * 1024 * 1024);
  const hash = createHash('sha512');
  const before = process.cpuUsage();
  for (let done = 0; done < GiB; done += block.length) hash.update(block);
  hash.digest();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1e6;
}

export const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function expectSize(path: string, size: number): Promise<void> {
  const actual = (await stat(path)).size;
  if (actual !== size) throw new Error(`${path} has ${actual} bytes, expected ${size}`);
}
