// A server answer main refused (main/net/errors.ts builds them) is said in the UI's words,
// in English and in Chinese, naming the service, the host and the field: never main's
// English sentence and never the generic "internal error".
import { beforeAll, describe, expect, test } from 'vitest';
import {
  answerTooLarge,
  badAnswer,
  badScheme,
  httpsDowngrade,
  notJsonAnswer,
  wrongImage,
  type AnswerSource,
} from '../../../main/net/errors';
import * as i18n from '../../../renderer/src/i18n/index.svelte';

beforeAll(() => {
  (globalThis as unknown as Record<string, unknown>).document = { documentElement: {} };
});

const glance: AnswerSource = { service: 'glance', host: 'img.example:9292' };
const keystone: AnswerSource = { service: 'keystone', host: 'id.example:5000' };

function shown(locale: 'en' | 'zh-CN', error: { toJSON(): unknown }): string {
  i18n.setLocale(locale);
  return i18n.errorText(error.toJSON());
}

describe('refused server answers', () => {
  test('each says what happened, where, in both languages', () => {
    const cases = [
      [
        badAnswer(glance, 'images[3].size'),
        'The answer from the image service at img.example:9292 cannot be used: its field images[3].size is missing or of the wrong type.',
        'img.example:9292 上的镜像服务返回的应答无法使用：字段 images[3].size 缺失或类型不对。',
      ],
      [
        badAnswer(keystone, ''),
        'The answer from Keystone at id.example:5000 cannot be used: it is not what this service sends.',
        'id.example:5000 上的身份认证服务（Keystone）返回的应答无法使用：它不是该服务应有的格式。',
      ],
      [
        notJsonAnswer(glance, new SyntaxError('x')),
        'The answer from the image service at img.example:9292 is not valid JSON.',
        'img.example:9292 上的镜像服务返回的应答不是有效的 JSON。',
      ],
      [
        answerTooLarge(glance, 32 * 2 ** 20),
        'The answer from the image service at img.example:9292 is larger than 32 MiB, so it was not read.',
        'img.example:9292 上的镜像服务返回的应答超过 32 MiB，因此没有读取。',
      ],
      [
        wrongImage(glance, 'asked', 'other'),
        'The image service at img.example:9292 answered with another image (other) than the one asked for (asked).',
        'img.example:9292 上的镜像服务返回了另一个镜像（other），而不是所请求的镜像（asked）。',
      ],
      [
        httpsDowngrade(keystone, new URL('http://img.example:9292/v2')),
        /^The answer from Keystone at id\.example:5000 points to http:\/\/img\.example:9292, a plain http address/,
        /^id\.example:5000 上的身份认证服务（Keystone）通过 https 访问，却指向明文 http 地址 http:\/\/img\.example:9292。/,
      ],
      [
        badScheme(keystone, new URL('file:///etc/passwd')),
        'The answer from Keystone at id.example:5000 points to a file: address, which is not a web (http or https) address. Glance Desk refused it.',
        /^id\.example:5000 上的身份认证服务（Keystone）指向一个 file: 地址/,
      ],
    ] as const;
    for (const [error, english, chinese] of cases) {
      expect(shown('en', error)).toMatch(english);
      expect(shown('zh-CN', error)).toMatch(chinese);
    }
  });

  test('main’s own English message says the same, for logs', () => {
    expect(badAnswer(glance, 'images[3].size').message).toBe(
      'The image service at img.example:9292 sent an answer Glance Desk cannot use: images[3].size is missing or of the wrong type.',
    );
  });
});
