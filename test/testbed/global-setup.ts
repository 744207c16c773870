/**
 * Vitest global setup of the projects that need OpenStack (integration, e2e): one real
 * Keystone and its two Glances per run, shared by every file and every project. Tests read its facts
 * with `inject('testbed')`.
 *
 * GLANCE_DESK_TESTBED='{"authUrl":…}' (the JSON `npm run testbed` prints) reuses a running
 * bed instead, for quick iteration.
 */
import type { TestProject } from 'vitest/node';
import { serverLogTail, startTestbed, testbedInfo, type Testbed } from './index';
import type { TestbedInfo } from './types';

// Each project loads this file in its own module runner, but they share `globalThis`:
// the first project starts the bed, the last teardown stops it.
interface Shared {
  bed: Promise<Testbed | TestbedInfo>;
  users: number;
}
const KEY = Symbol.for('glance-desk.testbed');
const shared = globalThis as { [KEY]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = (shared[KEY] ??= { bed: acquire(), users: 0 });
  state.users += 1;
  const bed = await state.bed;
  project.provide('testbed', testbedInfo(bed));

  return async () => {
    state.users -= 1;
    if (state.users > 0) return;
    shared[KEY] = undefined;
    const failed = project.vitest.state.getCountOfFailedTests() > 0;
    if (failed) {
      console.error(
        `\nTests failed: the test bed's server logs end with\n${serverLogTail(bed.logDir, 40)}\n`,
      );
      console.error(`Full logs in ${bed.logDir}`);
    }
    if ('stop' in bed) await bed.stop({ keepLogs: failed });
  };
}

async function acquire(): Promise<Testbed | TestbedInfo> {
  const reuse = process.env.GLANCE_DESK_TESTBED;
  if (reuse) {
    const info = JSON.parse(reuse) as TestbedInfo;
    console.log(`Using the running test bed at ${info.authUrl} (GLANCE_DESK_TESTBED)`);
    if (!('second' in info)) {
      console.warn(
        'That bed predates the second region, the cold store and the metadata definitions: ' +
          'tests of them fail there. `npm run testbed` starts a bed that has them.',
      );
    }
    return info;
  }
  const bed = await startTestbed({ log: (line) => console.log(line) });
  console.log(
    `Test bed up: Keystone ${bed.authUrl}, Glance ${bed.glanceUrl} (${bed.region}) and ` +
      `${bed.second.glanceUrl} (${bed.second.region}), logs in ${bed.logDir}`,
  );
  return bed;
}
