/**
 * Runs one cloud-to-cloud copy with the engine in a process of its own, so that its time,
 * peak memory and disk writes are its own: `node copy-child.mjs copy <json>` (bundled by
 * bench/engine.ts). Prints one JSON line: { seconds, cpuSeconds, peakRssMb, writtenMb, … }.
 */
import { readFileSync } from 'node:fs';
import { OpenStackSession } from '../main/openstack/keystone';
import { copyImage } from '../main/transfers/copy';
import { imageDataFor } from '../main/transfers/image-data';
import { defaultRetryPolicy } from '../main/transfers/retry';

interface Args {
  sourceUrl: string;
  targetUrl: string;
  token: string;
  imageId: string;
}

const args = JSON.parse(process.argv[3] ?? '{}') as Args;
const sessionFor = (imageEndpoint: string) =>
  new OpenStackSession({
    auth: { method: 'token', token: args.token },
    imageEndpoint,
    interface: 'public',
  });
const sourceSession = sessionFor(args.sourceUrl);
const targetSession = sessionFor(args.targetUrl);
const ignore = () => undefined;

/** This process's Linux I/O counter: bytes it had written to storage. */
function writtenBytes(): number {
  try {
    return Number(/write_bytes:\s+(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Peak RSS of this process in MB (VmHWM on Linux: see engine-child.ts). */
function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const writtenBefore = writtenBytes();
const started = performance.now();
const result = await copyImage(
  imageDataFor(sourceSession),
  imageDataFor(targetSession),
  {
    sourceImageId: args.imageId,
    create: { name: 'bench copy', disk_format: 'raw', container_format: 'bare' },
    protect: false,
    targetImageId: null,
    expected: null,
    localCopy: null,
  },
  {
    signal: new AbortController().signal,
    policy: defaultRetryPolicy,
    stallTimeoutMs: 30_000,
    onProgress: ignore,
    onRetry: ignore,
    onUploadRestart: ignore,
    onLocalCopyLost: ignore,
    onVerifying: ignore,
    onPlan: ignore,
  },
);
const seconds = (performance.now() - started) / 1000;
await Promise.all([sourceSession.close(), targetSession.close()]);
const { userCPUTime, systemCPUTime } = process.resourceUsage();
console.log(
  JSON.stringify({
    imageId: result.image.id,
    verified: result.verification?.ok,
    seconds,
    cpuSeconds: (userCPUTime + systemCPUTime) / 1e6,
    peakRssMb: peakRssMb(),
    writtenMb: (writtenBytes() - writtenBefore) / 2 ** 20,
  }),
);
