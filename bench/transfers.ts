/**
 * Transfer benchmarks: a 1 GiB image downloaded by the engine (verified) vs `curl -o` and
 * `openstack image save`, and the CPU it spends against curl's plus sha512's; the same
 * download from a far-away cloud (bench/wan.ts); a 1 GiB file uploaded by the engine vs
 * `curl -T` and `openstack image create --file`; with the engine's peak RSS. Each case runs
 * `runs` times, interleaved with its peers, and reports the medians.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { projectToken, type Testbed } from '../test/testbed/index';
import { createRandomFile, uploadImage } from '../test/testbed/seed';
import {
  bundleEngineChild,
  engine as runEngine,
  expectSize,
  GiB,
  median,
  quote,
  run,
  sha512CpuSeconds,
  timed,
  timedShell,
  type ChildResult,
} from './engine';
import type { BenchContext, BenchSuite } from './types';
import { benchWan } from './wan';

const runs = 3;
let childScript = '';

const engine = (mode: string, args: Record<string, string | number>): Promise<ChildResult> =>
  runEngine(childScript, mode, args);

/** The environment `openstack` needs for the bed's admin (ids: this Keystone 500s on name lookups). */
function openstackEnv(bed: Testbed): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OS_AUTH_URL: bed.authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_IMAGE_API_VERSION: '2',
    OS_USER_ID: bed.admin.userId,
    OS_PASSWORD: bed.admin.password,
    OS_PROJECT_ID: bed.admin.projectId,
    OS_REGION_NAME: bed.region,
    OS_INTERFACE: 'public',
  };
}

