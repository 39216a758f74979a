// The one way src/generated/api.ts is made, shared by `npm run generate` and the drift check.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER = `/**
 * Generated from the ChatCloud OpenAPI document by openapi-typescript: do not edit.
 * Regenerate with \`npm run generate -- <openapi.json file or URL>\`.
 */

`;

/** The TypeScript text for the document at `source` (a file path or an http(s) URL). */
export async function generate(source) {
  let document;
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    document = await response.json();
  } else {
    document = JSON.parse(readFileSync(resolve(source), 'utf8'));
  }
  const ast = await openapiTS(document, { alphabetize: true });
  return HEADER + astToString(ast);
}
