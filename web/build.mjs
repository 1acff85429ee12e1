// Bundles the viewer pages and the admin dashboard into ../src/ownstream/web/static/ (served by
// ownstream.web.pages and ownstream.api.routes.admin_pages).
//
//   static/index.html, static/embed-video.html,
//   static/embed-chat.html                       HTML shells, asset names filled in
//   static/assets/*                              content-hashed JS/CSS/worker files (cached forever)
//   static/admin.html, static/admin-login.html   the admin app's shell and its login page
//   static/admin-assets/*                        the admin bundle, served at /admin/assets/
//   static/platformlogos/<id>.svg                the social platforms' brand icons (platform-icons.mjs)
//
// The admin is a separate esbuild run, so nothing of it (not even a shared chunk) lands in the viewer
// page's files.
//
// Usage: node build.mjs [--dev]   (--dev: no minification, inline source maps)
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { writePlatformIcons } from './platform-icons.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outRoot = join(here, '..', 'src', 'ownstream', 'web', 'static');
const assetsDir = join(outRoot, 'assets');
const adminAssetsDir = join(outRoot, 'admin-assets');
const publicPrefix = '/static/';
const adminPrefix = '/admin/assets/';
const dev = process.argv.includes('--dev');

const pages = [
  { entry: 'src/main.tsx', template: 'index.html', out: 'index.html' },
  { entry: 'src/embed-video.tsx', template: 'embed-video.html', out: 'embed-video.html' },
  { entry: 'src/embed-chat.tsx', template: 'embed-chat.html', out: 'embed-chat.html' },
  { entry: 'src/replay.tsx', template: 'replay.html', out: 'replay.html' },
  { entry: 'src/clip.tsx', template: 'clip.html', out: 'clip.html' },
];

rmSync(outRoot, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });
mkdirSync(adminAssetsDir, { recursive: true });

// hls.js's ES module build has no inline worker: ship its worker file next to the bundle.
const workerSource = join(here, 'node_modules', 'hls.js', 'dist', 'hls.worker.js');
const workerName = `hls-worker-${shortHash(readFileSync(workerSource))}.js`;
copyFileSync(workerSource, join(assetsDir, workerName));

// The notify button's service worker (push-worker.js): shows go-live push messages.
const pushWorkerName = `push-worker-${shortHash(readFileSync(join(here, 'push-worker.js')))}.js`;
copyFileSync(join(here, 'push-worker.js'), join(assetsDir, pushWorkerName));

// The emoji picker's data (emoji-picker-element-data, Apache-2.0): one JSON file the picker fetches the
// first time it opens (then keeps in IndexedDB), served from /static like every other asset.
const emojiDataSource = join(here, 'node_modules', 'emoji-picker-element-data', 'en', 'emojibase', 'data.json');
const emojiDataName = `emoji-data-${shortHash(readFileSync(emojiDataSource))}.json`;
copyFileSync(emojiDataSource, join(assetsDir, emojiDataName));
copyFileSync(
  join(here, 'node_modules', 'emoji-picker-element-data', 'LICENSE'),
  join(assetsDir, 'emoji-data-LICENSE.txt'),
);

// Brand icons: the platform ids and names are the server's (src/ownstream/social.py, PLATFORMS).
const socialSource = readFileSync(join(here, '..', 'src', 'ownstream', 'social.py'), 'utf8');
const platformBlock = socialSource.match(/PLATFORMS: dict\[str, str\] = \{([^}]*)\}/);
if (!platformBlock) throw new Error('src/ownstream/social.py: PLATFORMS not found');
const platformNames = Object.fromEntries([...platformBlock[1].matchAll(/"([^"]+)":\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]));
const iconCount = writePlatformIcons(join(outRoot, 'platformlogos'), platformNames);
const missingIcons = Object.keys(platformNames).filter((id) => !existsSync(join(outRoot, 'platformlogos', `${id}.svg`)));
if (missingIcons.length) throw new Error(`no brand icon for platform(s): ${missingIcons.join(', ')} (platform-icons.mjs)`);

const common = {
  absWorkingDir: here,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020', 'chrome87', 'firefox78', 'safari15'],
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  jsx: 'automatic',
  jsxImportSource: 'preact',
};

const result = await esbuild.build({
  ...common,
  entryPoints: pages.map((p) => p.entry),
  outdir: assetsDir,
  define: {
    __HLS_WORKER_URL__: JSON.stringify(publicPrefix + workerName),
    __EMOJI_DATA_URL__: JSON.stringify(publicPrefix + emojiDataName),
    __PUSH_WORKER_URL__: JSON.stringify(publicPrefix + pushWorkerName),
    'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'),
  },
});

