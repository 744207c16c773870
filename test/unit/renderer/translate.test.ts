import { describe, expect, test } from 'vitest';
import { AppError } from '../../../common/errors';
import type { TestConnectionResult } from '../../../common/profile';
import { en } from '../../../renderer/src/i18n/en';
import { speechIn, translate } from '../../../renderer/src/i18n/translate';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { testResultText } from '../../../renderer/src/lib/profiles';

describe('translate', () => {
  test('fills placeholders, numbers formatted for the locale', () => {
    expect(translate('en', 'images.countFiltered', { shown: 1200, total: 10000 })).toBe(
      '1,200 of 10,000 images',
    );
    expect(translate('zh-CN', 'images.count', { count: 10000 })).toBe('10,000 个镜像');
  });

  test('the singular when count is 1, where the language has one', () => {
    expect(translate('en', 'images.count', { count: 1 })).toBe('1 image');
    expect(translate('en', 'images.count', { count: 0 })).toBe('0 images');
    expect(translate('zh-CN', 'images.count', { count: 1 })).toBe('1 个镜像');
  });

  test('a text without parameters is returned as it is, braces and all', () => {
    expect(translate('en', 'common.cancel')).toBe('Cancel');
    expect(translate('zh-CN', 'common.cancel')).toBe(zhCN['common.cancel']);
  });

  test('a missing parameter leaves its placeholder visible rather than "undefined"', () => {
    expect(translate('en', 'images.countFiltered', { shown: 3 })).toBe('3 of {total} images');
  });
});

describe('testResultText', () => {
  test('a working connection: time and image endpoint, in both languages', () => {
    const ok: TestConnectionResult = {
      ok: true,
      imageEndpoint: 'https://glance.example:9292',
      tookMs: 1234,
      sampleCount: 1,
      warnings: [],
    };
    expect(testResultText(speechIn('en'), ok)).toBe(
      'Connected in 1,234 ms. Image service: https://glance.example:9292',
    );
    expect(testResultText(speechIn('zh-CN'), ok)).toBe(
      '已连接，用时 1,234 毫秒。镜像服务：https://glance.example:9292',
    );
  });

  test('a failure names the step and the reason in the UI language', () => {
    const failed: TestConnectionResult = {
      ok: false,
      step: 'auth',
      error: new AppError({ kind: 'auth' }).toJSON(),
    };
    expect(testResultText(speechIn('en'), failed)).toBe(
      `${en['profile.step.auth']} failed: ${en['error.auth']}`,
    );
    expect(testResultText(speechIn('zh-CN'), failed)).toBe(
      `${zhCN['profile.step.auth']}失败：${zhCN['error.auth']}`,
    );
    const unreachable: TestConnectionResult = {
      ok: false,
      step: 'catalog',
      error: {
        kind: 'network',
        message: 'connect ECONNREFUSED 127.0.0.1:5000',
        details: { reason: 'connection-refused' },
      },
    };
    expect(testResultText(speechIn('zh-CN'), unreachable)).toBe(
      `${zhCN['profile.step.catalog']}失败：${zhCN['error.connectionRefused']}`,
    );
  });

  test('a failure to reach an address names it', () => {
    const refused: TestConnectionResult = {
      ok: false,
      step: 'discovery',
      address: 'https://cloud.example:5000',
      error: { kind: 'network', message: '', details: { reason: 'connection-refused' } },
    };
    expect(testResultText(speechIn('en'), refused)).toBe(
      'Finding Keystone failed at https://cloud.example:5000: Could not connect: nothing is listening at this address and port.',
    );
    expect(testResultText(speechIn('zh-CN'), refused)).toBe(
      '查找身份认证服务（Keystone）失败（https://cloud.example:5000）：无法连接：该地址和端口上没有服务在监听。',
    );
  });
});
