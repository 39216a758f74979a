#!/usr/bin/env node
// Runs the tests with node's test runner. Node 20 has the platform WebSocket behind
// --experimental-websocket; later versions have it on by default.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const flags = typeof WebSocket === 'function' ? [] : ['--experimental-websocket'];
const files = readdirSync('test')
  .filter((name) => name.endsWith('.test.mjs'))
  .map((name) => `test/${name}`);
const result = spawnSync(process.execPath, [...flags, '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
