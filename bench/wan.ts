/**
 * Downloads from a far-away cloud: the 1 GiB image through the shaping proxy
 * (test/support/shaping-proxy.ts) at 20 MB/s per connection and 20 ms one way, as per-flow
 * shaping at a provider or a VPN gives one TCP connection a fraction of the link. The
 * engine (verified, flushed) with 4 connections against `curl` (one connection) and
 * `aria2c -x4 -s4`, and with 8 against `aria2c -x8 -s8` (neither peer verifies or flushes).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startShapingProxy } from '../test/support/shaping-proxy';
import { engine, expectSize, GiB, median, quote, timedShell } from './engine';
import type { BenchContext } from './types';

const bytesPerSecond = 20_000_000;
const delayMs = 20;

export async function benchWan(
  ctx: BenchContext,
  {
    token,
    imageId,
    childScript,
    runs,
  }: {
    token: string;
    imageId: string;
    childScript: string;
    runs: number;
  },
): Promise<void> {
  const folder = join(ctx.workDir, 'wan');
  await mkdir(folder, { recursive: true });
  const proxy = await startShapingProxy(ctx.bed.glanceUrl, { bytesPerSecond, delayMs });
  ctx.log(
    `WAN: ${bytesPerSecond / 1e6} MB/s per connection, ${delayMs} ms one way, via ${proxy.url}`,
  );
  const url = `${proxy.url}/v2/images/${imageId}/file`;
  const out = join(folder, 'peer.raw');
  const header = quote(`X-Auth-Token: ${token}`);
  const curl = `curl -sS -f -o ${quote(out)} -H ${header} ${quote(url)}`;
  const aria2 = (connections: number) =>
    `aria2c -q -x${connections} -s${connections} --allow-overwrite=true --auto-file-renaming=false -d ${quote(folder)} -o peer.raw --header=${header} ${quote(url)}`;

  const peer = async (command: string): Promise<number> => {
    const { seconds } = await timedShell(command);
    await expectSize(out, GiB);
    await rm(out);
    return seconds;
  };
  const ours = async (connections: number): Promise<{ seconds: number; peakRssMb: number }> => {
    const result = await engine(childScript, 'download', {
      glanceUrl: proxy.url,
      token,
      imageId,
      folder,
      connections,
    });
    if (result.verified !== true) throw new Error('the engine did not verify the download');
    await expectSize(result.path ?? '', GiB);
    await rm(result.path ?? '');
    ctx.log(
      `WAN engine, ${connections} connections: ${result.seconds.toFixed(2)} s, ${result.cpuSeconds.toFixed(2)} CPU-s, peak RSS ${result.peakRssMb.toFixed(1)} MB`,
    );
    return result;
  };

  const times = {
    engine4: [] as number[],
    curl: [] as number[],
    aria2x4: [] as number[],
    engine8: [] as number[],
    aria2x8: [] as number[],
  };
  let peakRss4 = 0;
  let peakRss8 = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const four = await ours(4);
      times.engine4.push(four.seconds);
      peakRss4 = Math.max(peakRss4, four.peakRssMb);
      times.curl.push(await peer(curl));
      times.aria2x4.push(await peer(aria2(4)));
      const eight = await ours(8);
      times.engine8.push(eight.seconds);
      peakRss8 = Math.max(peakRss8, eight.peakRssMb);
      times.aria2x8.push(await peer(aria2(8)));
      ctx.log(
        `WAN run ${i + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.at(-1)])))}`,
      );
    }
  } finally {
    await proxy.close();
  }
  const four = { case: 'download-wan-1GiB', ours_s: median(times.engine4), peak_rss_mb: peakRss4 };
  ctx.report({ ...four, peer: 'curl', peer_s: median(times.curl) });
  ctx.report({ ...four, peer: 'aria2c-x4-s4', peer_s: median(times.aria2x4) });
  ctx.report({
    case: 'download-wan-1GiB-x8',
    peer: 'aria2c-x8-s8',
    ours_s: median(times.engine8),
    peer_s: median(times.aria2x8),
    peak_rss_mb: peakRss8,
  });
}
