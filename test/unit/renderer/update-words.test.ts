// renderer/src/i18n/update-words.ts: every notice main can send about updates, every reason
// updates are off and every problem, has words in both languages, with its values filled in;
// and nothing is said where main says there is nothing to say.
import { describe, expect, test } from 'vitest';
import type {
  UpdateNotice,
  UpdatePhase,
  UpdateProblem,
  UpdateStatus,
  UpdatesOffReason,
} from '../../../common/updates';
import { translate } from '../../../renderer/src/i18n/translate';
import { updateNoticeText, updatesOffText } from '../../../renderer/src/i18n/update-words';

const english = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate('en', key, params);
const chinese = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate('zh-CN', key, params);
const hanzi = /[\u4e00-\u9fff]/;
const unfilled = /\{\w+\}|undefined|NaN|\[object Object\]/;

function status(phase: UpdatePhase, notice: UpdateNotice, transfersRunning = 0): UpdateStatus {
  return {
    ...phase,
    currentVersion: '1.2.3',
    manual: true,
    transfersRunning,
    restartPending: false,
    notice,
  };
}

const offReasons: UpdatesOffReason[] = [
  'development',
  'environment',
  'policy',
  'policy-invalid',
  'unsupported',
];
const problems: UpdateProblem[] = [
  'unreachable',
  'certificate',
  'not-found',
  'server-error',
  'bad-feed',
  'bad-download',
  'other',
];

/** Each notice with a status that shows it, and the values its words must show. */
const shown: [string, UpdateStatus, string[]][] = [
  ['checking', status({ phase: 'checking' }, 'checking'), []],
  [
    'downloading',
    status({ phase: 'downloading', version: '2.0.0', percent: 42 }, 'downloading'),
    ['2.0.0', '42'],
  ],
  ['available', status({ phase: 'available', version: '2.0.0' }, 'downloading'), ['2.0.0', '0']],
  ['up-to-date', status({ phase: 'up-to-date' }, 'up-to-date'), ['1.2.3']],
  ['ready', status({ phase: 'ready', version: '2.0.0' }, 'ready'), ['2.0.0']],
  [
    'ready, 3 transfers',
    status({ phase: 'ready', version: '2.0.0' }, 'ready-transfers-running', 3),
    ['2.0.0', '3'],
  ],
  [
    'ready, 1 transfer',
    status({ phase: 'ready', version: '2.0.0' }, 'ready-transfers-running', 1),
    ['2.0.0'],
  ],
  [
    'restart pending',
    status({ phase: 'ready', version: '2.0.0' }, 'restart-pending', 1),
    ['2.0.0'],
  ],
  ...offReasons.map((reason): [string, UpdateStatus, string[]] => [
    `off: ${reason}`,
    status({ phase: 'off', reason, policyFile: '/etc/glance-desk/policy.json' }, 'off'),
    reason.startsWith('policy') ? ['/etc/glance-desk/policy.json'] : [],
  ]),
  ...problems.map((problem): [string, UpdateStatus, string[]] => [
    `error: ${problem}`,
    status({ phase: 'error', problem, status: 503 }, 'error'),
    problem === 'server-error' ? ['503'] : [],
  ]),
];

describe('the update banner', () => {
  test.each(shown)('%s: said in both languages', (_, update, values) => {
    const inEnglish = updateNoticeText(english, update);
    const inChinese = updateNoticeText(chinese, update);
    for (const text of [inEnglish, inChinese]) {
      expect(text).toBeTruthy();
      expect(text).not.toMatch(unfilled);
      for (const value of values) expect(text).toContain(value);
    }
    expect(inChinese).toMatch(hanzi);
    expect(inChinese).not.toBe(inEnglish);
  });

  test('one running transfer is said in the singular', () => {
    const one = status({ phase: 'ready', version: '2.0.0' }, 'ready-transfers-running', 1);
    expect(updateNoticeText(english, one)).toContain('A transfer is running');
  });

  test('says nothing where main says there is nothing to say', () => {
    for (const phase of [
      { phase: 'idle' },
      { phase: 'checking' },
      { phase: 'up-to-date' },
      { phase: 'error', problem: 'unreachable' },
      { phase: 'off', reason: 'development' },
    ] as UpdatePhase[]) {
      expect(updateNoticeText(english, status(phase, 'none')), phase.phase).toBeUndefined();
    }
  });

  test('the Settings view says why updates are off, and nothing while they are on', () => {
    for (const reason of offReasons) {
      expect(updatesOffText(chinese, status({ phase: 'off', reason }, 'none'))).toMatch(hanzi);
    }
    expect(updatesOffText(english, status({ phase: 'idle' }, 'none'))).toBeUndefined();
  });
});
