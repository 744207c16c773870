import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { Transfer, TransferProgressEvent } from '../../../common/transfer';
import { AppLog } from '../../../main/logging/app-log';
import { errorCode, logRequestFailures, logTransfers } from '../../../main/logging/events';

let dir: string;
let log: AppLog;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glance-desk-events-'));
  log = new AppLog({ dir });
});
afterEach(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

async function logged(): Promise<Record<string, unknown>[]> {
  await log.flush();
  const text = await readFile(log.file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A queue stand-in: what the composition root subscribes to. */
function fakeQueue() {
  const listeners = new Set<(event: TransferProgressEvent) => void>();
  return {
    onChange(listener: (event: TransferProgressEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(...transfers: Transfer[]) {
      for (const listener of listeners) listener({ transfers, removed: [] });
    },
  };
}

const download: Transfer = {
  id: 't1',
  kind: 'download',
  profileId: 'p1',
  imageId: 'i1',
  imageName: 'cirros',
  folder: '/tmp',
  path: '/tmp/cirros.img',
  state: 'queued',
  bytesDone: 0,
  bytesTotal: 100,
  rate: 0,
  etaSeconds: null,
  attempts: 0,
  createdAt: '2026-03-04T05:06:07.000Z',
};

describe('logRequestFailures', () => {
  it('logs method, host, path, status, kind and request id, without user info', async () => {
    const observe = logRequestFailures(log);
    observe({
      method: 'GET',
      url: 'https://user:pw@glance.example:9292/v2/images/abc?limit=5',
      error: new AppError({ kind: 'not-found', status: 404, requestId: 'req-42' }),
    });
    observe({ method: 'PUT', url: 'http://x/', error: new AppError({ kind: 'cancelled' }) });
    const [failed, ...rest] = await logged();
    expect(failed).toMatchObject({
      level: 'warn',
      event: 'request.failed',
      method: 'GET',
      host: 'glance.example:9292',
      path: '/v2/images/abc?limit=5',
      status: 404,
      kind: 'not-found',
      requestId: 'req-42',
    });
    expect(JSON.stringify(failed)).not.toContain('pw');
    expect(rest).toEqual([]);
  });
});

describe('logTransfers', () => {
  it('logs start, automatic retry, pause and end once each', async () => {
    const queue = fakeQueue();
    const stop = logTransfers(queue, log);
    queue.emit({ ...download, state: 'running', attempts: 1 });
    queue.emit({ ...download, state: 'running', attempts: 1, bytesDone: 10 });
    queue.emit({ ...download, state: 'retrying', attempts: 2 });
    queue.emit({ ...download, state: 'paused', attempts: 2 });
    queue.emit({ ...download, state: 'running', attempts: 3 });
    const failure = new AppError({
      kind: 'filesystem',
      details: { reason: 'file-error', code: 'EIO', path: '/tmp' },
    }).toJSON();
    queue.emit({ ...download, state: 'failed', attempts: 3, error: failure });
    queue.emit({ ...download, state: 'failed', attempts: 3, error: failure });
    stop();
    queue.emit({ ...download, state: 'running', attempts: 4 });

    const events = (await logged()).map((line) => [line.event, line.attempt]);
    expect(events).toEqual([
      ['transfer.started', 1],
      ['transfer.retrying', 2],
      ['transfer.paused', 2],
      ['transfer.started', 3],
      ['transfer.ended', 3],
    ]);
    const ended = (await logged()).at(-1);
    expect(ended).toMatchObject({
      level: 'error',
      transferId: 't1',
      transferKind: 'download',
      state: 'failed',
      kind: 'filesystem',
      code: 'EIO',
    });
  });
});

describe('errorCode', () => {
  it('is the reason, or the system code a catch-all reason carries, else nothing', () => {
    expect(errorCode({ kind: 'conflict', message: '', details: { reason: 'no-data' } })).toBe(
      'no-data',
    );
    const network = { kind: 'network', message: '' } as const;
    expect(errorCode({ ...network, details: { reason: 'connection-dropped' } })).toBe(
      'connection-dropped',
    );
    expect(errorCode({ ...network, details: { reason: 'network-error', code: 'EXDEV' } })).toBe(
      'EXDEV',
    );
    expect(errorCode({ ...network, details: { reason: 'network-error' } })).toBe('network-error');
    expect(errorCode({ kind: 'server', message: '' })).toBeUndefined();
  });
});
