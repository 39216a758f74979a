#!/usr/bin/env node
// CI drift check: starts a fresh server, regenerates the types from the document it serves, and
// fails if src/generated/api.ts differs from what is checked in. With `--write` (`npm run
// update-generated`) it writes the fresh types instead: the one step after an API change.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './openapi.mjs';
import { TestServer } from '../test/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const checkedIn = resolve(here, '../src/generated/api.ts');
const server = new TestServer();
let fresh;
try {
  const base = await server.start();
  fresh = await generate(`${base}/api/v1/openapi.json`);
} finally {
  await server.dispose();
}
if (process.argv.includes('--write')) {
  writeFileSync(checkedIn, fresh);
  console.log('wrote src/generated/api.ts from a fresh server\'s OpenAPI document');
  process.exit(0);
}
const current = readFileSync(checkedIn, 'utf8');
if (current !== fresh) {
  const a = current.split('\n');
  const b = fresh.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  console.error(`src/generated/api.ts is out of date with the served OpenAPI document (first difference at line ${line + 1}):`);
  console.error(`  checked in: ${a[line]}`);
  console.error(`  served:     ${b[line]}`);
  console.error('Regenerate with `npm run update-generated` (or `npm run generate -- <openapi.json file or URL>`).');
  process.exit(1);
}
console.log('src/generated/api.ts matches the served OpenAPI document');
