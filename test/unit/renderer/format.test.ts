import { describe, expect, test } from 'vitest';
import {
  formatBytes,
  formatDate,
  formatDuration,
  formatNumber,
  uiLocaleFor,
} from '../../../renderer/src/lib/format';

describe('uiLocaleFor', () => {
  test('any Chinese system locale gives 简体中文, anything else English', () => {
    for (const locale of ['zh', 'zh-CN', 'zh-Hans-SG', 'ZH-tw'])
      expect(uiLocaleFor(locale)).toBe('zh-CN');
    for (const locale of ['en-US', 'de', 'zhx', '', 'C']) expect(uiLocaleFor(locale)).toBe('en');
  });
});

describe('formatBytes', () => {
  test('binary multiples with the short unit names', () => {
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 ** 3, 'en')).toBe('5 GB');
    expect(formatBytes(123.4 * 1024 ** 2, 'en')).toBe('123.4 MB');
    expect(formatBytes(1023, 'zh-CN')).toBe('1,023 B');
  });

  test('two decimals below 10 units, one above, none for bytes', () => {
    expect(formatBytes(1.234 * 1024 ** 2, 'en')).toBe('1.23 MB');
    expect(formatBytes(12.34 * 1024 ** 2, 'en')).toBe('12.3 MB');
    expect(formatBytes(1000, 'zh-CN')).toBe('1,000 B');
  });

  test('stops at petabytes', () => {
    expect(formatBytes(2 * 1024 ** 6, 'en')).toBe('2,048 PB');
  });

  test('no size, or one that cannot be a size, is a dash', () => {
    for (const bad of [null, undefined, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatBytes(bad, 'en')).toBe('—');
    }
  });
});

describe('formatNumber', () => {
  test('groups digits for the locale', () => {
    expect(formatNumber(1234567.5, 'en')).toBe('1,234,567.5');
    expect(formatNumber(10000, 'zh-CN')).toBe('10,000');
  });
});

describe('formatDate', () => {
  // Midday UTC: the same calendar day in every time zone from UTC−11 to UTC+11.
  const noon = '2026-11-28T12:00:00Z';

  test('medium date and short time in the locale', () => {
    expect(formatDate(noon, 'en')).toMatch(/^Nov 28, 2026, \d{1,2}:\d{2}\s[AP]M$/);
    expect(formatDate(noon, 'zh-CN')).toMatch(/^2026年11月28日 \d{2}:\d{2}$/);
  });

  test('no date is a dash; text that is not a date is shown as it came', () => {
    expect(formatDate(null, 'en')).toBe('—');
    expect(formatDate(undefined, 'zh-CN')).toBe('—');
    expect(formatDate('', 'en')).toBe('—');
    expect(formatDate('yesterday-ish', 'en')).toBe('yesterday-ish');
  });
});

describe('formatDuration', () => {
  test('hours and minutes, minutes and seconds, or seconds, in the locale', () => {
    expect(formatDuration(3725, 'en')).toBe('1h 2m');
    expect(formatDuration(65, 'en')).toBe('1m 5s');
    expect(formatDuration(42.4, 'en')).toBe('42s');
    expect(formatDuration(3725, 'zh-CN')).toBe('1小时 2分钟');
    expect(formatDuration(42, 'zh-CN')).toBe('42秒');
  });

  test('unknown or endless is a dash; negative is zero', () => {
    for (const bad of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatDuration(bad, 'en')).toBe('—');
    }
    expect(formatDuration(-5, 'en')).toBe('0s');
  });
});
