import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppLog, logFileName, scrubLogText } from '../../../main/logging/app-log';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glance-desk-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(file = logFileName): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dir, file), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('AppLog', () => {
  it('writes one JSON line per event: ISO time, level, event code, fields', async () => {
    const log = new AppLog({ dir });
    log.info('app.started', { version: '1.2.3', ok: true, skipped: undefined });
    log.error('request.failed', { method: 'GET', status: 404 });
    await log.close();
    const [started, failed] = await lines();
    expect(started).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      event: 'app.started',
      version: '1.2.3',
      ok: true,
    });
    expect(failed).toMatchObject({ level: 'error', event: 'request.failed', status: 404 });
  });

  it('rotates past the size limit and keeps the folder bounded', async () => {
    const maxFileBytes = 2_000;
    const rotatedFiles = 2;
    const log = new AppLog({ dir, maxFileBytes, rotatedFiles });
    const filler = 'x'.repeat(150);
    for (let index = 0; index < 200; index++) log.info('test.line', { index, filler });
    await log.close();

    const files = (await readdir(dir)).sort();
    expect(files).toEqual([logFileName, `${logFileName}.1`, `${logFileName}.2`]);
    let total = 0;
    for (const file of files) total += (await stat(join(dir, file))).size;
    // Each file is cut after the write that reaches the limit: at most one line over it.
    const longestLine = 250;
    expect(total).toBeLessThanOrEqual((rotatedFiles + 1) * (maxFileBytes + longestLine));
    // The newest lines are in main.log, the ones before them in main.log.1.
    const current = await lines();
    expect(current.at(-1)).toMatchObject({ index: 199 });
    const previous = await lines(`${logFileName}.1`);
    expect(previous.at(-1)?.index).toBe((current[0]?.index as number) - 1);
  });

  it('rotates a file left over from an earlier run that is already over the limit', async () => {
    await writeFile(join(dir, logFileName), 'y'.repeat(5_000));
    const log = new AppLog({ dir, maxFileBytes: 1_000 });
    log.info('app.started');
    await log.close();
    expect((await stat(join(dir, `${logFileName}.1`))).size).toBe(5_000);
    expect(await lines()).toHaveLength(1);
  });

  it('never writes a password, token or proxy credential it was given', async () => {
    const password = 'hunter2-Very-Secret';
    const fernet = `gAAAAA${'b'.repeat(120)}`;
    const log = new AppLog({ dir });
    log.error(
      'error.unexpected',
      {
        message: `sign-in failed for {"password": "${password}"} with X-Auth-Token: ${fernet}`,
        stack: `at connect (http://proxy-user:proxy-pass@proxy.example:3128/)`,
        password,
        token: 'plain-token-value',
        applicationCredentialSecret: 'app-cred-secret',
        authorization: 'Bearer abc.def',
        url: 'https://keystone.example:5000/v3',
      },
      ['known-secret-value'],
    );
    log.warn('request.failed', { serverMessage: 'token known-secret-value is not valid' }, [
      'known-secret-value',
    ]);
    await log.close();
    const text = await readFile(join(dir, logFileName), 'utf8');
    for (const secret of [
      password,
      fernet,
      'proxy-user',
      'proxy-pass',
      'plain-token-value',
      'app-cred-secret',
      'abc.def',
      'known-secret-value',
    ]) {
      expect(text).not.toContain(secret);
    }
    // What is not secret stays readable.
    expect(text).toContain('https://keystone.example:5000/v3');
    expect(text).toContain('proxy.example:3128');
    expect(text).toContain('is not valid');
  });

  it('falls back to another sink, never throws, when the folder cannot be written', async () => {
    const blocked = join(dir, 'not-a-folder');
    await writeFile(blocked, '');
    const fallback: string[] = [];
    const log = new AppLog({ dir: blocked, fallback: (line) => fallback.push(line) });
    log.error('error.unexpected', { message: 'boom', password: 'p4ss' });
    await log.close();
    expect(fallback.some((line) => line.includes('"event":"error.unexpected"'))).toBe(true);
    expect(fallback.join('\n')).not.toContain('p4ss');
  });
});

describe('scrubLogText', () => {
  it('removes URL credentials and what scrubSecrets removes', () => {
    expect(scrubLogText('via http://me:pw@proxy:8080 and https://tok@host/x')).toBe(
      'via http://[redacted]@proxy:8080 and https://[redacted]@host/x',
    );
    expect(scrubLogText('"secret": "s3"', [])).toBe('"secret": "[redacted]"');
  });
});
