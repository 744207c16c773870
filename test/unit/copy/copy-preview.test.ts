// The copy preview (main/transfers/copy-preview.ts) with stand-in clouds: which filter finds
// the target's images of the same data, the size check, and a target that cannot filter.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { Image, ImageListQuery } from '../../../common/image';
import { previewCopies } from '../../../main/transfers/copy-preview';

function image(fields: Partial<Image>): Image {
  return {
    id: 'a',
    name: 'ubuntu',
    status: 'active',
    visibility: 'private',
    protected: false,
    os_hidden: false,
    tags: [],
    disk_format: 'raw',
    container_format: 'bare',
    size: 10,
    virtual_size: null,
    min_disk: 0,
    min_ram: 0,
    owner: null,
    checksum: 'c0ffee',
    os_hash_algo: 'sha512',
    os_hash_value: 'beef',
    created_at: '',
    updated_at: '',
    properties: {},
    ...fields,
  };
}

function clouds(sourceImage: Image, onTarget: Image[] | AppError) {
  const queries: ImageListQuery[] = [];
  return {
    queries,
    clients: {
      source: { getImage: async () => sourceImage },
      target: {
        listImages: async (query: ImageListQuery) => {
          queries.push(query);
          if (onTarget instanceof AppError) throw onTarget;
          return { images: onTarget };
        },
      },
    },
  };
}

describe('previewCopies', () => {
  it('finds the target’s images by the source’s multihash, and keeps those of the same size', async () => {
    const { clients, queries } = clouds(image({}), [
      image({ id: 'b1', name: 'there' }),
      image({ id: 'b2', size: 11 }),
    ]);
    const [preview] = await previewCopies(clients, ['a']);
    expect(queries).toEqual([{ properties: { os_hash_value: 'beef' }, limit: 100 }]);
    expect(preview?.sameData).toEqual([{ id: 'b1', name: 'there', status: 'active' }]);
  });

  it('falls back to the md5 checksum, and looks for nothing when the image has no hash', async () => {
    const md5 = clouds(image({ os_hash_value: null }), []);
    await previewCopies(md5.clients, ['a']);
    expect(md5.queries).toEqual([{ properties: { checksum: 'c0ffee' }, limit: 100 }]);
    const none = clouds(image({ os_hash_value: null, checksum: null }), []);
    expect((await previewCopies(none.clients, ['a']))[0]?.sameData).toEqual([]);
    expect(none.queries).toEqual([]);
  });

  it('takes a target that refuses the hash filter as holding nothing, and fails on anything else', async () => {
    const refused = clouds(image({}), new AppError({ kind: 'bad-request', status: 400 }));
    expect((await previewCopies(refused.clients, ['a']))[0]?.sameData).toEqual([]);
    const down = clouds(image({}), new AppError({ kind: 'server', status: 503 }));
    await expect(previewCopies(down.clients, ['a'])).rejects.toMatchObject({ kind: 'server' });
  });
});
