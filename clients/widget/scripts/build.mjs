#!/usr/bin/env node
// Bundles the widget (src/widget.js, its styles and the SDK from clients/js/src) into one
// minified file, dist/widget.js, which is committed: the server embeds it, so building the
// server needs no Node. `--check` builds into memory and fails if the committed file differs.
import { build, transform } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'dist', 'widget.js');
const check = process.argv.includes('--check');
/** The documented ceiling of the gzipped bundle. */
const MAX_GZIPPED = 50 * 1024;

/** Imports a stylesheet as its minified text (the widget puts it in its shadow root). */
const minifiedCss = {
  name: 'minified-css-text',
  setup(builder) {
    builder.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(readFileSync(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: code.trim(), loader: 'text' };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'src', 'widget.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  platform: 'browser',
  plugins: [minifiedCss],
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
});
const bundle = Buffer.from(result.outputFiles[0].contents);
const gzipped = gzipSync(bundle, { level: 9 }).length;
const size = `${(bundle.length / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped`;

if (gzipped > MAX_GZIPPED) {
  console.error(`widget.js is ${size}: over the ${MAX_GZIPPED / 1024} KiB gzipped budget`);
  process.exit(1);
}
if (check) {
  let committed = null;
  try {
    committed = readFileSync(output);
  } catch {
    // Missing: reported below.
  }
  if (!committed || !committed.equals(bundle)) {
    console.error('dist/widget.js differs from a fresh build: run `npm run build` in clients/widget and commit it');
    process.exit(1);
  }
  console.log(`dist/widget.js matches a fresh build (${size})`);
} else {
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, bundle);
  console.log(`wrote dist/widget.js (${size})`);
}
