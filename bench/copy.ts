/**
 * Copy benchmark: a 1 GiB image copied from the test bed's RegionOne to RegionTwo by the
 * copy engine (streamed, verified at both ends) against the way people do it today —
 * `openstack image save` then `openstack image create --file` — and against the app's own
 * download followed by its upload, in the same run. Each runs `runs` times, interleaved,
 * and the medians are reported, with the engine's peak RSS; the bytes the engine's process
 * wrote to the disk are logged (none: the copy keeps no local copy here).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { projectToken, type Testbed } from '../test/testbed/index';
import { createRandomFile, uploadImage } from '../test/testbed/seed';
import { bundleEngineChild, engine, expectSize, GiB, median, run, timed } from './engine';
import type { BenchContext, BenchSuite } from './types';

const runs = 3;

/** `openstack` as the bed's admin, in `region` (ids: this Keystone 500s on name lookups). */
function openstackEnv(bed: Testbed, region: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OS_AUTH_URL: bed.authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_IMAGE_API_VERSION: '2',
    OS_USER_ID: bed.admin.userId,
    OS_PASSWORD: bed.admin.password,
    OS_PROJECT_ID: bed.admin.projectId,
    OS_REGION_NAME: region,
    OS_INTERFACE: 'public',
  };
}

async function deleteImage(glanceUrl: string, token: string, id: string): Promise<void> {
  const response = await fetch(`${glanceUrl}/v2/images/${id}`, {
    method: 'DELETE',
    headers: { 'x-auth-token': token },
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`DELETE image ${id}: ${response.status}`);
  }
}

async function benchCopy(ctx: BenchContext, source: { id: string }): Promise<void> {
  const { bed } = ctx;
  const token = await projectToken(bed.authUrl, bed.admin);
  const copyChild = await bundleEngineChild(join(ctx.workDir, 'copy-child'), 'copy-child');
  const engineChild = await bundleEngineChild(join(ctx.workDir, 'engine-child'));
  const folder = join(ctx.workDir, 'between');
  await mkdir(folder, { recursive: true });
  const saved = join(folder, 'saved.raw');

  const cli = async () => {
    const save = await timed(() =>
      run('/usr/bin/openstack', ['image', 'save', '--file', saved, source.id], {
        env: openstackEnv(bed, bed.region),
      }),
    );
    await expectSize(saved, GiB);
    let id = '';
    const create = await timed(async () => {
      const { stdout } = await run(
        '/usr/bin/openstack',
        [
          ...['image', 'create', '--file', saved, '--disk-format', 'raw'],
          ...['--container-format', 'bare', '-f', 'value', '-c', 'id', 'bench cli copy'],
        ],
        { env: openstackEnv(bed, bed.second.region) },
      );
      id = stdout.trim();
    });
    await rm(saved);
    await deleteImage(bed.second.glanceUrl, token, id);
    return save + create;
  };

  const downloadThenUpload = async () => {
    const down = await engine(engineChild, 'download', {
      glanceUrl: bed.glanceUrl,
      token,
      imageId: source.id,
      folder,
    });
    if (down.verified !== true) throw new Error('the engine did not verify the download');
    const up = await engine(engineChild, 'upload', {
      glanceUrl: bed.second.glanceUrl,
      token,
      file: down.path ?? '',
    });
    if (up.verified !== true) throw new Error('the engine did not verify the upload');
    await rm(down.path ?? '');
    await deleteImage(bed.second.glanceUrl, token, up.imageId ?? '');
    return down.seconds + up.seconds;
  };

  const times = { ours: [] as number[], cli: [] as number[], app: [] as number[] };
  let peakRss = 0;
  let writtenMb = 0;
  for (let i = 0; i < runs; i++) {
    const ours = (await engine(copyChild, 'copy', {
      sourceUrl: bed.glanceUrl,
      targetUrl: bed.second.glanceUrl,
      token,
      imageId: source.id,
    })) as Awaited<ReturnType<typeof engine>> & { writtenMb: number };
    if (ours.verified !== true) throw new Error('the copy was not verified');
    await deleteImage(bed.second.glanceUrl, token, ours.imageId ?? '');
    times.ours.push(ours.seconds);
    peakRss = Math.max(peakRss, ours.peakRssMb);
    writtenMb = Math.max(writtenMb, ours.writtenMb);
    times.cli.push(await cli());
    times.app.push(await downloadThenUpload());
    ctx.log(
      `copy run ${i + 1}: ours ${ours.seconds.toFixed(2)} s (${ours.cpuSeconds.toFixed(2)} CPU-s, peak RSS ${ours.peakRssMb.toFixed(1)} MB, ${ours.writtenMb.toFixed(1)} MB written), openstack save + create ${times.cli.at(-1)?.toFixed(2)} s, app download + upload ${times.app.at(-1)?.toFixed(2)} s`,
    );
  }
  ctx.log(`the copy's process wrote at most ${writtenMb.toFixed(1)} MB to the disk`);
  const ours = median(times.ours);
  const rss = { peak_rss_mb: peakRss };
  ctx.report({
    case: 'copy-1GiB',
    peer: 'openstack-image-save+create',
    ours_s: ours,
    peer_s: median(times.cli),
    ...rss,
  });
  ctx.report({
    case: 'copy-1GiB',
    peer: 'app-download+upload',
    ours_s: ours,
    peer_s: median(times.app),
    ...rss,
  });
}

export const copy: BenchSuite = {
  name: 'copy',
  async run(ctx) {
    const file = join(ctx.workDir, 'source-1GiB.raw');
    ctx.log('writing a 1 GiB random file and uploading it to RegionOne');
    await createRandomFile(file, GiB);
    const image = await uploadImage(ctx.bed, ctx.bed.admin, { name: 'bench copy 1GiB', file });
    await rm(file);
    await benchCopy(ctx, image);
  },
};
