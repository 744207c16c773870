// The profile form's own logic: which warnings the addresses call for, which saved secrets
// main will ask for again after an edit, and main's refusal in the user's language.
import { beforeAll, describe, expect, test } from 'vitest';
import { AppError, type ErrorDetails } from '../../../common/errors';
import type { Profile, ProfileInput } from '../../../common/profile';
import { en } from '../../../renderer/src/i18n/en';
import * as i18n from '../../../renderer/src/i18n/index.svelte';
import { translate } from '../../../renderer/src/i18n/translate';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { profileWarnings, secretsToRetype, warningText } from '../../../renderer/src/lib/profiles';

beforeAll(() => {
  (globalThis as unknown as Record<string, unknown>).document = { documentElement: {} };
});

const sayEn = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate('en', key, params);
const sayZh = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate('zh-CN', key, params);

const saved: Profile = {
  id: 'p-1',
  name: 'prod',
  authUrl: 'https://keystone.example.com:5000/v3',
  authMethod: 'password',
  userName: 'alice',
  userDomainName: 'Default',
  projectName: 'images',
  projectDomainName: 'Default',
  interface: 'public',
  proxy: 'http://proxy.corp.example.com:3128',
  secretState: 'stored',
  proxyCredentials: 'stored',
};

/** The saved profile as the form holds it, with `changes`. */
function form(changes: Partial<ProfileInput> = {}): ProfileInput {
  const fields: ProfileInput & Partial<Profile> = { ...saved, ...changes };
  delete fields.id;
  delete fields.secretState;
  delete fields.proxyCredentials;
  return fields;
}

describe('profileWarnings', () => {
  test('warns of a plain-http auth URL or image endpoint, not of https', () => {
    expect(profileWarnings(form())).toEqual([]);
    expect(
      profileWarnings({
        authUrl: ' http://10.0.0.5:5000/v3 ',
        imageEndpoint: 'HTTP://glance:9292',
      }),
    ).toEqual([
      { code: 'plain-http', service: 'identity', url: 'http://10.0.0.5:5000/v3' },
      { code: 'plain-http', service: 'image', url: 'HTTP://glance:9292' },
    ]);
  });

  test('words each warning in both languages', () => {
    const differs = {
      code: 'image-host-differs',
      authHost: 'keystone.example.com',
      imageHost: 'glance.elsewhere.example',
    } as const;
    expect(warningText(sayEn, differs)).toBe(
      'The service catalog sends image requests, with your token, to glance.elsewhere.example, another host than the authentication URL’s (keystone.example.com).',
    );
    expect(warningText(sayZh, differs)).toBe(
      '服务目录把镜像请求连同你的令牌发往 glance.elsewhere.example，它与认证地址的主机（keystone.example.com）不同。',
    );
    const http = { code: 'plain-http', service: 'identity', url: 'http://k:5000' } as const;
    expect(warningText(sayEn, http)).toContain('Keystone at http://k:5000 uses plain http');
    expect(warningText(sayZh, { ...http, service: 'image' })).toContain(
      'http://k:5000 上的镜像服务',
    );
  });
});

