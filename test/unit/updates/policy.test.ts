// main/updates/policy.ts: whether the app may look for updates and where (development
// builds, the environment, the machine's policy file), which feeds are acceptable, what to
// tell the user, and how electron-updater's errors are named.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError, newError } from 'builder-util-runtime';
import { afterAll, describe, expect, it } from 'vitest';
import type { UpdatePhase } from '../../../common/updates';
import {
  decideUpdates,
  environmentDisablesUpdates,
  interruptedByRestart,
  isAllowedFeedUrl,
  noticeFor,
  parsePolicy,
  readPolicyFile,
  systemPolicyFile,
  updateProblem,
} from '../../../main/updates/policy';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true }))));

describe('the policy file', () => {
  it('lives in a system folder of each platform', () => {
    expect(systemPolicyFile('linux', {})).toBe('/etc/glance-desk/policy.json');
    expect(systemPolicyFile('darwin', {})).toBe(
      '/Library/Application Support/Glance Desk/policy.json',
    );
    expect(systemPolicyFile('win32', { ProgramData: 'D:\\Data' })).toBe(
      join('D:\\Data', 'Glance Desk', 'policy.json'),
    );
  });

  it('turns updates off, or names a feed', () => {
    expect(parsePolicy('{ "updates": { "enabled": false } }')).toEqual({
      kind: 'valid',
      enabled: false,
    });
    expect(parsePolicy('{ "updates": { "url": "https://updates.example.com/desk/" } }')).toEqual({
      kind: 'valid',
      enabled: true,
      url: 'https://updates.example.com/desk/',
    });
    // Other sections are for other policies; no "updates" section changes nothing.
    expect(parsePolicy('{ "telemetry": "off" }')).toEqual({ kind: 'valid', enabled: true });
  });

  it('is refused, saying why, when it is not what it should be', () => {
    const refused = (text: string) => {
      const policy = parsePolicy(text);
      expect(policy.kind, text).toBe('invalid');
      return policy.kind === 'invalid' ? policy.problem : '';
    };
    expect(refused('{ updates: off }')).toMatch(/^not JSON/);
    expect(refused('{ "updates": { "enabled": "no" } }')).toContain('updates.enabled');
    expect(refused('{ "updates": { "url": "http://updates.example.com/" } }')).toContain(
      'updates.url',
    );
    expect(refused('{ "updates": { "enable": false } }')).toContain('enable');
    expect(refused('[]')).not.toBe('');
  });

  it('is read from disk: a missing file is no policy, a folder or bad file is refused', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'glance-desk-policy-'));
    folders.push(folder);
    expect(await readPolicyFile(join(folder, 'policy.json'))).toEqual({ kind: 'absent' });
    expect(await readPolicyFile(join(folder, 'missing', 'policy.json'))).toEqual({
      kind: 'absent',
    });
    await mkdir(join(folder, 'a-folder'));
    expect(await readPolicyFile(join(folder, 'a-folder'))).toMatchObject({ kind: 'invalid' });
    await writeFile(join(folder, 'policy.json'), '{ "updates": { "enabled": false } }');
    expect(await readPolicyFile(join(folder, 'policy.json'))).toEqual({
      kind: 'valid',
      enabled: false,
    });
  });
});

describe('feeds', () => {
  it('are https, or http to this machine only, and never carry credentials', () => {
    for (const url of [
      'https://updates.example.com/glance-desk/',
      'http://127.0.0.1:8080/feed/',
      'http://127.1.2.3/',
      'http://localhost:9000/',
      'http://[::1]:9000/',
    ]) {
      expect(isAllowedFeedUrl(url), url).toBe(true);
    }
    for (const url of [
      'http://updates.example.com/',
      'http://127.0.0.1.example.com/',
      'http://10.0.0.1/',
      'https://user:secret@updates.example.com/',
      'file:///etc/passwd',
      'ftp://updates.example.com/',
      'not a url',
      '',
    ]) {
      expect(isAllowedFeedUrl(url), url).toBe(false);
    }
  });
});

