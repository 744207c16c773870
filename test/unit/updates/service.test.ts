// main/updates/service.ts over a stand-in updater (the shell test drives the real
// electron-updater): nothing is looked for in development builds or when turned off by the
// environment or the policy file, the setting only stops the check at start, the states
// and notices follow the updater, and a restart never interrupts a transfer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Transfer, TransferProgressEvent, TransferState } from '../../../common/transfer';
import type { UpdateStatus } from '../../../common/updates';
import {
  UpdateService,
  type UpdaterEvent,
  type UpdaterPort,
  type UpdateServiceOptions,
} from '../../../main/updates/service';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true }))));

async function policyFile(text?: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'glance-desk-policy-'));
  folders.push(folder);
  const path = join(folder, 'policy.json');
  if (text !== undefined) await writeFile(path, text);
  return path;
}

/** An updater that does what the test tells it. */
class FakeUpdater implements UpdaterPort {
  listeners = new Set<(event: UpdaterEvent) => void>();
  feed: string | undefined;
  /** What the next check does after reporting 'checking'. */
  next: (() => void) | Error | 'inactive' = () => this.emit({ type: 'not-available' });
  checks = 0;
  installs = 0;

  useGenericFeed(url: string): void {
    this.feed = url;
  }
  async check(): Promise<'checked' | 'inactive'> {
    this.checks++;
    if (this.next === 'inactive') return 'inactive';
    this.emit({ type: 'checking' });
    if (this.next instanceof Error) throw this.next;
    this.next();
    return 'checked';
  }
  installNow(): void {
    this.installs++;
  }
  subscribe(listener: (event: UpdaterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: UpdaterEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The queue's list and change events, with states the test sets. */
class FakeTransfers {
  transfers: Pick<Transfer, 'id' | 'state'>[] = [];
  listeners = new Set<(event: TransferProgressEvent) => void>();
  list = () => this.transfers as Transfer[];
  onChange = (listener: (event: TransferProgressEvent) => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(...states: TransferState[]): void {
    this.transfers = states.map((state, index) => ({ id: `t${index}`, state }));
    for (const listener of this.listeners) listener({ transfers: [], removed: [] });
  }
}

interface Opened {
  service: UpdateService;
  updater: FakeUpdater;
  transfers: FakeTransfers;
  created: () => number;
  statuses: UpdateStatus[];
  log: {
    info: ReturnType<typeof vi.fn>;
    warn: ReturnType<typeof vi.fn>;
    error: ReturnType<typeof vi.fn>;
  };
}

async function open(
  options: Omit<Partial<UpdateServiceOptions>, 'automatic'> & { automatic?: boolean } = {},
): Promise<Opened> {
  const updater = new FakeUpdater();
  const transfers = new FakeTransfers();
  let created = 0;
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const { automatic = true, ...rest } = options;
  const service = await UpdateService.open({
    createUpdater: () => {
      created++;
      return updater;
    },
    packaged: true,
    environment: {},
    policyFile: await policyFile(),
    currentVersion: '1.2.3',
    automatic: () => automatic,
    transfers,
    log,
    ...rest,
  });
  const statuses: UpdateStatus[] = [];
  service.onChange((status) => statuses.push(status));
  return { service, updater, transfers, created: () => created, statuses, log };
}

/** A service whose update 2.0.0 has been downloaded. */
async function ready(): Promise<Opened> {
  const opened = await open();
  opened.updater.next = () => opened.updater.emit({ type: 'downloaded', version: '2.0.0' });
  await opened.service.checkAtStart();
  expect(opened.service.status()).toMatchObject({ phase: 'ready', notice: 'ready' });
  return opened;
}

describe('when the app looks for updates', () => {
  it('never in a development build: no updater, no check, and a manual check says why', async () => {
    const { service, created, statuses } = await open({ packaged: false });
    await service.checkAtStart();
    expect(await service.check(true)).toMatchObject({
      phase: 'off',
      reason: 'development',
      manual: true,
      notice: 'off',
    });
    expect(created()).toBe(0);
    expect(statuses).toHaveLength(1);
  });

  it('never when the environment or the policy file turns updates off', async () => {
    const byEnvironment = await open({ environment: { GLANCE_DESK_DISABLE_UPDATES: '1' } });
    await byEnvironment.service.checkAtStart();
    await byEnvironment.service.check(true);
    expect(byEnvironment.created()).toBe(0);
    expect(byEnvironment.service.status()).toMatchObject({ phase: 'off', reason: 'environment' });

    const path = await policyFile('{ "updates": { "enabled": false } }');
    const byPolicy = await open({ policyFile: path });
    await byPolicy.service.check(true);
    expect(byPolicy.created()).toBe(0);
    expect(byPolicy.service.status()).toMatchObject({
      phase: 'off',
      reason: 'policy',
      policyFile: path,
    });
  });

  it('never when the policy file is not valid, and the log says why', async () => {
    const path = await policyFile('{ "updates": { "url": "http://updates.example.com/" } }');
    const { service, created, log } = await open({ policyFile: path });
    await service.check(true);
    expect(created()).toBe(0);
    expect(service.status()).toMatchObject({
      phase: 'off',
      reason: 'policy-invalid',
      policyFile: path,
    });
    expect(log.error).toHaveBeenCalledWith(
      'update.policy-invalid',
      expect.objectContaining({ path, problem: expect.stringContaining('updates.url') }),
    );
  });

  it('from the policy’s own feed when it names one', async () => {
    const url = 'https://updates.example.com/glance-desk/';
    const { updater } = await open({
      policyFile: await policyFile(JSON.stringify({ updates: { url } })),
    });
    expect(updater.feed).toBe(url);
    const { updater: packaged } = await open();
    expect(packaged.feed).toBeUndefined();
  });

  it('at start unless the setting is off; the Help menu and Settings can always check', async () => {
    const { service, updater, statuses } = await open({ automatic: false });
    await service.checkAtStart();
    expect(updater.checks).toBe(0);
    expect(service.status()).toMatchObject({ phase: 'idle', notice: 'none' });
    await service.check(true);
    expect(updater.checks).toBe(1);
    expect(statuses.map((s) => s.phase)).toEqual(['checking', 'up-to-date']);
    expect(service.status()).toMatchObject({
      phase: 'up-to-date',
      manual: true,
      notice: 'up-to-date',
    });
  });

  it('says when this installation cannot update itself', async () => {
    const { service, updater } = await open();
    updater.next = 'inactive';
    await service.checkAtStart();
    expect(service.status()).toMatchObject({ phase: 'off', reason: 'unsupported', notice: 'none' });
  });

  it('does not start a second check while one runs', async () => {
    const { service, updater } = await open();
    updater.next = () => undefined; // stays checking
    await service.checkAtStart();
    await service.check(true);
    expect(updater.checks).toBe(1);
    expect(service.status()).toMatchObject({ phase: 'checking', manual: true, notice: 'checking' });
  });
});

describe('what it reports', () => {
  it('a download found at start: quiet until it is ready, then the restart prompt', async () => {
    const { service, updater, statuses } = await open();
    updater.next = () => {
      updater.emit({ type: 'available', version: '2.0.0' });
      for (const percent of [0.4, 10.2, 10.7, 55, 100]) updater.emit({ type: 'progress', percent });
      updater.emit({ type: 'downloaded', version: '2.0.0' });
    };
    await service.checkAtStart();
    expect(statuses.map((s) => [s.phase, 'percent' in s ? s.percent : undefined])).toEqual([
      ['checking', undefined],
      ['available', undefined],
      ['downloading', 0],
      ['downloading', 10],
      ['downloading', 55],
      ['downloading', 100],
      ['ready', undefined],
    ]);
    expect(statuses.slice(0, -1).every((s) => s.notice === 'none')).toBe(true);
    expect(service.status()).toEqual({
      phase: 'ready',
      version: '2.0.0',
      currentVersion: '1.2.3',
      manual: false,
      transfersRunning: 0,
      restartPending: false,
      notice: 'ready',
    });
  });

  it('a failed check: quiet at start, named when the user asked; a later check starts afresh', async () => {
    const { service, updater, log } = await open();
    updater.next = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await service.checkAtStart();
    expect(service.status()).toMatchObject({
      phase: 'error',
      problem: 'unreachable',
      notice: 'none',
    });
    expect(log.warn).toHaveBeenCalledWith(
      'update.failed',
      expect.objectContaining({ problem: 'unreachable' }),
    );
    await service.check(true);
    expect(service.status()).toMatchObject({ phase: 'error', notice: 'error' });
    updater.next = () => updater.emit({ type: 'not-available' });
    await service.check(true);
    expect(service.status()).toMatchObject({ phase: 'up-to-date', notice: 'up-to-date' });
  });

  it('a failed download, reported by the updater’s error event, once', async () => {
    const { service, updater, statuses } = await open();
    updater.next = () => {
      updater.emit({ type: 'available', version: '2.0.0' });
      const error = Object.assign(new Error('sha512 checksum mismatch'), {
        code: 'ERR_CHECKSUM_MISMATCH',
      });
      updater.emit({ type: 'error', error });
      updater.emit({ type: 'error', error });
    };
    await service.check(true);
    expect(statuses.filter((s) => s.phase === 'error')).toHaveLength(1);
    expect(service.status()).toMatchObject({
      phase: 'error',
      problem: 'bad-download',
      notice: 'error',
    });
  });

  it('the updater’s warnings go to the log', async () => {
    const { updater, log } = await open();
    updater.emit({ type: 'log', level: 'warn', message: 'APPIMAGE env is not defined' });
    expect(log.warn).toHaveBeenCalledWith('update.updater', {
      message: 'APPIMAGE env is not defined',
    });
  });
});

describe('restarting into the update', () => {
  it('restarts at once when no transfer runs', async () => {
    const { service, updater } = await ready();
    service.install('now');
    expect(updater.installs).toBe(1);
  });

  it('is refused while transfers run, and asks to wait for them instead', async () => {
    const { service, updater, transfers, statuses } = await ready();
    transfers.set('running', 'queued', 'paused', 'done');
    expect(statuses.at(-1)).toMatchObject({
      transfersRunning: 2,
      notice: 'ready-transfers-running',
    });
    expect(() => service.install('now')).toThrow(
      expect.objectContaining({
        kind: 'conflict',
        details: { reason: 'transfers-running', count: 2 },
      }),
    );
    expect(updater.installs).toBe(0);

    service.install('when-transfers-finish');
    expect(service.status()).toMatchObject({ restartPending: true, notice: 'restart-pending' });
    transfers.set('running', 'done', 'paused');
    expect(updater.installs).toBe(0);
    // A paused transfer waits for the user: it does not hold the restart back.
    transfers.set('done', 'done', 'paused');
    expect(updater.installs).toBe(1);
    expect(service.status()).toMatchObject({ restartPending: false, transfersRunning: 0 });
  });

  it('"Install when I quit" cancels a pending restart', async () => {
    const { service, updater, transfers } = await ready();
    transfers.set('running');
    service.install('when-transfers-finish');
    service.install('on-quit');
    transfers.set('done');
    expect(updater.installs).toBe(0);
    expect(service.status()).toMatchObject({ restartPending: false, notice: 'ready' });
  });

  it('is refused when nothing has been downloaded', async () => {
    const { service, updater } = await open();
    expect(() => service.install('now')).toThrow(
      expect.objectContaining({ kind: 'conflict', details: { reason: 'no-update-ready' } }),
    );
    expect(updater.installs).toBe(0);
  });

  it('stops following the updater and the transfers once closed', async () => {
    const { service, updater, transfers, statuses } = await ready();
    service.close();
    const before = statuses.length;
    updater.emit({ type: 'checking' });
    transfers.set('running');
    expect(statuses).toHaveLength(before);
    expect(updater.listeners.size).toBe(0);
    expect(transfers.listeners.size).toBe(0);
  });
});
