// Maps the server's variant list (/api/video/variants) onto hls.js levels.
import type { Variant } from '../api';

export interface QualityChoice {
  /** The variant's folder number on the server (`/hls/<index>/stream.m3u8`). */
  variantIndex: number;
  name: string;
  /** The hls.js level playing that variant. */
  level: number;
}

function pathOf(uri: string): string {
  try {
    return new URL(uri, location.href).pathname;
  } catch {
    return uri.split(/[?#]/, 1)[0] ?? uri;
  }
}

/**
 * Pairs each variant with the level whose playlist URL ends in `/<index>/stream.m3u8`.
 * Matching by URL (not by position) matters: the API sorts variants by bitrate, hls.js sorts
 * levels its own way, and the master playlist order is the server's config order.
 */
export function qualityChoices(variants: readonly Variant[], levelUris: readonly string[]): QualityChoice[] {
  const paths = levelUris.map(pathOf);
  const choices: QualityChoice[] = [];
  for (const variant of variants) {
    const suffix = `/${variant.index}/stream.m3u8`;
    const level = paths.findIndex((p) => p.endsWith(suffix));
    if (level >= 0) choices.push({ variantIndex: variant.index, name: variant.name, level });
  }
  return choices;
}