describe('secretsToRetype', () => {
  test('asks for nothing for a new profile, an unchanged one, or one whose secret is typed', () => {
    expect(secretsToRetype(undefined, form({ authUrl: 'https://evil.example/v3' }))).toEqual([]);
    expect(secretsToRetype(saved, form({ region: 'RegionTwo', label: ' x ' }))).toEqual([]);
    expect(
      secretsToRetype(saved, form({ authUrl: 'https://keystone.example.com:5000/identity/v3 ' })),
    ).toEqual([]);
    expect(
      secretsToRetype(saved, form({ authUrl: 'https://evil.example/v3', secret: 'typed' })),
    ).toEqual([]);
    // Nothing saved to reuse, or another auth method: nothing to ask again.
    expect(secretsToRetype({ ...saved, secretState: 'missing' }, form({ insecure: true }))).toEqual(
      [],
    );
    expect(
      secretsToRetype(saved, form({ authMethod: 'token', imageEndpoint: 'https://g' })),
    ).toEqual([]);
  });

  test('names the setting that changed, as main will', () => {
    expect(secretsToRetype(saved, form({ authUrl: 'https://evil.example/v3' }))).toEqual([
      { reason: 'secret-needed', secret: 'password', changed: 'authUrl' },
    ]);
    expect(secretsToRetype(saved, form({ insecure: true }))).toEqual([
      { reason: 'secret-needed', secret: 'password', changed: 'insecure' },
    ]);
    expect(secretsToRetype(saved, form({ caFile: '/etc/ca.pem' }))).toEqual([
      { reason: 'secret-needed', secret: 'password', changed: 'caFile' },
    ]);
  });

  test('asks for the proxy credentials again for another proxy, unless typed or removed', () => {
    const other = 'http://proxy.other.example:3128';
    expect(secretsToRetype(saved, form({ proxy: other, secret: 'typed' }))).toEqual([
      { reason: 'secret-needed', secret: 'proxy-credentials', changed: 'proxy' },
    ]);
    expect(
      secretsToRetype(saved, form({ proxy: 'http://u:p@proxy.other.example:3128', secret: 's' })),
    ).toEqual([]);
    expect(
      secretsToRetype(saved, form({ proxy: other, secret: 's', removeProxyCredentials: true })),
    ).toEqual([]);
    // No proxy any more: the credentials simply go.
    expect(secretsToRetype(saved, form({ proxy: '', secret: 's' }))).toEqual([]);
  });
});

describe("main's refusal in the user's words", () => {
  const refusal = (details: ErrorDetails) =>
    new AppError({ kind: 'validation', message: 'main’s English', details }).toJSON();

  test('enter the password again, naming what changed, in both languages', () => {
    const error = refusal({ reason: 'secret-needed', secret: 'password', changed: 'authUrl' });
    i18n.setLocale('en');
    expect(i18n.errorText(error)).toBe(
      'Enter the password again: the saved one was entered for a different authentication URL, and Glance Desk sends it nowhere else.',
    );
    i18n.setLocale('zh-CN');
    expect(i18n.errorText(error)).toBe(
      '请重新输入密码：已保存的密码是为另一个认证地址输入的，Glance Desk 不会把它发往别处。',
    );
  });

  test('every secret and setting has its words', () => {
    for (const secret of ['password', 'application-credential', 'token'] as const) {
      for (const changed of ['authUrl', 'imageEndpoint', 'proxy', 'insecure', 'caFile'] as const) {
        for (const locale of ['en', 'zh-CN'] as const) {
          i18n.setLocale(locale);
          const text = i18n.errorText(refusal({ reason: 'secret-needed', secret, changed }));
          expect(text).not.toMatch(/[{}]|main’s English/);
        }
      }
    }
    i18n.setLocale('en');
    expect(i18n.errorText(refusal({ reason: 'secret-needed', secret: 'token' }))).toBe(
      'Enter the token again.',
    );
    expect(
      i18n.errorText(
        refusal({ reason: 'secret-needed', secret: 'proxy-credentials', changed: 'proxy' }),
      ),
    ).toBe(en['error.proxyCredentialsNeeded']);
    i18n.setLocale('zh-CN');
    expect(i18n.errorText(refusal({ reason: 'secret-needed', secret: 'proxy-credentials' }))).toBe(
      zhCN['error.proxyCredentialsGone'],
    );
  });

  test('never shows main’s English, even for a reason from another version', () => {
    i18n.setLocale('zh-CN');
    const odd = { kind: 'validation', message: 'main’s English', details: { reason: 'newer' } };
    expect(i18n.errorText(odd)).toBe(zhCN['error.validation']);
  });
});
