import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../common/activity';
import { activityCsv, activityJson, csvCell } from '../../../main/activity/export';

const edited: ActivityEntry = {
  time: '2026-03-04T05:06:07.000Z',
  profileId: 'p1',
  profileName: 'Prod, "east"',
  action: 'edited',
  imageId: 'i1',
  imageName: '=HYPERLINK("http://evil.example","click")',
  patch: [{ op: 'replace', path: '/name', value: 'a,b' }],
  outcome: { ok: true },
};

const failed: ActivityEntry = {
  time: '2026-03-04T05:07:00.000Z',
  profileId: 'p1',
  profileName: '生产云',
  action: 'deleted',
  imageId: 'i2',
  imageName: 'two\nlines',
  outcome: { ok: false, kind: 'forbidden', status: 403, code: 'protected', requestId: 'req-9' },
};

/** A small RFC 4180 reader: the cells of each record. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      index++;
    } else cell += char;
  }
  return records;
}

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(403)).toBe('403');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('activityCsv', () => {
  it('writes a header and one record per entry that a CSV reader gets back', () => {
    const text = activityCsv([edited, failed]);
    expect(text.startsWith('\uFEFFtime,cloud_id,cloud,action,')).toBe(true);
    const [header, first, second] = parseCsv(text.slice(1));
    expect(header).toEqual([
      'time',
      'cloud_id',
      'cloud',
      'action',
      'image_id',
      'image_name',
      'outcome',
      'error_kind',
      'http_status',
      'error_code',
      'request_id',
      'patch',
      'project',
      'copied_from',
    ]);
    expect(first).toEqual([
      '2026-03-04T05:06:07.000Z',
      'p1',
      'Prod, "east"',
      'edited',
      'i1',
      `'=HYPERLINK("http://evil.example","click")`,
      'ok',
      '',
      '',
      '',
      '',
      '[{"op":"replace","path":"/name","value":"a,b"}]',
      '',
      '',
    ]);
    expect(second).toEqual([
      '2026-03-04T05:07:00.000Z',
      'p1',
      '生产云',
      'deleted',
      'i2',
      'two\nlines',
      'failed',
      'forbidden',
      '403',
      'protected',
      'req-9',
      '',
      '',
      '',
    ]);
  });

  it('names the member project of a sharing change', () => {
    const shared: ActivityEntry = {
      ...edited,
      action: 'member-added',
      imageName: 'base',
      project: '0123abcd',
    };
    delete shared.patch;
    const [, record] = parseCsv(activityCsv([shared]).slice(1));
    expect(record?.[3]).toBe('member-added');
    expect(record?.at(-2)).toBe('0123abcd');
  });

  it('names the cloud and image a copy came from', () => {
    const copied: ActivityEntry = {
      ...edited,
      action: 'copied',
      imageName: 'base',
      copiedFrom: { cloud: 'Region one', imageId: 'source-id' },
    };
    delete copied.patch;
    const [, record] = parseCsv(activityCsv([copied]).slice(1));
    expect(record?.[3]).toBe('copied');
    expect(record?.at(-1)).toBe('Region one source-id');
  });
});

describe('activityJson', () => {
  it('is the entries as they are', () => {
    expect(JSON.parse(activityJson([edited, failed]))).toEqual([edited, failed]);
  });
});
