#!/usr/bin/env node
// `npm start`'s last step: runs `electron .`, but first makes sure Electron's binary is there, and
// when it is not and cannot be fetched, says so plainly — where it was fetched from, and the two ways
// round it (a mirror, or a local Electron) — instead of electron's "failed to install correctly".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const { version, engines } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));

function fail(lines) {
  process.stderr.write(`\ncountersign: ${lines.join('\n  ')}\n\n`);
  process.exit(1);
}

/** The binary electron would run, or undefined when it is not on disk. */
function binaryPath() {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return join(override, relative ?? 'electron');
  if (relative === undefined) return undefined;
  const full = join(electronDir, 'dist', relative);
  return existsSync(full) ? full : undefined;
}

const nodeMajorMinor = process.versions.node.split('.').map(Number);
const oldNode = nodeMajorMinor[0] < 22 || (nodeMajorMinor[0] === 22 && nodeMajorMinor[1] < 12);

let binary = binaryPath();
if (process.env.ELECTRON_OVERRIDE_DIST_PATH && (binary === undefined || !existsSync(binary))) {
  fail([
    `ELECTRON_OVERRIDE_DIST_PATH is ${process.env.ELECTRON_OVERRIDE_DIST_PATH}, but there is no Electron binary in it (${binary}).`,
    `Point it at the folder of an unpacked Electron ${version} (the one holding the "electron" executable).`,
  ]);
}
if (binary === undefined) {
  const source = process.env.ELECTRON_MIRROR ?? process.env.npm_config_electron_mirror ?? 'https://github.com/electron/electron/releases';
  process.stderr.write(`countersign: Electron ${version}'s binary is not downloaded yet; fetching it from ${source} …\n`);
  const fetched = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  binary = binaryPath();
  if (fetched.status !== 0 || binary === undefined) {
    // The error lines, without the stack ("TypeError: fetch failed", "HTTPError: 404 …").
    const reason = (fetched.stderr ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at ')).slice(0, 2).join(' / ');
    fail([
      `Electron ${version}'s binary could not be downloaded from ${source}${reason ? `: ${reason}` : '.'}`,
      'On a machine that cannot reach it, either:',
      `  - set ELECTRON_MIRROR to a mirror of Electron's releases (e.g. ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/), then run npm start again; or`,
      `  - unpack Electron ${version} for this platform somewhere and run ELECTRON_OVERRIDE_DIST_PATH=/that/folder npm start.`,
      ...(oldNode ? [`Electron ${version} declares Node ${engines?.node ?? '>= 22.12'}; this is Node ${process.versions.node}. Its download may fail here for that reason alone.`] : []),
      'The command line (npx countersign) and the tests (npm test) do not need Electron.',
    ]);
  }
}

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (error) => fail([`Electron could not be started (${binary}): ${error.message}`]));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
