// The bundle as `npm ci` builds it, started by its launcher: the first run of a command leaves V8's
// code cache beside the bundle, later runs compile from it, and a cache that does not fit (damaged,
// or from another V8) is rejected by V8, compiled over and replaced, with the same output each time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const REPO = join(import.meta.dirname, '..', '..', '..');
// Inside the repository, so that the bundle finds the native keyring in node_modules as it does in dist/.
const OUT = join(REPO, '.tmp', `launcher-test-${process.pid}`);
const CACHE_DIR = join(OUT, 'cli', 'code-cache');
const RUNNER = join(OUT, 'countersign.cjs');

function countersign(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [RUNNER, ...argv], { encoding: 'utf8', env: { ...process.env, COUNTERSIGN_HOME: join(OUT, 'home') } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cacheFiles = () => readdirSync(CACHE_DIR, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
const cacheOf = (command: string) => {
  const name = cacheFiles().find((file) => file.startsWith(`${command}.`) && file.endsWith('.bin'));
  assert.ok(name, `a code cache for ${command} in ${cacheFiles().join(', ')}`);
  return join(CACHE_DIR, name);
};

describe('the CLI launcher and its code cache', () => {
  before(() => {
    mkdirSync(OUT, { recursive: true });
    const built = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--only=cli', `--out=${OUT}`], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    // What bin/countersign.cjs does, for this build.
    writeFileSync(RUNNER, `require('./cli/launch.cjs').launch(require('node:path').join(__dirname, 'cli', 'countersign.cjs'));\n`);
  });
  after(() => rmSync(OUT, { recursive: true, force: true }));

  it('leaves a cache on the first run of a command and compiles from it on the next, printing the same', () => {
    const first = countersign('--help');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Countersign: keys and trust/);
    const cache = cacheOf('help');
    const made = statSync(cache).mtimeMs;
    const second = countersign('--help');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(statSync(cache).mtimeMs, made, 'an accepted cache is not written again');
  });

  it('compiles over a cache V8 rejects, and replaces it', () => {
    const cache = cacheOf('help');
    writeFileSync(cache, Buffer.alloc(4096, 0x41));
    const run = countersign('--help');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Countersign: keys and trust/);
    assert.notDeepEqual(readFileSync(cache), Buffer.alloc(4096, 0x41), 'the damaged cache was replaced');
  });

  it('finishes quietly when the reader of its output goes away (countersign ... | head)', async () => {
    const child = spawn(process.execPath, [RUNNER, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });

  it('keeps one cache per command group, and none for a word that named no command or a failed run', () => {
    const listed = countersign('key', 'list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    cacheOf('key');
    const unknown = countersign('frobnicate');
    assert.equal(unknown.code, 2);
    assert.equal(cacheFiles().some((file) => file.startsWith('frobnicate.')), false);
    assert.deepEqual(cacheFiles().filter((file) => file.endsWith('.tmp')), [], 'no temporary file is left');
  });
});
