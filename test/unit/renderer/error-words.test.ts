// Every reason main can give and every error kind has words in both dictionaries: each is
// worded here, from a sample as main builds it, in English and in Chinese, with its fields
// filled in. A reason added to common/errors.ts without a sample here, or without words in
// known-errors.ts and the dictionaries, fails this test (or does not compile).
import { describe, expect, test } from 'vitest';
import {
  errorKinds,
  errorReasons,
  type AppErrorData,
  type ErrorDetails,
  type ErrorReason,
} from '../../../common/errors';
import {
  importProblemCodes,
  testSteps,
  type ConnectionWarning,
  type ImportProblemCode,
  type ImportProblemDetails,
} from '../../../common/profile';
import { en } from '../../../renderer/src/i18n/en';
import { errorText, kindKeys } from '../../../renderer/src/i18n/known-errors';
import { speechIn } from '../../../renderer/src/i18n/translate';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { importProblemText, testResultText, warningText } from '../../../renderer/src/lib/profiles';

const answer = { service: 'glance', host: 'img.example:9292' } as const;
const path = '/data/镜像.qcow2';

/** One sample of each reason, as main builds it; the values each wording must show. */
const samples: { [R in ErrorReason]: [Extract<ErrorDetails, { reason: R }>, ...string[]] } = {
  'bad-answer': [{ reason: 'bad-answer', ...answer, field: 'images[3].size' }, 'images[3].size'],
  'not-json': [{ reason: 'not-json', ...answer }, 'img.example:9292'],
  'answer-too-large': [{ reason: 'answer-too-large', ...answer, limitBytes: 32 << 20 }, '32'],
  'wrong-image': [
    { reason: 'wrong-image', ...answer, expected: 'img-a', actual: 'img-b' },
    'img-b',
  ],
  'https-downgrade': [
    { reason: 'https-downgrade', service: 'keystone', host: 'id:5000', url: 'http://x:9292' },
    'http://x:9292',
  ],
  'bad-scheme': [{ reason: 'bad-scheme', ...answer, scheme: 'file:' }, 'file:'],
  'repeated-page': [{ reason: 'repeated-page' }],
  'no-token-in-answer': [{ reason: 'no-token-in-answer' }],
  'unexpected-status': [{ reason: 'unexpected-status', status: 302 }, '302'],
  'not-allowed-here': [{ reason: 'not-allowed-here' }],
  'too-large': [{ reason: 'too-large' }],
  'range-outside': [{ reason: 'range-outside' }],
  busy: [{ reason: 'busy' }],
  unavailable: [{ reason: 'unavailable' }],
  'credentials-rejected': [{ reason: 'credentials-rejected', method: 'application-credential' }],
  'token-rejected-mid-transfer': [{ reason: 'token-rejected-mid-transfer' }],
  'token-rejected-after-sign-in': [{ reason: 'token-rejected-after-sign-in' }],
  'no-keystone': [{ reason: 'no-keystone', url: 'https://cloud:5000' }, 'https://cloud:5000'],
  'unscoped-token': [{ reason: 'unscoped-token' }],
  'scope-missing': [{ reason: 'scope-missing', what: 'project' }],
  'no-auth-url': [{ reason: 'no-auth-url' }],
  'no-image-service': [{ reason: 'no-image-service' }],
  'no-image-endpoint': [
    {
      reason: 'no-image-endpoint',
      interface: 'admin',
      region: 'RegionTwo',
      available: ['public (RegionOne)', 'internal (RegionOne)'],
    },
    'RegionTwo',
    'internal (RegionOne)',
  ],
  'no-image-api': [{ reason: 'no-image-api', url: 'https://img:9292' }, 'https://img:9292'],
  'delete-refused': [{ reason: 'delete-refused' }],
  'share-needs-shared': [{ reason: 'share-needs-shared', visibility: 'private' }],
  'share-not-allowed': [{ reason: 'share-not-allowed' }],
  'member-exists': [{ reason: 'member-exists', project: 'p-123' }, 'p-123'],
  'member-limit': [{ reason: 'member-limit', limit: 128 }, '128'],
  'member-missing': [{ reason: 'member-missing', project: 'p-123' }, 'p-123'],
  'not-a-member': [{ reason: 'not-a-member' }],
  'project-not-found': [{ reason: 'project-not-found', project: '研发', by: 'name' }, '研发'],
  'project-name-ambiguous': [
    { reason: 'project-name-ambiguous', name: 'dev', count: 2 },
    'dev',
    '2',
  ],
  'project-lookup-refused': [{ reason: 'project-lookup-refused', name: 'dev' }, 'dev'],
  'project-lookup-unavailable': [{ reason: 'project-lookup-unavailable' }],
  'property-refused': [
    { reason: 'property-refused', key: 'os_glance_import_task', rule: 'glance-prefix' },
    'os_glance_import_task',
  ],
  'property-too-long': [
    { reason: 'property-too-long', key: '__os_version', part: 'value', limit: 255 },
    '__os_version',
    '255',
  ],
  'edit-refused': [{ reason: 'edit-refused' }],
  'filter-key-reserved': [{ reason: 'filter-key-reserved', key: 'limit' }, 'limit'],
  'stores-not-listed': [{ reason: 'stores-not-listed' }],
  'download-refused': [{ reason: 'download-refused' }],
  'resume-past-end': [{ reason: 'resume-past-end', offset: 123_456 }, '123,456'],
  'no-data': [{ reason: 'no-data', imageStatus: 'queued' }],
  'data-exists': [{ reason: 'data-exists', imageStatus: 'active' }],
  deactivated: [{ reason: 'deactivated' }],
  'method-not-offered': [
    { reason: 'method-not-offered', method: 'glance-download', offered: ['glance-direct'] },
    'glance-download',
    'glance-direct',
  ],
  'import-refused': [{ reason: 'import-refused', method: 'copy-image' }, 'copy-image'],
  'upload-refused': [{ reason: 'upload-refused' }],
  'import-failed': [
    {
      reason: 'import-failed',
      method: 'web-download',
      failed: ['cold'],
      imageStatus: 'queued',
      taskMessage: 'Task failed due to Internal Error',
    },
    'web-download',
    'cold',
    'Task failed due to Internal Error',
  ],
  'unknown-store': [{ reason: 'unknown-store', store: 'tape' }, 'tape'],
  'already-in-store': [{ reason: 'already-in-store', store: 'cold' }, 'cold'],
  'not-in-store': [{ reason: 'not-in-store', store: 'cold' }, 'cold'],
  'last-store': [{ reason: 'last-store', store: 'local' }, 'local'],
  'store-delete-refused': [{ reason: 'store-delete-refused', store: 'cold' }, 'cold'],
  'file-refused': [
    { reason: 'file-refused', path: '/home/me/child.qcow2', refuse: ['backing-file'] },
    '/home/me/child.qcow2',
  ],
  stalled: [{ reason: 'stalled', seconds: 45 }, '45'],
  'gave-up': [{ reason: 'gave-up', retries: 6, last: { reason: 'stalled', seconds: 45 } }, '6'],
  'upload-failed': [
    { reason: 'upload-failed', imageStatus: 'killed', cause: { reason: 'connection-dropped' } },
  ],
  'connection-ended': [
    { reason: 'connection-ended', receivedBytes: 1000, totalBytes: 5000 },
    '1,000',
    '5,000',
  ],
  'data-changed': [{ reason: 'data-changed' }],
  'wrong-range': [{ reason: 'wrong-range', offset: 4096 }, '4,096'],
  'too-many-bytes': [{ reason: 'too-many-bytes', expectedBytes: 10 << 20 }, '10'],
  'hash-mismatch': [
    {
      reason: 'hash-mismatch',
      transfer: 'download',
      algorithm: 'sha512',
      expected: 'aa',
      actual: 'bb',
    },
    'sha512',
    'aa',
    'bb',
  ],
  'size-mismatch': [
    { reason: 'size-mismatch', transfer: 'upload', expectedBytes: 2048, actualBytes: 1024 },
    '2,048',
    '1,024',
  ],
  'part-cut-short': [{ reason: 'part-cut-short', actualBytes: 777 }, '777'],
  'file-changed-size': [{ reason: 'file-changed-size' }],
  'outside-folder': [{ reason: 'outside-folder', path, folder: '/data' }, '/data'],
  'action-not-allowed': [{ reason: 'action-not-allowed', state: 'done', action: 'pause' }],
  'transfer-gone': [{ reason: 'transfer-gone' }],
  'copy-mismatch': [
    {
      reason: 'copy-mismatch',
      side: 'target',
      algorithm: 'sha512',
      expected: 'aa11',
      actual: 'bb22',
      targetDeleted: false,
    },
    'sha512',
    'aa11',
    'bb22',
  ],
  'copy-to-same-cloud': [{ reason: 'copy-to-same-cloud' }],
  'disk-full': [{ reason: 'disk-full', path, quota: false, bytesNeeded: 3 * 1024 ** 3 }, path],
  'no-permission': [{ reason: 'no-permission', path }, path],
  'read-only': [{ reason: 'read-only', path }, path],
  'path-missing': [{ reason: 'path-missing', path }, path],
  'not-a-folder': [{ reason: 'not-a-folder', path }, path],
  'is-a-folder': [{ reason: 'is-a-folder', path }, path],
  'path-too-long': [{ reason: 'path-too-long', path }, path],
  'file-error': [{ reason: 'file-error', path, code: 'EIO' }, path, 'EIO'],
  'cannot-open': [{ reason: 'cannot-open', path }, path],
  'connection-refused': [{ reason: 'connection-refused' }],
  'host-not-found': [{ reason: 'host-not-found' }],
  'dns-failed': [{ reason: 'dns-failed' }],
  'connection-dropped': [{ reason: 'connection-dropped' }],
  'host-unreachable': [{ reason: 'host-unreachable' }],
  'network-unreachable': [{ reason: 'network-unreachable' }],
  'connection-closed': [{ reason: 'connection-closed' }],
  'response-cut-short': [{ reason: 'response-cut-short' }],
  'network-error': [{ reason: 'network-error', code: 'EXDEV' }, 'EXDEV'],
  'untrusted-certificate': [{ reason: 'untrusted-certificate' }],
  'certificate-expired': [{ reason: 'certificate-expired' }],
  'certificate-not-yet-valid': [{ reason: 'certificate-not-yet-valid' }],
  'certificate-revoked': [{ reason: 'certificate-revoked' }],
  'certificate-wrong-host': [{ reason: 'certificate-wrong-host' }],
  'not-https': [{ reason: 'not-https' }],
  'tls-error': [{ reason: 'tls-error', code: 'ERR_SSL_X' }, 'ERR_SSL_X'],
  'connect-timeout': [{ reason: 'connect-timeout' }],
  'answer-timeout': [{ reason: 'answer-timeout' }],
  'body-timeout': [{ reason: 'body-timeout' }],
  'ca-file-unreadable': [{ reason: 'ca-file-unreadable', path: '/etc/ca.pem' }, '/etc/ca.pem'],
  'ca-file-not-pem': [{ reason: 'ca-file-not-pem', path: '/etc/ca.pem' }, '/etc/ca.pem'],
  'secret-required': [{ reason: 'secret-required' }],
  'secret-missing': [{ reason: 'secret-missing', secret: 'token', profile: 'prod' }, 'prod'],
  'secret-needed': [{ reason: 'secret-needed', secret: 'password', changed: 'proxy' }],
  'secret-locked': [
    { reason: 'secret-locked', secret: 'proxy-credentials', profile: 'prod' },
    'prod',
  ],
  'profile-gone': [{ reason: 'profile-gone' }],
  'settings-unreadable': [{ reason: 'settings-unreadable', path, code: 'EACCES' }, path],
  'settings-repaired': [
    {
      reason: 'settings-repaired',
      backupPath: '/cfg/settings.corrupt.json',
      newerVersion: false,
      lost: [
        { part: 'profile', name: 'staging', number: 2 },
        { part: 'setting', key: 'theme' },
      ],
    },
    '/cfg/settings.corrupt.json',
    'staging',
    'theme',
  ],
  'settings-reset': [
    { reason: 'settings-reset', backupPath: '/cfg/old.json', notJson: true },
    '/cfg/old.json',
  ],
  'invalid-values': [
    { reason: 'invalid-values', values: [{ field: 'profile.region', missing: false }] },
  ],
  'unknown-settings': [{ reason: 'unknown-settings', keys: ['autoUpdate'] }, 'autoUpdate'],
  'not-yaml': [{ reason: 'not-yaml', path, line: 12, column: 7 }, path, '12', '7'],
  'not-clouds-yaml': [{ reason: 'not-clouds-yaml', path }, path],
  'no-clouds-yaml': [
    { reason: 'no-clouds-yaml', looked: ['/etc/openstack/clouds.yaml', './clouds.yaml'] },
    '/etc/openstack/clouds.yaml',
    './clouds.yaml',
  ],
  'unknown-call': [{ reason: 'unknown-call', name: 'formatDisk' }, 'formatDisk'],
  'not-from-app-window': [{ reason: 'not-from-app-window' }],
  'relative-path': [{ reason: 'relative-path', path: 'disk.raw', use: 'upload-file' }, 'disk.raw'],
  'path-not-chosen': [
    { reason: 'path-not-chosen', path: '/home/me/.ssh/id_rsa', use: 'ca-file' },
    '/home/me/.ssh/id_rsa',
  ],
  'openrc-file-needed': [{ reason: 'openrc-file-needed' }],
  'download-folder-needed': [{ reason: 'download-folder-needed' }],
  'download-not-finished': [{ reason: 'download-not-finished' }],
  'file-gone': [{ reason: 'file-gone', path }, path],
  'drag-needs-window': [{ reason: 'drag-needs-window' }],
  'link-not-allowed': [
    { reason: 'link-not-allowed', hosts: ['docs.openstack.org'] },
    'docs.openstack.org',
  ],
  'no-update-ready': [{ reason: 'no-update-ready' }],
  'transfers-running': [{ reason: 'transfers-running', count: 3 }, '3'],
};

