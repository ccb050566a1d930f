import { UserError } from '../errors.ts';

/**
 * What transparent pixels are composited onto: a colour as #rrggbb, or
 * `auto`, a matte picked per image by contrast with its visible content.
 *
 * The default is white: most images with transparency are icons, glyphs and
 * logos drawn for light backgrounds (a black glyph on transparency stays
 * visible), and one background for the whole dataset keeps the background
 * colour from becoming a factor the model learns. `auto` is for folders of
 * light glyphs, which would vanish on white.
 */
export const DEFAULT_BACKGROUND = '#ffffff';

const named: Record<string, string> = { white: '#ffffff', black: '#000000', gray: '#808080', grey: '#808080' };

export function parseBackground(value: string): string {
  const text = value.trim().toLowerCase();
  if (text === 'auto') return 'auto';
  if (named[text]) return named[text];
  if (/^#[0-9a-f]{6}$/.test(text)) return text;
  throw new UserError(`--background must be white, black, gray, auto or a colour as #rrggbb, not "${value}".`);
}

export function rgbOf(hex: string): [number, number, number] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
}

/** Rec. 601 luma, the weights libvips uses for sRGB to b-w. */
export function lumaOf(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
