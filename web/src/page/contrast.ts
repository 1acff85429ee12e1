// Readable text on an admin-chosen colour: the WCAG contrast of white and of near-black against it,
// and whichever is higher. Pure, except `parseCssColor`, which asks the browser to parse the colour.

export type Rgb = [number, number, number];

const DARK_TEXT = '#111318';
const LIGHT_TEXT = '#ffffff';

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour (white or near-black) with the higher contrast on `background`. */
export function readableTextOn(background: Rgb): string {
  return contrastRatio(background, [255, 255, 255]) >= contrastRatio(background, [17, 19, 24]) ? LIGHT_TEXT : DARK_TEXT;
}

/** `#rgb`, `#rrggbb`, `rgb(…)` → channels; null for anything else. */
export function parseRgb(text: string): Rgb | null {
  const value = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(value) ?? /^#([0-9a-f]{3})[0-9a-f]$/.exec(value);
  if (hex) {
    const digits = hex[1]!.length === 3 ? [...hex[1]!].map((d) => d + d).join('') : hex[1]!;
    return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as Rgb;
  }
  const rgb = /^rgba?\(\s*(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)/.exec(value);
  return rgb ? ([rgb[1], rgb[2], rgb[3]].map((n) => Math.min(255, Number(n))) as Rgb) : null;
}

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour (names, hsl(), hex…) as channels, parsed by the browser; null when it is no colour. */
export function parseCssColor(text: string): Rgb | null {
  const direct = parseRgb(text);
  if (direct) return direct;
  if (probe === undefined) probe = document.createElement('canvas').getContext('2d');
  if (!probe) return null;
  probe.fillStyle = '#010203';
  probe.fillStyle = text;
  const parsed = String(probe.fillStyle);
  if (parsed === '#010203' && !/^#0?10203$/i.test(text.trim())) return null;
  return parseRgb(parsed);
}
