// A lying image service driven through the app's own main process (dispatch, as the
// renderer reaches it) with a token + image-endpoint profile: whatever it answers, no file
// appears outside the folder the user chose, nothing crashes, and every case ends with a
// clear error or a safely named, verified file.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppErrorData } from '../../../common/errors';
import type { Transfer } from '../../../common/transfer';
import {
  imageFor,
  startHostileGlance,
  type HostileGlance,
  type HostileImage,
} from '../../support/hostile-glance';
import { startTestMain, tempFolder, waitForTransfer, type TestMain } from '../ipc/harness';

const data = randomBytes(256 * 1024);

/** Names, ids and formats built to leave the folder or to disguise a file. */
const escapes: { case: string; id: string; fields: Record<string, unknown> }[] = [
  { case: 'null name, id climbing out', id: '../../x', fields: { name: null } },
  { case: 'null name, id climbing out (Windows)', id: '..\\..\\x', fields: { name: null } },
  { case: 'name climbing out', id: 'e1', fields: { name: '../../escaped' } },
  { case: 'name climbing out (Windows)', id: 'e2', fields: { name: '..\\..\\escaped-win' } },
  { case: 'absolute name', id: 'e3', fields: { name: '/tmp/absolute' } },
  { case: 'drive-letter name', id: 'e4', fields: { name: 'C:\\Windows\\evil' } },
  { case: 'name is ..', id: 'e5', fields: { name: '..' } },
  { case: 'name is .', id: 'e6', fields: { name: '.' } },
  { case: 'name of dots and spaces', id: 'e7', fields: { name: ' . .. . ' } },
  { case: 'reserved device name', id: 'e8', fields: { name: 'CON' } },
  { case: 'reserved name with extension', id: 'e9', fields: { name: 'nul.txt' } },
  { case: 'bidi override', id: 'e10', fields: { name: 'holiday\u202Egpj.exe' } },
  { case: 'bidi isolate', id: 'e11', fields: { name: 'report\u2067exe.pdf' } },
  { case: 'control characters', id: 'e12', fields: { name: 'a\u0000b\nc\u001bd' } },
  { case: '10 kB name', id: 'e13', fields: { name: 'é'.repeat(5000) } },
  { case: 'disk format climbing out', id: 'e14', fields: { disk_format: '../../fmt' } },
  {
    case: 'null everything but the data',
    id: 'e15',
    fields: { name: null, disk_format: null, container_format: null },
  },
  { case: 'empty name, hostile id', id: '..', fields: { name: '' } },
];

const escapeImages: HostileImage[] = escapes.map(({ id, fields }) => ({
  id,
  detail: { kind: 'json', body: imageFor(id, data, fields) },
  file: { data },
}));

const lies: HostileImage[] = [
  {
    id: 'too-many-bytes',
    detail: { kind: 'json', body: imageFor('too-many-bytes', data) },
    file: { data, extraBytes: 256 << 20 },
  },
  { id: 'huge-json', detail: { kind: 'huge', bytes: 64 << 20 } },
  { id: 'malformed-json', detail: { kind: 'raw', body: '{"id": "malformed-json", "size": ' } },
  { id: 'not-an-object', detail: { kind: 'raw', body: '["malformed"]' } },
  {
    id: 'wrong-types',
    unlisted: true,
    detail: {
      kind: 'json',
      body: imageFor('wrong-types', data, { size: 'a lot', status: 5, tags: 'x' }),
    },
    file: { data },
  },
  {
    id: 'asked-for-this',
    unlisted: true,
    detail: { kind: 'json', body: imageFor('but-got-that', data) },
    file: { data },
  },
];

let hostile: HostileGlance;
let main: TestMain;
let profileId: string;
/** The folder the user chose, inside a parent that must stay empty but for it. */
let parent: string;
let folder: string;

beforeAll(async () => {
  hostile = await startHostileGlance([...escapeImages, ...lies]);
  main = await startTestMain();
  parent = tempFolder('hostile');
  folder = join(parent, 'chosen', 'downloads');
  await mkdir(folder, { recursive: true });
  await main.pick('folder', folder);
  const profile = await main.value('saveProfile', {
    profile: {
      name: 'hostile cloud',
      authMethod: 'token',
      imageEndpoint: hostile.url,
      interface: 'public',
      secret: 'hostile-token',
    },
  });
  profileId = profile.id;
});

afterAll(async () => {
  await main?.close();
  await hostile?.stop();
});

/** Every file under `root`, as paths relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

async function download(imageIds: string[]): Promise<Transfer[]> {
  // Names that clean up to the same file are kept side by side (numbered), not asked about.
  const { transfers } = await main.value('startDownloads', {
    profileId,
    imageIds,
    folder,
    existing: 'keep-both',
  });
  return Promise.all(transfers.map((transfer) => waitForTransfer(main, transfer.id)));
}

/** A clear error: one the renderer words, not the catch-all for a crash. */
function expectClearError(error: AppErrorData | undefined): asserts error is AppErrorData {
  expect(error).toBeDefined();
  expect(error?.kind, error?.message).not.toBe('unexpected');
}

