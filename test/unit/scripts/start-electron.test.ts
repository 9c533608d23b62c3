// npm start's wrapper around `electron .`: a missing Electron binary is said plainly, naming where it
// was fetched from and the two ways round it, instead of electron's "failed to install correctly".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'start-electron.mjs');
const run = (env: Record<string, string>) => spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const binaryPresent = existsSync(join(electronDir, 'path.txt')) && existsSync(join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim()));

describe('npm start without an Electron binary', () => {
  it('names a local Electron folder that holds no binary, and exits non-zero', () => {
    const result = run({ ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent/electron-dist' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /ELECTRON_OVERRIDE_DIST_PATH is \/nonexistent\/electron-dist, but there is no Electron binary in it/);
  });

  it('says the download failed, from where, and names ELECTRON_MIRROR and a local binary', { skip: binaryPresent ? 'Electron is already downloaded here' : false }, () => {
    // Nothing listens on the discard port: the download fails at once, as offline.
    const result = run({ ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /binary could not be downloaded from http:\/\/127\.0\.0\.1:9\//);
    assert.match(result.stderr, /ELECTRON_MIRROR/);
    assert.match(result.stderr, /ELECTRON_OVERRIDE_DIST_PATH/);
    assert.doesNotMatch(result.stderr, /failed to install correctly/);
  });
});
