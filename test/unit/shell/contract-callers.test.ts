// Every call in the IPC contract is made by the renderer and by some test. A call the page
// does not use only gives a compromised page more to reach (it was how openExternal and
// listImageMembers went); a call no test makes is a door nobody checks. A static check over
// the sources: the renderer calls `api.name(…)`, the tests name the call as a string
// (`main.value('name', …)`, `invoke(electron, 'name')`, `dispatch(handlers, 'name', …)`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callNames } from '../../../common/channels';

const root = join(import.meta.dirname, '../../..');

function sourcesUnder(folder: string, extension: RegExp, except?: string): string {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extension.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => path !== except)
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

const renderer = sourcesUnder('renderer/src', /\.(ts|svelte)$/);
const tests = sourcesUnder('test', /\.ts$/, import.meta.filename);

describe('the IPC contract', () => {
  it('has no call the renderer does not make', () => {
    const unused = callNames.filter((name) => !new RegExp(`\\bapi\\.${name}\\(`).test(renderer));
    expect(unused, 'calls with no caller in renderer/src').toEqual([]);
  });

  it('has no call that no test makes', () => {
    const untested = callNames.filter((name) => !new RegExp(`(['"\`])${name}\\1`).test(tests));
    expect(untested, 'calls never named in test/').toEqual([]);
  });
});