const english = speechIn('en');
const chinese = speechIn('zh-CN');
const hanzi = /[\u4e00-\u9fff]/;

/** What is left of a template that was not filled, or a value that was not there. */
const unfilled = /\{\w+\}|undefined|NaN|\[object Object\]/;

describe('every reason has words in both languages', () => {
  test.each(errorReasons.map((reason) => [reason]))('%s', (reason) => {
    expect(Object.keys(samples), 'a sample of this reason in this test').toContain(reason);
    const [details, ...shownValues] = samples[reason];
    const error: AppErrorData = { kind: 'server', message: 'main’s English', details };
    const inEnglish = errorText(english, error);
    const inChinese = errorText(chinese, error);
    for (const text of [inEnglish, inChinese]) {
      expect(text).not.toMatch(unfilled);
      expect(text).not.toContain('main’s English');
      for (const value of shownValues) expect(text).toContain(value);
    }
    // Said in Chinese, and not in the words for the bare kind.
    expect(inChinese).toMatch(hanzi);
    expect(inChinese).not.toBe(inEnglish);
    expect(inEnglish).not.toBe(en['error.server']);
    expect(inChinese).not.toBe(zhCN['error.server']);
  });

  test('no sample is of a reason main does not know', () => {
    expect(Object.keys(samples).sort()).toEqual([...errorReasons].sort());
  });
});

