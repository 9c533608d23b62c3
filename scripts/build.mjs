// Bundles the app with esbuild:
//   dist/renderer/            index.html + app.js + app.css (browser, ESM)
//   dist/electron/main/       main.js (Node ESM; node builtins, electron and the native keyring external)
//   dist/electron/preload/    preload.cjs (the sandboxed preload must be one CommonJS file)
//   dist/cli/                 countersign.cjs (the CLI, entry electron/cli/start.ts) + launch.cjs (its launcher)
// `--dev` keeps React's development build and skips minifying; `--only=renderer,main` builds a subset.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
// --out=DIR builds into DIR instead of dist/ (tests build their own copy, so parallel runs never clash).
const outRoot = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? join(root, 'dist');
const out = (...parts) => join(outRoot, ...parts);

// Bundled CommonJS dependencies call require() for builtins; ESM output has no require of its own.
const esmRequireBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common = {
  bundle: true,
  sourcemap: dev ? 'inline' : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

const nodeTarget = {
  ...common,
  platform: 'node',
  target: 'node20',
  external: ['electron', '@napi-rs/keyring', '@napi-rs/keyring/*'],
};

async function buildRenderer() {
  await rm(out('renderer'), { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { app: 'renderer/src/main.tsx' },
    outdir: out('renderer'),
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    jsx: 'automatic',
    minify: !dev,
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
  });
  await copyFile(join(root, 'renderer', 'index.html'), out('renderer', 'index.html'));
}

async function buildMain() {
  await build({
    ...nodeTarget,
    entryPoints: ['electron/main/main.ts'],
    outfile: out('electron', 'main', 'main.js'),
    format: 'esm',
    banner: { js: esmRequireBanner },
  });
}

async function buildPreload() {
  await build({
    ...nodeTarget,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: out('electron', 'preload', 'preload.cjs'),
    format: 'cjs',
    // The sandboxed preload runs in a renderer: keep it small and self-contained.
    minify: !dev,
  });
}

async function buildCli() {
  const entry = join(root, 'electron', 'cli', 'start.ts');
  if (!existsSync(entry)) return false;
  // Stale bundles and their code caches must not linger next to the new ones.
  await rm(out('cli'), { recursive: true, force: true });
  await mkdir(out('cli'), { recursive: true });
  const cli = {
    ...nodeTarget,
    format: 'cjs',
    // Every CLI run parses what it loads first; smaller code starts measurably faster.
    minify: !dev,
    // Non-ASCII characters escaped (esbuild's default, stated because the launcher relies on it):
    // the launcher reads the bundle as latin1, a straight copy into a one-byte string, instead of
    // decoding and checking 1 MB of UTF-8 on every run.
    charset: 'ascii',
  };
  // One CommonJS file: the launcher compiles it from V8's code cache (electron/cli/launch.ts),
  // which Node 20 offers for scripts, not for ES modules. esbuild turns each command's dynamic
  // import into a module evaluated on first use, so `--help` still evaluates none of them.
  await build({ ...cli, entryPoints: [entry], outfile: out('cli', 'countersign.cjs') });
  await build({ ...cli, entryPoints: ['electron/cli/launch.ts'], outfile: out('cli', 'launch.cjs') });
  return true;
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const targets = { renderer: buildRenderer, main: buildMain, preload: buildPreload, cli: buildCli };
const chosen = only === undefined ? Object.keys(targets) : only.split(',');
for (const name of chosen) {
  const run = targets[name];
  if (run === undefined) throw new Error(`unknown build target ${name} (known: ${Object.keys(targets).join(', ')})`);
  await run();
}
