/**
 * `npm run bench [-- suite…]`: starts one real Keystone + Glance test bed, runs every
 * registered suite (or the ones named) against it, and prints one `BENCH {json}` line per
 * case. Benchmarks, not tests: they report figures and never fail on them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestbed } from '../test/testbed/index';
import { copy } from './copy';
import { renderer } from './renderer';
import { transfers } from './transfers';
import type { BenchResult, BenchSuite } from './types';

/** Every suite; add new ones (e.g. renderer benchmarks) here. */
const suites: BenchSuite[] = [transfers, renderer, copy];

const round = (value: number) => Math.round(value * 1000) / 1000;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = suites.filter((suite) => wanted.length === 0 || wanted.includes(suite.name));
  if (selected.length === 0) {
    throw new Error(
      `No such suite: ${wanted.join(', ')}. Known: ${suites.map((s) => s.name).join(', ')}`,
    );
  }
  const log = (line: string) => console.error(line);
  const bed = await startTestbed({ log });
  const workRoot = await mkdtemp(join(bed.dir, 'bench-'));
  try {
    for (const suite of selected) {
      log(`== ${suite.name}`);
      const workDir = await mkdtemp(join(workRoot, `${suite.name}-`));
      await suite.run({
        bed,
        workDir,
        log: (line) => log(`[${suite.name}] ${line}`),
        report: (result) => {
          const line: BenchResult = {
            case: result.case,
            peer: result.peer,
            ours_s: round(result.ours_s),
            peer_s: round(result.peer_s),
            ratio: round(result.ours_s / result.peer_s),
            ...(result.peak_rss_mb === undefined ? {} : { peak_rss_mb: round(result.peak_rss_mb) }),
          };
          console.log(`BENCH ${JSON.stringify(line)}`);
        },
      });
      await rm(workDir, { recursive: true, force: true });
    }
  } finally {
    await rm(workRoot, { recursive: true, force: true });
    await bed.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
