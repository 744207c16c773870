import type { Testbed } from '../test/testbed/index';

/** One line of the benchmark output: ours against a peer, same work, same machine. */
export interface BenchResult {
  case: string;
  peer: string;
  ours_s: number;
  peer_s: number;
  /** ours_s / peer_s: lower is better. */
  ratio: number;
  peak_rss_mb?: number;
}

export interface BenchContext {
  /** The one test bed every suite of the run shares. */
  bed: Testbed;
  /** A scratch folder for this suite, removed after the run. */
  workDir: string;
  log: (line: string) => void;
  report: (result: Omit<BenchResult, 'ratio'>) => void;
}

/** A group of benchmarks; register it in bench/run.ts. */
export interface BenchSuite {
  name: string;
  run: (context: BenchContext) => Promise<void>;
}