describe('every kind has words in both languages', () => {
  test.each(errorKinds.map((kind) => [kind]))('%s', (kind) => {
    const key = kindKeys[kind];
    expect(en[key]).toBeTruthy();
    expect(zhCN[key]).toMatch(hanzi);
    expect(errorText(chinese, { kind, message: 'main’s English' })).toBe(zhCN[key]);
  });
});

describe('sizes and counts are said for the locale', () => {
  test('a paused full disk says how much space it needs, in Chinese too', () => {
    const [details] = samples['disk-full'];
    const error: AppErrorData = { kind: 'filesystem', message: '', details };
    expect(errorText(english, error)).toContain('needs 3 GB more');
    expect(errorText(chinese, error)).toContain(`还需要 ${chinese.bytes(3 * 1024 ** 3)} 空间`);
  });
});

describe('test connection: every step and warning has words in both languages', () => {
  test.each(testSteps.map((step) => [step]))('the %s step', (step) => {
    const error: AppErrorData = {
      kind: 'timeout',
      message: 'main’s English',
      details: { reason: 'connect-timeout' },
    };
    const result = { ok: false, step, error, address: 'https://cloud.example:5000' } as const;
    const inEnglish = testResultText(english, result);
    const inChinese = testResultText(chinese, result);
    expect(inEnglish).toContain(en[`profile.step.${step}`]);
    expect(inChinese).toContain(zhCN[`profile.step.${step}`]);
    for (const text of [inEnglish, inChinese]) {
      expect(text).toContain('https://cloud.example:5000');
      expect(text).not.toMatch(unfilled);
    }
    expect(inChinese).toContain(zhCN['error.connectTimeout']);
  });

  const warnings: { [C in ConnectionWarning['code']]: Extract<ConnectionWarning, { code: C }>[] } =
    {
      'plain-http': [
        { code: 'plain-http', service: 'identity', url: 'http://k:5000' },
        { code: 'plain-http', service: 'image', url: 'http://g:9292' },
      ],
      'image-host-differs': [
        { code: 'image-host-differs', authHost: 'k', imageHost: 'g.elsewhere' },
      ],
    };
  test.each(
    Object.values(warnings)
      .flat()
      .map((warning) => [warning.code, warning]),
  )('the %s warning', (_code, warning) => {
    const inChinese = warningText(chinese.say, warning);
    expect(inChinese).toMatch(hanzi);
    expect(inChinese).not.toBe(warningText(english.say, warning));
    expect(inChinese).not.toMatch(unfilled);
  });
});

