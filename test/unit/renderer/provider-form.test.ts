import { describe, expect, it } from 'vitest';
import { templateFields } from '../../../common/provider-templates';
import { huaweiCloud, providerById } from '../../../common/providers';
import {
  answersComplete,
  providerName,
  regionOptions,
} from '../../../renderer/src/lib/provider-form';

describe('the provider template form', () => {
  it('names Huawei Cloud’s regions as Huawei’s documentation does, in the UI’s language', () => {
    expect(regionOptions(huaweiCloud, 'en')[0]).toEqual({
      id: 'cn-north-4',
      label: 'CN North-Beijing4 (cn-north-4)',
    });
    expect(regionOptions(huaweiCloud, 'zh-CN')[0]).toEqual({
      id: 'cn-north-4',
      label: '华北-北京四 (cn-north-4)',
    });
    // Every listed region has its name in both languages.
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const option of regionOptions(huaweiCloud, locale)) {
        expect(option.label, option.id).not.toBe(option.id);
      }
    }
    // Other providers' regions are their ids.
    expect(regionOptions(providerById('otc') ?? huaweiCloud, 'zh-CN').map((r) => r.label)).toEqual([
      'eu-de',
      'eu-nl',
    ]);
    expect(providerName(huaweiCloud, 'zh-CN')).toBe('华为云');
    expect(providerName(huaweiCloud, 'en')).toBe('Huawei Cloud');
  });

  it('is complete only when every question and the secret are answered', () => {
    const fields = templateFields(huaweiCloud, 'password');
    const answers = { authMethod: 'password' as const, region: 'cn-north-4', userName: 'alice' };
    expect(answersComplete(fields, { ...answers, account: 'acme', secret: 'pw' })).toBe(true);
    expect(answersComplete(fields, { ...answers, account: '  ', secret: 'pw' })).toBe(false);
    expect(answersComplete(fields, { ...answers, account: 'acme' })).toBe(false);
    expect(
      answersComplete(templateFields(huaweiCloud, 'token'), {
        authMethod: 'token',
        region: 'x',
        secret: 't',
      }),
    ).toBe(true);
  });
});
