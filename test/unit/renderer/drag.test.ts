import { describe, expect, test } from 'vitest';
import { carriesImages, IMAGE_DRAG_TYPE, readImageDrag } from '../../../renderer/src/lib/drag';

/** A drop event as far as drag.ts looks at it: its data under each type. */
function dropOf(data: Record<string, string>): DragEvent {
  return {
    dataTransfer: { types: Object.keys(data), getData: (type: string) => data[type] ?? '' },
  } as unknown as DragEvent;
}

describe('readImageDrag', () => {
  test('reads the images our own rows carry', () => {
    const payload = { profileId: 'p1', imageIds: ['a', 'b'] };
    const event = dropOf({ [IMAGE_DRAG_TYPE]: JSON.stringify(payload) });
    expect(carriesImages(event)).toBe(true);
    expect(readImageDrag(event)).toEqual(payload);
  });

  test('ignores a drop without our type', () => {
    const event = dropOf({ 'text/plain': 'hello' });
    expect(carriesImages(event)).toBe(false);
    expect(readImageDrag(event)).toBeUndefined();
    expect(readImageDrag({ dataTransfer: null } as unknown as DragEvent)).toBeUndefined();
  });

  test.each([
    ['text that is not JSON', '{"profileId": "p1", imageIds'],
    ['JSON null', 'null'],
    ['a JSON string', '"p1"'],
    ['an array', '[["a"]]'],
    ['no profile', '{"imageIds": ["a"]}'],
    ['an empty profile id', '{"profileId": "", "imageIds": ["a"]}'],
    ['ids that are not a list', '{"profileId": "p1", "imageIds": "a"}'],
    ['no ids', '{"profileId": "p1", "imageIds": []}'],
    ['ids that are not strings', '{"profileId": "p1", "imageIds": ["a", 7]}'],
    ['an empty id', '{"profileId": "p1", "imageIds": [""]}'],
  ])('ignores a foreign drag carrying %s, without throwing', (_what, raw) => {
    expect(readImageDrag(dropOf({ [IMAGE_DRAG_TYPE]: raw }))).toBeUndefined();
  });

  test('keeps only the fields it knows', () => {
    const raw = JSON.stringify({ profileId: 'p1', imageIds: ['a'], extra: { deep: true } });
    expect(readImageDrag(dropOf({ [IMAGE_DRAG_TYPE]: raw }))).toEqual({
      profileId: 'p1',
      imageIds: ['a'],
    });
  });
});
