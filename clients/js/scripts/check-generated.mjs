#!/usr/bin/env node
// CI drift check: starts a fresh server, regenerates the types from the document it serves, and
// fails if src/generated/api.ts differs from what is checked in.
import { readFileSync } from 'node:fs';
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
const current = readFileSync(checkedIn, 'utf8');
if (current !== fresh) {
  const a = current.split('\n');
  const b = fresh.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  console.error(`src/generated/api.ts is out of date with the served OpenAPI document (first difference at line ${line + 1}):`);
  console.error(`  checked in: ${a[line]}`);
  console.error(`  served:     ${b[line]}`);
  console.error('Regenerate: start the server and run `npm run generate -- http://HOST:PORT/api/v1/openapi.json`.');
  process.exit(1);
}
console.log('src/generated/api.ts matches the served OpenAPI document');
