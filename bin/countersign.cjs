#!/usr/bin/env node
// Runs the bundled CLI, which `npm ci` builds (the `prepare` script) and `npm run build` rebuilds,
// through its launcher (V8's code cache: electron/cli/launch.ts). CommonJS, because an ES module
// entry costs Node a few milliseconds more to start. Only when there is no bundle (an install with
// --ignore-scripts) does it run the TypeScript sources through tsx: correct, but slow to start.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const cli = join(__dirname, '..', 'dist', 'cli');
if (existsSync(join(cli, 'launch.cjs'))) {
  require(join(cli, 'launch.cjs')).launch(join(cli, 'countersign.cjs'));
} else {
  import('tsx/esm/api')
    .then(({ register }) => {
      register();
      return import(pathToFileURL(join(__dirname, '..', 'electron', 'cli', 'bin.ts')).href);
    })
    .catch((error) => {
      process.stderr.write(`countersign: cannot run the TypeScript sources (${error.message}); build the CLI with: npm run build\n`);
      process.exitCode = 1;
    });
}
