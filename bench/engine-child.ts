/**
 * Runs one transfer with the engine in a process of its own, so that its time and peak
 * memory are its own: `node --import tsx bench/engine-child.ts <mode> <json>`. Prints one
 * JSON line: { seconds, cpuSeconds, peakRssMb, … }, time and CPU around the transfer.
 * Modes: `download` (the engine, verified), `download-unverified` (the same Glance client
 * straight into a file: what hashing and the .part handling cost), `upload` (create +
 * upload + verify).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OpenStackSession } from '../main/openstack/keystone';
import { downloadImage } from '../main/transfers/download';
import { reserveDownloadTarget, safeFileName } from '../main/transfers/file-names';
import { imageDataFor } from '../main/transfers/image-data';
import { defaultRetryPolicy } from '../main/transfers/retry';
import { uploadImage } from '../main/transfers/upload';

interface Args {
  glanceUrl: string;
  token: string;
  imageId?: string;
  folder?: string;
  file?: string;
  /** Download connections (default 4, as the app's default). */
  connections?: number;
}

const [mode, json] = process.argv.slice(2);
const args = JSON.parse(json ?? '{}') as Args;
const session = new OpenStackSession({
  auth: { method: 'token', token: args.token },
  imageEndpoint: args.glanceUrl,
  interface: 'public',
});
const data = imageDataFor(session);
const signal = new AbortController().signal;
const ignore = () => undefined;

async function run(): Promise<Record<string, unknown>> {
  switch (mode) {
    case 'download': {
      const image = await data.getImage(args.imageId ?? '');
      const target = await reserveDownloadTarget(
        args.folder ?? '',
        safeFileName(image.name, image.disk_format, image.id),
      );
      const result = await downloadImage(
        data,
        { imageId: image.id, imageName: image.name ?? '', ...target, expected: null },
        {
          signal,
          policy: defaultRetryPolicy,
          stallTimeoutMs: 30_000,
          connections: args.connections ?? 4,
          onProgress: ignore,
          onRetry: ignore,
          onVerifying: ignore,
          onPlan: ignore,
        },
      );
      return { path: result.path, bytes: result.bytes, verified: result.verification?.ok };
    }
    case 'download-unverified': {
      const response = await data.openDownload(args.imageId ?? '', { signal });
      const path = join(args.folder ?? '', 'unverified.raw');
      await pipeline(response.body, createWriteStream(path, { highWaterMark: 1 << 20 }));
      return { path };
    }
    case 'upload': {
      const result = await uploadImage(
        data,
        {
          sourcePath: args.file ?? '',
          imageId: null,
          create: { name: 'bench engine upload', disk_format: 'raw', container_format: 'bare' },
        },
        { signal, onProgress: ignore, onVerifying: ignore, onPlan: ignore },
      );
      return { imageId: result.image.id, bytes: result.bytes, verified: result.verification?.ok };
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

/**
 * Peak RSS of this process in MB. On Linux, VmHWM: getrusage's maxRSS would also count
 * the parent's memory, which the kernel carries over from the fork into the exec'd child.
 */
function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

// Time and CPU (every thread: the hasher's too) around the transfer, like a transfer in the
// running app: not Node's start-up and the bundle's loading (~0.14 CPU-s), which curl has not.
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = await run();
const seconds = (performance.now() - started) / 1000;
const { user, system } = process.cpuUsage(cpuBefore);
const cpuSeconds = (user + system) / 1e6;
await session.close();
console.log(JSON.stringify({ ...result, seconds, cpuSeconds, peakRssMb: peakRssMb() }));
