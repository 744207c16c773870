// The file check in the UI's words (renderer/src/lib/file-check.ts): names read from a
// file's header are untrusted text and are shown with control and bidi characters visible;
// what a file is, why it is refused and what to know, in both languages.
import { describe, expect, test } from 'vitest';
import type { FileInspection, Qcow2Image } from '../../../common/disk-image';
import { fileCheckView, mismatchText, visibleText } from '../../../renderer/src/lib/file-check';
import { translate } from '../../../renderer/src/i18n/translate';
import type { MessageKey } from '../../../renderer/src/i18n/en';

const en = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('en', key, params);
const zh = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('zh-CN', key, params);
const bytes = (n: number) => `${n} B`;

const qcow2 = (changes: Partial<Qcow2Image> = {}): FileInspection => ({
  status: 'image',
  image: {
    format: 'qcow2',
    fileSize: 196_616,
    refuse: [],
    warn: [],
    version: 3,
    virtualSize: 1024,
    clusterSize: 65_536,
    backingFile: null,
    backingFormat: null,
    externalDataFile: null,
    encryption: null,
    compression: 'zlib',
    extendedL2: false,
    lazyRefcounts: false,
    refcountBits: 16,
    dirty: false,
    corrupt: false,
    snapshotCount: 0,
    unknownFeatureBits: [],
    ...changes,
  },
});

describe('visibleText', () => {
  test('shows control, bidi and line-separator characters as code points', () => {
    expect(visibleText('evil\u202egpj.exe')).toBe('evil[U+202E]gpj.exe');
    expect(visibleText('a\nb\u0000c\u2028d\u2066e')).toBe('a[U+000A]b[U+0000]c[U+2028]d[U+2066]e');
    expect(visibleText('base.qcow2 基础')).toBe('base.qcow2 基础');
  });
});

describe('fileCheckView', () => {
  test('a plain qcow2: its format, virtual size and version', () => {
    expect(fileCheckView(en, qcow2(), bytes)).toEqual({
      summary: 'QCOW2, virtual size 1024 B',
      facts: ['File size 196616 B', 'Version 3'],
      refusals: [],
      warnings: [],
    });
  });

  test('a backing file is refused, and its name from the header is neutralised', () => {
    const view = fileCheckView(
      zh,
      qcow2({ backingFile: '/srv/\u202eevil.qcow2', refuse: ['backing-file'] }),
      bytes,
    );
    expect(view.facts).toContain('后备文件：/srv/[U+202E]evil.qcow2');
    expect(view.refusals).toEqual([zh('fileCheck.refuse.backing-file')]);
    expect(view.refusals[0]).toContain('后备文件');
  });

  test('encryption and zstd clusters are facts; encryption is a warning too', () => {
    const view = fileCheckView(
      en,
      qcow2({ encryption: 'luks', compression: 'zstd', warn: ['encrypted'] }),
      bytes,
    );
    expect(view.facts).toEqual(
      expect.arrayContaining(['Encrypted (luks)', 'Cluster compression: zstd']),
    );
    expect(view.warnings).toEqual(['It is encrypted: a server booting it needs the key.']);
  });

  test('compressed, damaged and empty files', () => {
    const gzip: FileInspection = {
      status: 'image',
      image: { format: 'gzip', fileSize: 10, refuse: [], warn: ['compressed'], virtualSize: null },
    };
    expect(fileCheckView(en, gzip, bytes)).toMatchObject({
      summary: 'gzip-compressed file, virtual size unknown',
      refusals: [],
    });
    const damaged: FileInspection = {
      status: 'damaged',
      damaged: { format: 'qcow2', damage: 'truncated', field: 'l1_table', fileSize: 8 },
    };
    expect(fileCheckView(en, damaged, bytes)).toMatchObject({
      summary: 'The QCOW2 header is damaged or cut short at “l1_table”.',
      refusals: ['The file is damaged or cut short.'],
    });
    expect(fileCheckView(en, { status: 'empty' }, bytes)).toMatchObject({
      summary: 'The file is empty.',
      refusals: ['The file is empty.'],
    });
  });
});

describe('mismatchText', () => {
  test('says when the chosen disk format does not describe the file', () => {
    expect(mismatchText(en, qcow2(), 'raw')).toBe(
      'You chose disk format “raw”, but the file is QCOW2: choose “qcow2”.',
    );
    expect(mismatchText(en, qcow2(), 'qcow2')).toBeUndefined();
    expect(mismatchText(en, qcow2(), '')).toBeUndefined();
  });
});
