// `npm run testbed` in a child process: it serves, stops cleanly on Ctrl-C, and leaves no
// server behind even when it is killed outright. Each test starts its own bed (~10 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestbed } from '../testbed/index';
import type { TestbedInfo } from '../testbed/types';

function startCli(): { child: ChildProcess; output: () => string; info: Promise<TestbedInfo> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/testbed/cli.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const info = new Promise<TestbedInfo>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const json = /GLANCE_DESK_TESTBED='(.+)'/.exec(output)?.[1];
      if (json) resolve(JSON.parse(json) as TestbedInfo);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the CLI exited (${code}) before the bed was up:\n${output}`)),
    );
  });
  return { child, output: () => output, info };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('npm run testbed', () => {
  it('prints a working bed and, on Ctrl-C, stops both servers and deletes its folder', async () => {
    const cli = startCli();
    const bed = await cli.info;
    expect(cli.output()).toContain(`export OS_AUTH_URL=${bed.authUrl}`);
    expect(cli.output()).toContain('clouds:');
    expect(cli.output()).toContain(`  testbed-member-${bed.second.region.toLowerCase()}:`);
    expect(cli.output()).toContain(`    region_name: ${bed.second.region}`);
    expect(cli.output()).toContain(`Second Glance:       ${bed.second.glanceUrl}`);
    expect(await answers(bed.authUrl)).toBe(true);
    expect(await answers(`${bed.glanceUrl}/`)).toBe(true);
    expect(await answers(`${bed.second.glanceUrl}/`)).toBe(true);

    cli.child.kill('SIGINT');
    expect(await exited(cli.child)).toBe(0);
    expect(cli.output()).toContain('Stopped');
    expect(existsSync(bed.dir)).toBe(false);
    expect(await answers(bed.authUrl)).toBe(false);
    expect(await answers(`${bed.glanceUrl}/`)).toBe(false);
    expect(await answers(`${bed.second.glanceUrl}/`)).toBe(false);
  });

  it('takes its servers down with it when killed outright (SIGKILL)', async () => {
    const cli = startCli();
    const bed = await cli.info;
    try {
      cli.child.kill('SIGKILL');
      await exited(cli.child);
      // The kernel sends the servers SIGTERM when their parent dies (PR_SET_PDEATHSIG).
      await expect
        .poll(
          async () =>
            (await answers(bed.authUrl)) ||
            (await answers(`${bed.glanceUrl}/`)) ||
            (await answers(`${bed.second.glanceUrl}/`)),
          { timeout: 30_000, interval: 250 },
        )
        .toBe(false);
    } finally {
      // Nothing ran to delete the folder: that is the price of SIGKILL.
      await rm(bed.dir, { recursive: true, force: true });
    }
  });
});

describe('startTestbed', () => {
  it('refuses to start without metadata definitions, saying how to get them', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'glance-desk-testbed-parent-'));
    const empty = join(parent, 'metadefs');
    await mkdir(empty);
    try {
      await expect(startTestbed({ dir: parent, metadefsDir: empty })).rejects.toThrow(
        `Glance's metadata definitions (*.json) are not in ${empty}: run scripts/install-system-deps.sh`,
      );
      // Nothing was started or left behind.
      expect(await readdir(parent)).toEqual(['metadefs']);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