const adminEntry = 'src/admin/main.tsx';
const admin = await esbuild.build({
  ...common,
  entryPoints: [adminEntry],
  outdir: adminAssetsDir,
  define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
});

/** The tags that load an entry: its stylesheet, its static imports (preloaded) and its script. */
function entryTags(metafile, entry, prefix) {
  const [outFile, meta] = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entry);
  const css = meta.cssBundle ? prefix + basename(meta.cssBundle) : null;
  const preloads = meta.imports
    .filter((imp) => imp.kind === 'import-statement' && !imp.external)
    .map((imp) => `<link rel="modulepreload" href="${prefix + basename(imp.path)}">`);
  return { css, preloads, script: prefix + basename(outFile) };
}

function writePage(template, out, head) {
  const html = readFileSync(join(here, template), 'utf8');
  if (!html.includes('<!-- assets -->')) throw new Error(`${template}: missing <!-- assets --> marker`);
  writeFileSync(join(outRoot, out), html.replace('<!-- assets -->', head.filter(Boolean).join('\n    ')));
}

for (const page of pages) {
  const tags = entryTags(result.metafile, page.entry, publicPrefix);
  writePage(page.template, page.out, [
    tags.css ? `<link rel="stylesheet" href="${tags.css}">` : '',
    ...tags.preloads,
    `<script type="module" src="${tags.script}"></script>`,
  ]);
}

// The admin app, and its login page: no script at all (a plain form), but the app's stylesheet, and
// the app preloaded so that the page after logging in renders at once.
const adminTags = entryTags(admin.metafile, adminEntry, adminPrefix);
writePage('admin.html', 'admin.html', [
  adminTags.css ? `<link rel="stylesheet" href="${adminTags.css}">` : '',
  ...adminTags.preloads,
  `<script type="module" src="${adminTags.script}"></script>`,
]);
writePage('admin-login.html', 'admin-login.html', [
  adminTags.css ? `<link rel="stylesheet" href="${adminTags.css}">` : '',
  `<link rel="modulepreload" href="${adminTags.script}">`,
  ...adminTags.preloads,
]);

for (const [file, output] of [...Object.entries(result.metafile.outputs), ...Object.entries(admin.metafile.outputs)]) {
  console.log(`${relative(here, file).padEnd(66)} ${(output.bytes / 1024).toFixed(1).padStart(7)} KiB`);
}

/** What a page loads up front: its entry, the chunks it imports statically (transitively) and its CSS. */
function pageWeight(metafile, entry) {
  const outputs = metafile.outputs;
  const [entryFile, meta] = Object.entries(outputs).find(([, output]) => output.entryPoint === entry);
  const files = new Set([entryFile]);
  const queue = [entryFile];
  while (queue.length) {
    for (const imp of outputs[queue.pop()].imports) {
      if (imp.kind === 'import-statement' && !imp.external && !files.has(imp.path)) {
        files.add(imp.path);
        queue.push(imp.path);
      }
    }
  }
  if (meta.cssBundle) files.add(meta.cssBundle);
  let raw = 0;
  let gzip = 0;
  let jsGzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(here, file));
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += zipped;
    if (file.endsWith('.js')) jsGzip += zipped;
  }
  return { raw, gzip, jsGzip };
}

for (const [name, metafile, entry] of [
  ['viewer page (/)', result.metafile, 'src/main.tsx'],
  ['admin dashboard (/admin/)', admin.metafile, adminEntry],
]) {
  const weight = pageWeight(metafile, entry);
  console.log(
    `${`${name}, loaded up front`.padEnd(40)} ${(weight.raw / 1024).toFixed(1).padStart(7)} KiB,` +
      ` ${(weight.gzip / 1024).toFixed(1).padStart(6)} KiB gzipped (JavaScript ${(weight.jsGzip / 1024).toFixed(1)} KiB)`,
  );
}
console.log(`platform icons: ${iconCount} in static/platformlogos/`);

function shortHash(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}
