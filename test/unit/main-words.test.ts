// Main's own surfaces (notifications, menu, dialogs) borrow the renderer's dictionaries
// through main/i18n.ts: every key main uses exists in both, keys built from codes included;
// the borrowed modules are plain TypeScript (no Svelte, no DOM); the language follows the
// setting, or the system when the setting says so.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLocale, uiLocales, wordsFor } from '../../main/i18n';
import { notificationText, type TransferNotification } from '../../main/transfers/notifications';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';

const root = join(import.meta.dirname, '../..');

function mainSources(): string[] {
  return readdirSync(join(root, 'main'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The relative imports of a source file, resolved to files (`.ts` added). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s+['"](\.[^'"]+)['"]/g)].map(([, path]) => {
    const target = resolve(dirname(file), path as string);
    return target.endsWith('.ts') || target.endsWith('.svelte') ? target : `${target}.ts`;
  });
}

/** One notification of every code; the Record makes a new code fail to compile here. */
const notificationsByCode: Record<TransferNotification['code'], TransferNotification[]> = {
  'download-done': [
    { code: 'download-done', imageName: 'ubuntu', folder: '/data' },
    { code: 'download-done', imageName: 'ubuntu', folder: '/data', verifiedWith: 'sha512' },
  ],
  'upload-done': [
    { code: 'upload-done', imageName: 'ubuntu' },
    { code: 'upload-done', imageName: 'ubuntu', verifiedWith: 'md5' },
  ],
  'download-failed': [
    { code: 'download-failed', imageName: 'ubuntu' },
    {
      code: 'download-failed',
      imageName: 'ubuntu',
      error: {
        kind: 'filesystem',
        message: 'No space left (for the log)',
        details: { reason: 'disk-full', path: '/data/ubuntu.part', quota: false },
      },
    },
  ],
  'upload-failed': [
    { code: 'upload-failed', imageName: 'ubuntu', error: { kind: 'network', message: 'x' } },
  ],
  'copy-done': [
    { code: 'copy-done', imageName: 'ubuntu' },
    { code: 'copy-done', imageName: 'ubuntu', verifiedWith: 'sha512' },
  ],
  'copy-failed': [
    { code: 'copy-failed', imageName: 'ubuntu', error: { kind: 'integrity', message: 'x' } },
  ],
  'import-done': [
    { code: 'import-done', imageName: 'ubuntu', method: 'web-download' },
    { code: 'import-done', imageName: 'ubuntu', method: 'glance-direct', verifiedWith: 'sha512' },
  ],
  'import-failed': [
    { code: 'import-failed', imageName: 'ubuntu', error: { kind: 'server', message: 'x' } },
  ],
};

describe('main’s words', () => {
  it('speaks the language chosen in Settings, or the system’s when it follows the system', () => {
    expect(appLocale('system', 'zh-CN')).toBe('zh-CN');
    expect(appLocale('system', 'zh-Hans-SG')).toBe('zh-CN');
    expect(appLocale('system', 'de-DE')).toBe('en');
    expect(appLocale('en', 'zh-CN')).toBe('en');
    expect(appLocale('zh-CN', 'en-US')).toBe('zh-CN');
  });

  it('words every notification code in both languages, with its facts filled in', () => {
    for (const locale of uiLocales) {
      const dictionary = Object.values(locale === 'en' ? en : zhCN);
      for (const notification of Object.values(notificationsByCode).flat()) {
        const { title, body } = notificationText(notification, wordsFor(locale));
        expect(dictionary, `${locale} ${notification.code}`).toContain(title);
        expect(body).toContain('ubuntu');
        expect(body).not.toMatch(/[{}]|undefined|for the log/);
        if ('folder' in notification) expect(body).toContain('/data');
        if ('verifiedWith' in notification) expect(body).toContain(notification.verifiedWith);
        if (locale === 'zh-CN') expect(`${title}${body}`).toMatch(/\p{Script=Han}/u);
      }
    }
  });

  it('uses only keys both dictionaries hold', () => {
    const used = mainSources().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bsay\(\s*'([^']+)'/g)].map(([, key]) => key),
    );
    expect(used.length).toBeGreaterThan(40);
    for (const key of used) {
      expect(Object.keys(en), key).toContain(key);
      expect(Object.keys(zhCN), key).toContain(key);
    }
  });

  it('borrows the renderer’s words only through main/i18n.ts, and only plain modules', () => {
    const renderer = join(root, 'renderer');
    const borrowers = mainSources().filter((file) =>
      importsOf(file).some((target) => target.startsWith(renderer)),
    );
    expect(borrowers.map((file) => relative(root, file))).toEqual(['main/i18n.ts']);

    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const target of importsOf(file)) {
        if (target.startsWith(renderer)) visit(target);
      }
    };
    visit(join(root, 'main/i18n.ts'));
    const borrowed = [...seen].filter((file) => file.startsWith(renderer));
    expect(borrowed.length).toBeGreaterThan(3);
    // No Svelte module and no package at all; that they use no DOM the compiler shows
    // (tsconfig.json, which checks main and what it imports, has no DOM library).
    for (const file of borrowed) {
      const name = relative(root, file);
      expect(name).not.toMatch(/\.svelte(\.ts)?$/);
      const text = readFileSync(file, 'utf8');
      expect(text, name).not.toMatch(/(?:from|import)\s+['"][^'".]/);
    }
  });
});
