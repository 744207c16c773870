import { describe, expect, test } from 'vitest';
import { contrastRatio, DARK_TEXT, LIGHT_TEXT, textOn } from '../../../renderer/src/lib/contrast';

describe('text on a cloud colour', () => {
  test('contrast ratios as WCAG computes them', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  test('picks white on dark colours and near-black on light ones', () => {
    expect(textOn('#1f5ad6')).toBe(LIGHT_TEXT);
    expect(textOn('#7f1d1d')).toBe(LIGHT_TEXT);
    expect(textOn('#ffeb3b')).toBe(DARK_TEXT);
    expect(textOn('#B9C0CA')).toBe(DARK_TEXT);
  });

  test('every grey and primary colour gets text of at least 4.5:1', () => {
    const colours = ['#000000', '#ffffff', '#ff0000', '#00ff00', '#0000ff', '#808080', '#2563eb'];
    for (let grey = 0; grey < 256; grey += 5) {
      colours.push(`#${grey.toString(16).padStart(2, '0').repeat(3)}`);
    }
    for (const colour of colours) {
      expect(contrastRatio(textOn(colour) ?? '', colour), colour).toBeGreaterThanOrEqual(4.5);
    }
  });

  test('anything but #rrggbb gets no colour (the stylesheet’s default applies)', () => {
    for (const bad of [undefined, '', 'red', '#fff', '#12345g', 'var(--accent)']) {
      expect(textOn(bad)).toBeUndefined();
    }
  });
});
