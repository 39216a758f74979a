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
  const ast = await openapiTS(uniqueOperationIds(document), { alphabetize: true });
  return HEADER + astToString(ast);
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * openapi-typescript refuses a document in which two operations share an `operationId`. The
 * SDK's types are keyed by path and method, not by operation id, so a colliding id is renamed
 * after its method and path (with a warning) and every unique one is kept as served.
 */
function uniqueOperationIds(document) {
  const seen = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const id = item?.[method]?.operationId;
      if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation?.operationId || seen.get(operation.operationId) === 1) continue;
      const renamed = `${method}_${path.replace(/^\/api\/v1\//, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '')}`;
      console.warn(`operationId ${operation.operationId} is not unique: ${method} ${path} is typed as ${renamed}`);
      operation.operationId = renamed;
    }
  }
  return document;
}
