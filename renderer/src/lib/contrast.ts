/**
 * Text colours readable on a colour the user picked (a cloud's colour): WCAG's relative
 * luminance and contrast ratio, and whichever of black or white contrasts more.
 */

/** Relative luminance (WCAG 2.x) of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) =>
    c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

// Black, not a softer near-black: only black and white together reach 4.5:1 on every colour.
export const DARK_TEXT = '#000000';
export const LIGHT_TEXT = '#ffffff';

/** The text colour for `background` (`#rrggbb`), or undefined when it is not one. */
export function textOn(background: string | undefined): string | undefined {
  if (!background || !/^#[0-9a-f]{6}$/i.test(background)) return undefined;
  return contrastRatio(DARK_TEXT, background) >= contrastRatio(LIGHT_TEXT, background)
    ? DARK_TEXT
    : LIGHT_TEXT;
}