async function glanceJson(
  bed: Testbed,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${bed.glanceUrl}${path}`, {
    method,
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return (response.status === 204 ? { id: '' } : await response.json()) as { id: string };
}

async function benchDownloads(
  ctx: BenchContext,
  token: string,
  image: { id: string; sha512: string },
) {
  const { bed } = ctx;
  const imageId = image.id;
  const folder = join(ctx.workDir, 'downloads');
  await mkdir(folder, { recursive: true });
  const out = join(folder, 'peer.raw');
  const url = `${bed.glanceUrl}/v2/images/${imageId}/file`;
  const curlCommand = `curl -sS -f -o ${quote(out)} -H ${quote(`X-Auth-Token: ${token}`)} ${quote(url)}`;
  const curl = () => timedShell(curlCommand);
  // The same work as the engine, with command-line tools: download, verify the sha512, flush.
  const curlVerified = async () => {
    const result = await timedShell(
      `${curlCommand}; test "$(sha512sum ${quote(out)} | cut -d' ' -f1)" = ${image.sha512}; sync ${quote(out)}`,
    );
    return result.seconds;
  };
  const save = () =>
    run('/usr/bin/openstack', ['image', 'save', '--file', out, imageId], {
      env: openstackEnv(bed),
    });

  await curl(); // warm Glance's page cache for everyone
  const times = {
    engine: [] as number[],
    unverified: [] as number[],
    curl: [] as number[],
    curlVerified: [] as number[],
    openstack: [] as number[],
  };
  const cpu = { engine: [] as number[], curl: [] as number[], sha512: [] as number[] };
  let peakRss = 0;
  for (let i = 0; i < runs; i++) {
    const ours = await engine('download', { glanceUrl: bed.glanceUrl, token, imageId, folder });
    if (ours.verified !== true) throw new Error('the engine did not verify the download');
    await expectSize(ours.path ?? '', GiB);
    await rm(ours.path ?? '');
    times.engine.push(ours.seconds);
    cpu.engine.push(ours.cpuSeconds);
    peakRss = Math.max(peakRss, ours.peakRssMb);
    ctx.log(
      `engine download: ${ours.seconds.toFixed(2)} s, ${ours.cpuSeconds.toFixed(2)} CPU-s, peak RSS ${ours.peakRssMb.toFixed(1)} MB`,
    );

    const unverified = await engine('download-unverified', {
      glanceUrl: bed.glanceUrl,
      token,
      imageId,
      folder,
    });
    await rm(unverified.path ?? '');
    times.unverified.push(unverified.seconds);

    const byCurl = await curl();
    times.curl.push(byCurl.seconds);
    cpu.curl.push(byCurl.cpuSeconds);
    await expectSize(out, GiB);
    await rm(out);
    times.curlVerified.push(await curlVerified());
    await rm(out);
    times.openstack.push(await timed(save));
    await expectSize(out, GiB);
    await rm(out);
    cpu.sha512.push(sha512CpuSeconds());
    ctx.log(
      `download run ${i + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.at(-1)])))}`,
    );
  }
  ctx.log(
    `download CPU seconds (user + system), median: engine ${median(cpu.engine).toFixed(2)}, curl ${median(cpu.curl).toFixed(2)}, sha512 of 1 GiB in memory ${median(cpu.sha512).toFixed(2)}`,
  );
  const ours = median(times.engine);
  const rss = { peak_rss_mb: peakRss };
  // CPU per verified GiB: what curl spends to receive and write it, plus hashing it once.
  ctx.report({
    case: 'download-1GiB-cpu',
    peer: 'curl+sha512',
    ours_s: median(cpu.engine),
    peer_s: median(cpu.curl) + median(cpu.sha512),
    ...rss,
  });
  ctx.report({
    case: 'download-1GiB',
    peer: 'curl',
    ours_s: ours,
    peer_s: median(times.curl),
    ...rss,
  });
  ctx.report({
    case: 'download-1GiB',
    peer: 'curl+sha512sum+sync',
    ours_s: ours,
    peer_s: median(times.curlVerified),
    ...rss,
  });
  ctx.report({
    case: 'download-1GiB',
    peer: 'openstack-image-save',
    ours_s: ours,
    peer_s: median(times.openstack),
    ...rss,
  });
  ctx.report({
    case: 'download-1GiB',
    peer: 'engine-unverified',
    ours_s: ours,
    peer_s: median(times.unverified),
    ...rss,
  });
}

async function benchUploads(ctx: BenchContext, token: string, file: string) {
  const { bed } = ctx;
  const created: string[] = [];
  const curl = async () => {
    const image = await glanceJson(bed, token, 'POST', '/v2/images', {
      name: 'bench curl upload',
      disk_format: 'raw',
      container_format: 'bare',
    });
    created.push(image.id);
    await run('curl', [
      '-sS',
      '-f',
      '-T',
      file,
      '-H',
      `X-Auth-Token: ${token}`,
      '-H',
      'Content-Type: application/octet-stream',
      `${bed.glanceUrl}/v2/images/${image.id}/file`,
    ]);
  };
  const cli = async () => {
    const { stdout } = await run(
      '/usr/bin/openstack',
      [
        'image',
        'create',
        '--file',
        file,
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '-f',
        'value',
        '-c',
        'id',
        'bench cli upload',
      ],
      { env: openstackEnv(bed) },
    );
    created.push(stdout.trim());
  };
  const cleanUp = async () => {
    for (const id of created.splice(0)) await glanceJson(bed, token, 'DELETE', `/v2/images/${id}`);
  };

  const times = { engine: [] as number[], curl: [] as number[], openstack: [] as number[] };
  let peakRss = 0;
  for (let i = 0; i < runs; i++) {
    const ours = await engine('upload', { glanceUrl: bed.glanceUrl, token, file });
    if (ours.verified !== true) throw new Error('the engine did not verify the upload');
    created.push(ours.imageId ?? '');
    times.engine.push(ours.seconds);
    peakRss = Math.max(peakRss, ours.peakRssMb);
    await cleanUp();
    times.curl.push(await timed(curl));
    await cleanUp();
    times.openstack.push(await timed(cli));
    await cleanUp();
    ctx.log(
      `upload run ${i + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.at(-1)])))}`,
    );
  }
  const ours = median(times.engine);
  const rss = { peak_rss_mb: peakRss };
  ctx.report({
    case: 'upload-1GiB',
    peer: 'curl',
    ours_s: ours,
    peer_s: median(times.curl),
    ...rss,
  });
  ctx.report({
    case: 'upload-1GiB',
    peer: 'openstack-image-create',
    ours_s: ours,
    peer_s: median(times.openstack),
    ...rss,
  });
}

export const transfers: BenchSuite = {
  name: 'transfers',
  async run(ctx) {
    childScript = await bundleEngineChild(join(ctx.workDir, 'child'));
    const file = join(ctx.workDir, 'source-1GiB.raw');
    ctx.log('writing a 1 GiB random file');
    await createRandomFile(file, GiB);
    ctx.log('uploading it as the image to download');
    const image = await uploadImage(ctx.bed, ctx.bed.admin, { name: 'bench 1GiB', file });
    const token = await projectToken(ctx.bed.authUrl, ctx.bed.admin);
    await benchDownloads(ctx, token, { id: image.id, sha512: image.os_hash_value ?? '' });
    await benchWan(ctx, { token, imageId: image.id, childScript, runs });
    await benchUploads(ctx, token, file);
  },
};
