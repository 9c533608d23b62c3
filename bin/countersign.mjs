#!/usr/bin/env node
// Runs the bundled CLI, which `npm ci` builds (the `prepare` script) and `npm run build` rebuilds.
// Only when there is no bundle (an install with --ignore-scripts) does it run the TypeScript sources
// through tsx: correct, but about twice as slow to start.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'countersign.js');
if (existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'electron', 'cli', 'bin.ts')).href);
}