/** One sample of each import problem, as main reports it; the values its wording must show. */
const importSamples: {
  [C in ImportProblemCode]: [Extract<ImportProblemDetails, { code: C }>, ...string[]];
} = {
  'not-a-cloud': [{ code: 'not-a-cloud' }],
  'regions-not-a-list': [{ code: 'regions-not-a-list' }],
  'bad-region-entry': [{ code: 'bad-region-entry' }],
  'not-a-mapping': [{ code: 'not-a-mapping' }],
  'not-a-single-value': [{ code: 'not-a-single-value' }],
  'unsupported-sign-in': [
    { code: 'unsupported-sign-in', authType: 'v3samlpassword', signIn: 'saml' },
    'v3samlpassword',
  ],
  'unknown-vendor-profile': [{ code: 'unknown-vendor-profile', profile: 'nimbus' }, 'nimbus'],
  'remote-vendor-profile': [
    { code: 'remote-vendor-profile', profile: 'vexxhost', site: 'https://vexxhost.com' },
    'vexxhost',
    'https://vexxhost.com',
  ],
  'region-not-in-url': [{ code: 'region-not-in-url', region: 'a/b' }, 'a/b'],
  'client-certificate': [{ code: 'client-certificate' }],
  'system-scope': [{ code: 'system-scope' }],
  trust: [{ code: 'trust' }],
  passcode: [{ code: 'passcode' }],
  'not-used': [{ code: 'not-used' }],
  'domain-scope': [{ code: 'domain-scope' }],
  'credential-by-name': [{ code: 'credential-by-name', credentialName: 'ci-upload' }, 'ci-upload'],
  'not-needed-with-credential-id': [{ code: 'not-needed-with-credential-id' }],
  'secret-not-in-file': [{ code: 'secret-not-in-file', secret: 'application-credential' }],
  'endpoint-needs-token': [{ code: 'endpoint-needs-token' }],
  'unknown-interface': [{ code: 'unknown-interface', value: 'sideways' }, 'sideways'],
  'identity-api-version': [{ code: 'identity-api-version', version: '2.0' }, '2.0'],
  'image-api-version': [{ code: 'image-api-version', version: '1' }, '1'],
  incomplete: [{ code: 'incomplete', profileField: 'projectName', missing: true }],
  'unresolved-variable': [
    { code: 'unresolved-variable', reference: '$OS_PASSWORD_INPUT' },
    '$OS_PASSWORD_INPUT',
  ],
  'points-at-clouds-yaml': [{ code: 'points-at-clouds-yaml', value: 'prod-fra' }, 'prod-fra'],
  'nothing-to-import': [{ code: 'nothing-to-import' }],
  'proxy-not-http': [{ code: 'proxy-not-http' }],
  'one-proxy': [{ code: 'one-proxy', chosen: 'https_proxy' }, 'https_proxy'],
};