describe('a hostile image service', () => {
  it('cannot make a download leave the chosen folder, whatever the name, id or format', async () => {
    const transfers = await download(escapes.map((entry) => entry.id));
    const files = await filesUnder(parent);
    // Nothing outside <parent>/chosen/downloads, nothing in a subfolder of it.
    for (const file of files) expect(file.split(sep).slice(0, 2)).toEqual(['chosen', 'downloads']);
    for (const file of files) expect(file.split(sep)).toHaveLength(3);

    for (const [index, transfer] of transfers.entries()) {
      const label = escapes[index]?.case;
      if (transfer.state !== 'done') {
        expectClearError(transfer.error);
        continue;
      }
      expect(transfer.path.startsWith(folder + sep), label).toBe(true);
      const name = transfer.path.slice(folder.length + 1);
      expect(name, label).not.toMatch(/[/\\]/);
      // eslint-disable-next-line no-control-regex -- control characters are what must be gone
      expect(name, label).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
      expect(name, label).not.toMatch(/^\.{1,2}$|[. ]$/);
      expect(name.split('.')[0], label).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i);
      expect(Buffer.byteLength(name), label).toBeLessThanOrEqual(
        255 - ' (99999)'.length - '.part'.length,
      );
      expect((await stat(transfer.path)).size, label).toBe(data.length);
      expect(transfer.verification?.ok, label).toBe(true);
    }
    // The ordinary hostile names still download (only the id '..' may be refused).
    expect(transfers.filter((t) => t.state === 'done').length).toBeGreaterThanOrEqual(
      escapes.length - 1,
    );
  });

  it('stops reading when more bytes arrive than the image’s size', async () => {
    const [transfer] = await download(['too-many-bytes']);
    expect(transfer?.state).toBe('failed');
    expectClearError(transfer?.error);
    // The app hung up long before the server's 256 MiB of extra bytes were sent.
    expect(hostile.bytesSent.get('too-many-bytes')).toBeLessThan(data.length + (64 << 20));
    for (const file of await filesUnder(folder)) {
      expect((await stat(join(folder, file))).size).toBeLessThanOrEqual(data.length);
    }
  });

  it.each([
    ['huge-json', { reason: 'answer-too-large' }],
    ['malformed-json', { reason: 'not-json' }],
    ['not-an-object', { reason: 'bad-answer' }],
    ['wrong-types', { reason: 'bad-answer', field: expect.stringMatching(/size|status|tags/) }],
    ['asked-for-this', { reason: 'wrong-image' }],
  ])('answers %s with a clear error, on look-up and on download', async (id, details) => {
    const looked = await main.call('getImage', { profileId, imageId: id });
    expect(looked.ok).toBe(false);
    if (looked.ok) return;
    expectClearError(looked.error);
    expect(looked.error.details).toMatchObject(details);

    const [transfer] = await download([id]);
    expect(transfer?.state).toBe('failed');
    expectClearError(transfer?.error);
    expect((await filesUnder(folder)).filter((file) => file.includes(id))).toEqual([]);
  });

  it.each([
    [
      'an entry of the wrong type',
      { kind: 'json', body: { images: [{ id: 'x', size: [] }] } },
      { reason: 'bad-answer', field: expect.stringMatching(/size/) },
    ],
    [
      'a list that is not a list',
      { kind: 'json', body: { images: 'none' } },
      { reason: 'bad-answer', field: expect.stringMatching(/images/) },
    ],
    [
      'a list that is not JSON',
      { kind: 'raw', body: '<html>gateway</html>' },
      { reason: 'not-json' },
    ],
    ['a list of 64 MiB', { kind: 'huge', bytes: 64 << 20 }, { reason: 'answer-too-large' }],
  ] as const)('refuses %s with a clear error', async (_case, list, details) => {
    const liar = await startHostileGlance([], { list });
    try {
      const { id } = await main.value('saveProfile', {
        profile: {
          name: 'lying list',
          authMethod: 'token',
          imageEndpoint: liar.url,
          interface: 'public',
          secret: 'hostile-token',
        },
      });
      const listed = await main.call('listImages', { profileId: id, query: { limit: 10 } });
      expect(listed.ok).toBe(false);
      if (listed.ok) return;
      expectClearError(listed.error);
      expect(listed.error.details).toMatchObject(details);
      await main.value('deleteProfile', { id });
    } finally {
      await liar.stop();
    }
  });

  it('keeps the app working after all of it', async () => {
    const page = await main.value('listImages', { profileId, query: { limit: 100 } });
    expect(page.images.length).toBeGreaterThan(0);
  });
});
