// Bundles the viewer pages into ../src/ownstream/web/static/ (served by ownstream.web.pages).
//
//   static/index.html, static/embed-video.html,
//   static/embed-chat.html                       HTML shells, asset names filled in
//   static/assets/*                              content-hashed JS/CSS/worker files (cached forever)
//
// Usage: node build.mjs [--dev]   (--dev: no minification, inline source maps)
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outRoot = join(here, '..', 'src', 'ownstream', 'web', 'static');
const assetsDir = join(outRoot, 'assets');
const publicPrefix = '/static/';
const dev = process.argv.includes('--dev');

const pages = [
  { entry: 'src/main.tsx', template: 'index.html', out: 'index.html' },
  { entry: 'src/embed-video.tsx', template: 'embed-video.html', out: 'embed-video.html' },
  { entry: 'src/embed-chat.tsx', template: 'embed-chat.html', out: 'embed-chat.html' },
];

rmSync(outRoot, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });

// hls.js's ES module build has no inline worker: ship its worker file next to the bundle.
const workerSource = join(here, 'node_modules', 'hls.js', 'dist', 'hls.worker.js');
const workerName = `hls-worker-${shortHash(readFileSync(workerSource))}.js`;
copyFileSync(workerSource, join(assetsDir, workerName));

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: pages.map((p) => p.entry),
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020', 'chrome87', 'firefox78', 'safari15'],
  outdir: assetsDir,
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
  define: {
    __HLS_WORKER_URL__: JSON.stringify(publicPrefix + workerName),
    'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'),
  },
});

for (const page of pages) {
  const [outFile, meta] = Object.entries(result.metafile.outputs).find(
    ([, output]) => output.entryPoint === page.entry,
  );
  const script = publicPrefix + basename(outFile);
  const css = meta.cssBundle ? publicPrefix + basename(meta.cssBundle) : null;
  const preloads = meta.imports
    .filter((imp) => imp.kind === 'import-statement' && !imp.external)
    .map((imp) => `<link rel="modulepreload" href="${publicPrefix + basename(imp.path)}">`);
  const head = [
    css ? `<link rel="stylesheet" href="${css}">` : '',
    ...preloads,
    `<script type="module" src="${script}"></script>`,
  ]
    .filter(Boolean)
    .join('\n    ');
  const html = readFileSync(join(here, page.template), 'utf8');
  if (!html.includes('<!-- assets -->')) throw new Error(`${page.template}: missing <!-- assets --> marker`);
  writeFileSync(join(outRoot, page.out), html.replace('<!-- assets -->', head));
}

let total = 0;
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  total += output.bytes;
  console.log(`${relative(here, file).padEnd(60)} ${(output.bytes / 1024).toFixed(1).padStart(7)} KiB`);
}
console.log(`${'total (without the hls.js worker)'.padEnd(60)} ${(total / 1024).toFixed(1).padStart(7)} KiB`);

function shortHash(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}
