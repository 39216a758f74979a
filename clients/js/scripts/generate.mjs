#!/usr/bin/env node
// Regenerates src/generated/api.ts from an OpenAPI document: a file or a URL (the served
// `/api/v1/openapi.json`). Starts nothing itself.
//
//   npm run generate -- http://127.0.0.1:8080/api/v1/openapi.json
//   npm run generate -- ./openapi.json
//   CHATCLOUD_OPENAPI=... npm run generate
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './openapi.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const source = process.argv[2] ?? process.env.CHATCLOUD_OPENAPI;
if (!source) {
  console.error('usage: npm run generate -- <openapi.json file or URL>');
  process.exit(2);
}
const output = resolve(here, '../src/generated/api.ts');
const text = await generate(source);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, text);
console.log(`wrote ${output} from ${source}`);
