// The transfer rules in common/transfer.ts: what each state allows and what it does to the
// bytes. The queue enforces them and the Transfers view offers exactly them.
import { describe, expect, it } from 'vitest';
import {
  actionOutcome,
  allowedActions,
  bytesInPart,
  isActive,
  isFinished,
  transferStates,
  type Transfer,
  type TransferKind,
  type TransferState,
} from '../../../common/transfer';

const offered = (kind: TransferKind) =>
  Object.fromEntries(transferStates.map((state) => [state, allowedActions({ kind, state })]));

describe('transfer rules', () => {
  it('offers each state its actions, in the order the view shows them', () => {
    expect(offered('download')).toEqual({
      queued: ['pause', 'cancel'],
      running: ['pause', 'cancel'],
      retrying: ['pause', 'cancel'],
      verifying: ['cancel'],
      importing: [],
      paused: ['resume', 'cancel'],
      done: ['remove'],
      failed: ['retry', 'remove'],
      cancelled: ['retry', 'remove'],
    });
  });

  it('does not pause a running import, nor stop one the cloud is importing', () => {
    expect(offered('import')).toEqual({
      ...offered('download'),
      running: ['cancel'],
      verifying: [],
      importing: [],
    });
    expect(actionOutcome({ kind: 'import', state: 'importing' }, 'cancel')).toBeUndefined();
    expect(actionOutcome({ kind: 'import', state: 'running' }, 'cancel')).toEqual({
      to: 'cancelled',
      leftovers: 'discard',
    });
  });

  it('does not pause a running upload (Glance cannot continue one) nor cancel a sent one', () => {
    expect(offered('upload')).toEqual({
      ...offered('download'),
      running: ['cancel'],
      verifying: [],
    });
    expect(actionOutcome({ kind: 'upload', state: 'running' }, 'pause')).toBeUndefined();
    expect(actionOutcome({ kind: 'upload', state: 'queued' }, 'pause')).toEqual({
      to: 'paused',
      leftovers: 'keep',
    });
  });

  it('says where each action leads and whether it deletes what was transferred', () => {
    const download = (state: TransferState) => ({ kind: 'download' as const, state });
    expect(actionOutcome(download('running'), 'pause')).toMatchObject({
      to: 'paused',
      leftovers: 'keep',
    });
    expect(actionOutcome(download('paused'), 'resume')).toEqual({
      to: 'queued',
      leftovers: 'keep',
    });
    expect(actionOutcome(download('verifying'), 'cancel')).toMatchObject({
      to: 'cancelled',
      leftovers: 'discard',
    });
    expect(actionOutcome(download('failed'), 'retry')).toEqual({ to: 'queued', leftovers: 'keep' });
    expect(actionOutcome(download('failed'), 'remove')).toEqual({
      to: 'removed',
      leftovers: 'discard',
    });
    expect(actionOutcome(download('done'), 'remove')).toEqual({ to: 'removed', leftovers: 'keep' });
    expect(actionOutcome(download('done'), 'cancel')).toBeUndefined();
  });

  it('splits the states into active, finished and neither', () => {
    const of = (test: (t: Pick<Transfer, 'state'>) => boolean) =>
      transferStates.filter((state) => test({ state }));
    expect(of(isActive)).toEqual(['running', 'retrying', 'verifying', 'importing']);
    expect(of(isFinished)).toEqual(['done', 'failed', 'cancelled']);
  });

  it('counts the bytes in a download’s .part: none when done, cancelled or failed on bad data', () => {
    const download = (state: TransferState, extra: Partial<Transfer> = {}) =>
      ({ kind: 'download', state, bytesDone: 5000, ...extra }) as Transfer;
    expect(bytesInPart(download('running'))).toBe(5000);
    expect(bytesInPart(download('paused'))).toBe(5000);
    expect(bytesInPart(download('failed'))).toBe(5000);
    expect(bytesInPart(download('done'))).toBe(0);
    expect(bytesInPart(download('cancelled'))).toBe(0);
    const integrity = { kind: 'integrity', message: 'bad' } as const;
    expect(bytesInPart(download('failed', { error: integrity }))).toBe(0);
    expect(bytesInPart(download('running', { kind: 'upload' }))).toBe(0);
  });
});