describe('every import problem has words in both languages', () => {
  test.each(importProblemCodes.map((code) => [code]))('%s', (code) => {
    expect(Object.keys(importSamples), 'a sample of this problem in this test').toContain(code);
    const [details, ...shownValues] = importSamples[code];
    const problem = { cloud: 'prod', field: 'auth_type', ...details };
    const inEnglish = importProblemText(english.say, problem);
    const inChinese = importProblemText(chinese.say, problem);
    for (const text of [inEnglish, inChinese]) {
      expect(text).toBeTruthy();
      expect(text).not.toMatch(unfilled);
      for (const value of shownValues) expect(text).toContain(value);
    }
    expect(inChinese).toMatch(hanzi);
    expect(inChinese).not.toBe(inEnglish);
  });

  test('every unsupported sign-in family, and a field to complete, in the locale’s words', () => {
    const families = [
      'keystone-v2',
      'totp',
      'multifactor',
      'openid-connect',
      'saml',
      'adfs',
      'oauth1',
      'tokenless',
      'no-auth',
      'http-basic',
      'other',
    ] as const;
    const texts = families.map((signIn) =>
      importProblemText(chinese.say, {
        cloud: 'c',
        field: 'auth_type',
        code: 'unsupported-sign-in',
        authType: 'x',
        signIn,
      }),
    );
    expect(new Set(texts).size).toBe(families.length);
    for (const text of texts) expect(text).toMatch(hanzi);
    const incomplete = (missing: boolean) =>
      importProblemText(english.say, {
        cloud: 'c',
        field: 'project_name',
        code: 'incomplete',
        profileField: 'projectName',
        missing,
      });
    expect(incomplete(true)).toBe('Enter “Project” before saving.');
    expect(incomplete(false)).toBe('“Project” is not valid; correct it before saving.');
  });
});