describe('whether to look for updates', () => {
  const none = { kind: 'absent' } as const;

  it('never in a development build, whatever else says', () => {
    expect(decideUpdates({ packaged: false, environment: {}, policy: none })).toEqual({
      allowed: false,
      reason: 'development',
    });
    const policy = { kind: 'valid', enabled: true, url: 'https://u.example/' } as const;
    expect(decideUpdates({ packaged: false, environment: {}, policy })).toMatchObject({
      allowed: false,
      reason: 'development',
    });
  });

  it('not when the environment turns them off', () => {
    for (const value of ['1', 'true', 'YES', ' yes ']) {
      expect(environmentDisablesUpdates({ GLANCE_DESK_DISABLE_UPDATES: value }), value).toBe(true);
      expect(
        decideUpdates({
          packaged: true,
          environment: { GLANCE_DESK_DISABLE_UPDATES: value },
          policy: none,
        }),
      ).toEqual({ allowed: false, reason: 'environment' });
    }
    for (const value of ['0', 'false', 'no', '', undefined]) {
      expect(environmentDisablesUpdates({ GLANCE_DESK_DISABLE_UPDATES: value }), value).toBe(false);
    }
  });

  it('as the policy file says, and not at all when it cannot be read', () => {
    expect(
      decideUpdates({ packaged: true, environment: {}, policy: { kind: 'valid', enabled: false } }),
    ).toEqual({ allowed: false, reason: 'policy' });
    expect(
      decideUpdates({
        packaged: true,
        environment: {},
        policy: { kind: 'invalid', problem: 'not JSON' },
      }),
    ).toEqual({ allowed: false, reason: 'policy-invalid' });
    expect(
      decideUpdates({
        packaged: true,
        environment: {},
        policy: { kind: 'valid', enabled: true, url: 'https://u.example/desk/' },
      }),
    ).toEqual({ allowed: true, feedUrl: 'https://u.example/desk/' });
    expect(decideUpdates({ packaged: true, environment: {}, policy: none })).toEqual({
      allowed: true,
    });
  });
});

describe('what to tell the user', () => {
  const quiet = { manual: false, transfersRunning: 0, restartPending: false };
  const asked = { ...quiet, manual: true };
  const phases: [UpdatePhase, string, string][] = [
    [{ phase: 'off', reason: 'policy' }, 'none', 'off'],
    [{ phase: 'idle' }, 'none', 'none'],
    [{ phase: 'checking' }, 'none', 'checking'],
    [{ phase: 'available', version: '2.0.0' }, 'none', 'downloading'],
    [{ phase: 'downloading', version: '2.0.0', percent: 40 }, 'none', 'downloading'],
    [{ phase: 'up-to-date' }, 'none', 'up-to-date'],
    [{ phase: 'error', problem: 'unreachable' }, 'none', 'error'],
    [{ phase: 'ready', version: '2.0.0' }, 'ready', 'ready'],
  ];

  it.each(phases)('%o: at start %s, when asked %s', (phase, atStart, whenAsked) => {
    expect(noticeFor(phase, quiet)).toBe(atStart);
    expect(noticeFor(phase, asked)).toBe(whenAsked);
  });

  it('offers a restart only when no transfer would be interrupted', () => {
    const ready: UpdatePhase = { phase: 'ready', version: '2.0.0' };
    expect(noticeFor(ready, { ...quiet, transfersRunning: 2 })).toBe('ready-transfers-running');
    expect(noticeFor(ready, { ...quiet, transfersRunning: 2, restartPending: true })).toBe(
      'restart-pending',
    );
  });

  it('counts queued and moving transfers as interrupted by a restart, not paused or ended ones', () => {
    const interrupted = (state: Parameters<typeof interruptedByRestart>[0]['state']) =>
      interruptedByRestart({ state });
    expect(
      ['queued', 'running', 'retrying', 'verifying'].every((s) => interrupted(s as never)),
    ).toBe(true);
    expect(['paused', 'done', 'failed', 'cancelled'].some((s) => interrupted(s as never))).toBe(
      false,
    );
  });
});

describe('what went wrong', () => {
  it('names electron-updater’s errors', () => {
    expect(
      updateProblem(
        newError('Cannot find channel "latest.yml"', 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND'),
      ),
    ).toEqual({ problem: 'not-found', status: 404 });
    expect(updateProblem(newError('Cannot parse', 'ERR_UPDATER_INVALID_UPDATE_INFO'))).toEqual({
      problem: 'bad-feed',
    });
    expect(updateProblem(newError('no files', 'ERR_UPDATER_NO_FILES_PROVIDED'))).toEqual({
      problem: 'bad-feed',
    });
    expect(updateProblem(newError('sha512 mismatch', 'ERR_CHECKSUM_MISMATCH'))).toEqual({
      problem: 'bad-download',
    });
    expect(updateProblem(new HttpError(500))).toEqual({ problem: 'server-error', status: 500 });
    expect(updateProblem(new HttpError(403))).toEqual({ problem: 'server-error', status: 403 });
    expect(
      updateProblem(new Error('Cannot download "http://x/a.AppImage", status 404: Not Found')),
    ).toEqual({ problem: 'not-found', status: 404 });
  });

  it('names network failures, from Node and from Chromium', () => {
    expect(updateProblem(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toEqual({
      problem: 'unreachable',
    });
    expect(updateProblem(new Error('net::ERR_NAME_NOT_RESOLVED'))).toEqual({
      problem: 'unreachable',
    });
    expect(updateProblem(new Error('net::ERR_CERT_AUTHORITY_INVALID'))).toEqual({
      problem: 'certificate',
    });
    expect(
      updateProblem(Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })),
    ).toEqual({ problem: 'certificate' });
  });

  it('calls anything else "other", whatever was thrown', () => {
    for (const thrown of [new Error('odd'), 'a string', null, undefined, 42, { code: 7 }]) {
      expect(updateProblem(thrown)).toEqual({ problem: 'other' });
    }
  });
});
