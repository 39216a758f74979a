#!/usr/bin/env node
// Bundles the agent console (src/console.js, its stylesheet and the SDK from clients/js/src) into
// one minified file, dist/console.js, which is committed: the server embeds it (with
// src/console.html) and serves it at /console. `--check` fails if the committed file differs
// from a fresh build.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'dist', 'console.js');

const result = await build({
  entryPoints: [join(root, 'src', 'console.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  platform: 'browser',
  // The stylesheet is imported as text and put in the page's head.
  loader: { '.css': 'text' },
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
});
const bundle = Buffer.from(result.outputFiles[0].contents);
const size = `${(bundle.length / 1024).toFixed(1)} KiB`;

if (process.argv.includes('--check')) {
  let committed = null;
  try {
    committed = readFileSync(output);
  } catch {
    // Missing: reported below.
  }
  if (!committed?.equals(bundle)) {
    console.error('dist/console.js differs from a fresh build: run `npm run build` in clients/console and commit it');
    process.exit(1);
  }
  console.log(`dist/console.js matches a fresh build (${size})`);
} else {
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, bundle);
  console.log(`wrote dist/console.js (${size})`);
}
