import { describe, expect, it } from 'vitest';
import { activityActions } from '../../../common/activity';
import type { Diagnostics } from '../../../common/diagnostics';
import { translate } from '../../../renderer/src/i18n/translate';
import {
  actionLabel,
  diagnosticsText,
  formatTime,
  outcomeLabel,
} from '../../../renderer/src/lib/activity';
import type { UiLocale } from '../../../renderer/src/lib/format';

const say = (locale: UiLocale) => translate.bind(null, locale);

describe('activity words', () => {
  it('words every action code in both languages, each differently', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const labels = activityActions.map((action) => actionLabel(say(locale), action));
      expect(new Set(labels).size).toBe(activityActions.length);
    }
    expect(actionLabel(say('en'), 'deleted')).toBe('Deleted');
    expect(actionLabel(say('zh-CN'), 'deleted')).toBe('删除');
  });

  it('words an outcome with the status and code main reported', () => {
    expect(outcomeLabel(say('en'), { ok: true })).toBe('Done');
    expect(outcomeLabel(say('zh-CN'), { ok: true })).toBe('成功');
    const forbidden = { ok: false, kind: 'forbidden', status: 403, code: 'protected' } as const;
    expect(outcomeLabel(say('en'), forbidden)).toBe('Failed (HTTP 403 · protected)');
    expect(outcomeLabel(say('zh-CN'), forbidden)).toBe('失败（HTTP 403 · protected）');
    expect(outcomeLabel(say('en'), { ok: false, kind: 'network' })).toBe('Failed');
  });

  it('shows times to the second in the UI language', () => {
    const iso = '2026-03-04T05:06:07.000Z';
    const seconds = new Date(iso).getSeconds().toString().padStart(2, '0');
    expect(formatTime(iso, 'en')).toContain(`:${seconds}`);
    expect(formatTime(iso, 'zh-CN')).toContain(`:${seconds}`);
    expect(formatTime('not a time', 'en')).toBe('not a time');
  });

  it('copies diagnostics as JSON, the same in every language', () => {
    const diagnostics: Diagnostics = {
      app: 'Glance Desk',
      version: '1.0.0',
      platform: 'linux',
      arch: 'x64',
      electron: null,
      chrome: null,
      node: '20.0.0',
      clouds: [],
    };
    expect(JSON.parse(diagnosticsText(diagnostics))).toEqual(diagnostics);
  });
});
