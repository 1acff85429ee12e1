// The brand icons of the social platforms in /api/socialplatforms, written by build.mjs as
// static/platformlogos/<id>.svg (served at /img/platformlogos/<id>.svg, the `icon` paths of Owncast 0.0.11).
//
// Glyphs come from two permissively licensed icon sets installed from npm: Simple Icons (CC0: brands, with
// their colours) and Tabler Icons (MIT: the Twitter bird and LinkedIn, which Simple Icons no longer has,
// and the generic marks). Keyoxide's own mark is in neither set; its entry is Tabler's key, the picture
// Keyoxide's logo is drawn from, in a purple of our choosing. Each icon is the white (or, on a light
// brand colour, near-black) glyph on a disc of the brand's colour, so it reads on light and dark pages.
// The ids must match PLATFORMS in src/ownstream/social.py (tests/web/test_platform_icons.py checks).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as simpleIcons from 'simple-icons';

const modules = join(dirname(fileURLToPath(import.meta.url)), 'node_modules');
const tablerRoot = join(modules, '@tabler', 'icons');
const simpleIconsRoot = join(modules, 'simple-icons');

/** id → where its glyph comes from. `si`: a Simple Icons slug; `tabler`: [style, name, colour]. */
export const PLATFORM_ICONS = {
  bandcamp: { si: 'bandcamp' },
  discord: { si: 'discord' },
  facebook: { si: 'facebook' },
  github: { si: 'github' },
  gitlab: { si: 'gitlab' },
  instagram: { si: 'instagram' },
  keyoxide: { tabler: ['filled', 'key', '#6d4aff'] },
  kofi: { si: 'kofi' },
  linkedin: { tabler: ['filled', 'brand-linkedin', '#0a66c2'] },
  mastodon: { si: 'mastodon' },
  patreon: { si: 'patreon' },
  paypal: { si: 'paypal' },
  snapchat: { si: 'snapchat' },
  soundcloud: { si: 'soundcloud' },
  spotify: { si: 'spotify' },
  steam: { si: 'steam' },
  tiktok: { si: 'tiktok' },
  twitch: { si: 'twitch' },
  twitter: { tabler: ['filled', 'brand-twitter', '#1d9bf0'] },
  youtube: { si: 'youtube' },
  odysee: { si: 'odysee' },
  lbry: { si: 'lbry' },
  liberapay: { si: 'liberapay' },
  donate: { tabler: ['filled', 'heart', '#db2777'] },
  follow: { tabler: ['outline', 'user-plus', '#2563eb'] },
};

function simpleIcon(slug) {
  const key = `si${slug[0].toUpperCase()}${slug.slice(1)}`;
  const icon = simpleIcons[key];
  if (!icon) throw new Error(`simple-icons has no ${slug}`);
  return { title: icon.title, colour: `#${icon.hex}`, body: `<path d="${icon.path}"/>`, stroke: false };
}

function tablerIcon(style, name, colour) {
  const svg = readFileSync(join(tablerRoot, 'icons', style, `${name}.svg`), 'utf8');
  // The drawing is the <path>s after Tabler's invisible 24×24 bounding box.
  const paths = [...svg.matchAll(/<path [^>]*\/>/g)].map((m) => m[0]).filter((p) => !p.includes('stroke="none"'));
  if (paths.length === 0) throw new Error(`@tabler/icons ${style}/${name}: no paths`);
  return { title: name, colour, body: paths.join(''), stroke: style === 'outline' };
}

/** Relative luminance (WCAG 2) of a #rrggbb colour. */
function luminance(hex) {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** White on the disc unless near-black reads better (Snapchat's yellow, say). */
function glyphColour(disc) {
  const l = luminance(disc);
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / (luminance('#111111') + 0.05);
  return onWhite >= onDark ? '#ffffff' : '#111111';
}

function iconSvg(label, { colour, body, stroke }) {
  const glyph = glyphColour(colour);
  const paint = stroke
    ? `fill="none" stroke="${glyph}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"`
    : `fill="${glyph}"`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="${label}">` +
    `<title>${label}</title><circle cx="32" cy="32" r="32" fill="${colour}"/>` +
    `<g transform="translate(16 16) scale(1.3333)" ${paint}>${body}</g></svg>\n`
  );
}

/** Writes `<outDir>/<id>.svg` for every platform, and the two sets' licences beside them. */
export function writePlatformIcons(outDir, labels) {
  mkdirSync(outDir, { recursive: true });
  for (const [id, source] of Object.entries(PLATFORM_ICONS)) {
    const icon = source.si ? simpleIcon(source.si) : tablerIcon(...source.tabler);
    writeFileSync(join(outDir, `${id}.svg`), iconSvg(labels[id] ?? icon.title, icon));
  }
  copyFileSync(join(simpleIconsRoot, 'LICENSE.md'), join(outDir, 'LICENSE-simple-icons.txt'));
  copyFileSync(join(tablerRoot, 'LICENSE'), join(outDir, 'LICENSE-tabler-icons.txt'));
  return Object.keys(PLATFORM_ICONS).length;
}
