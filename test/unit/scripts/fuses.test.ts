// The Electron fuses, applied and checked with the real @electron/fuses on a file that carries a fuse
// wire as Electron's binary does: the sentinel, a version byte, a length byte, one byte per fuse.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

const scripts = join(import.meta.dirname, '..', '..', '..', 'scripts');
const SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
const ON = 0x31;
const OFF = 0x30;
const REMOVED = 0x72;

let installed = true;
try {
  createRequire(import.meta.url).resolve('@electron/fuses');
} catch {
  installed = false;
}
const skip = installed ? false : '@electron/fuses is not installed (it is a devDependency: npm ci brings it)';

interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName: string; appInfo: { productFilename: string } };
}
type AfterPack = (context: AfterPackContext) => Promise<void>;

/** A stand-in Electron binary: filler, the fuse wire (version 1), more filler. Returns where the fuse bytes start. */
function fakeElectron(file: string, fuses: readonly number[]): number {
  const before = Buffer.alloc(8192, 0x41);
  const wire = Buffer.from([0x01, fuses.length, ...fuses]);
  writeFileSync(file, Buffer.concat([before, SENTINEL, wire, Buffer.alloc(4096, 0x42)]));
  return before.length + SENTINEL.length + 2;
}

function checkFuses(binary: string, dir = scripts) {
  return spawnSync(process.execPath, [join(dir, 'check-fuses.mjs'), binary], { encoding: 'utf8', timeout: 60_000 });
}

async function afterPackFrom(dir: string): Promise<AfterPack> {
  const module = (await import(pathToFileURL(join(dir, 'after-pack.mjs')).href)) as { default: AfterPack };
  return module.default;
}

function linuxContext(appOutDir: string): AfterPackContext {
  return { appOutDir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'countersign', appInfo: { productFilename: 'Countersign' } } };
}

describe('Electron fuses at packaging', { skip }, () => {
  it('check-fuses fails on a binary whose fuses were never flipped, naming each wrong one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuses-'));
    fakeElectron(join(dir, 'countersign'), Array(9).fill(ON));
    const result = checkFuses(join(dir, 'countersign'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /RunAsNode should be off but is on/);
    assert.match(result.stderr, /EnableNodeCliInspectArguments should be off but is on/);
  });

  it('the afterPack hook flips exactly the listed fuses, and check-fuses then passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuses-'));
    const binary = join(dir, 'countersign');
    const at = fakeElectron(binary, Array(9).fill(ON));
    await (await afterPackFrom(scripts))(linuxContext(dir));
    const fuses = [...readFileSync(binary).subarray(at, at + 9)];
    // RunAsNode, cookies, NODE_OPTIONS, --inspect, ASAR integrity, only-asar, V8 snapshot, file://, then
    // WasmTrapHandlers, which Countersign leaves at Electron's default.
    assert.deepEqual(fuses, [OFF, ON, OFF, OFF, ON, ON, OFF, OFF, ON]);
    const result = checkFuses(binary);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /all 8 fuses as scripts\/fuses\.mjs says/);
    assert.match(result.stdout, /not decided in scripts\/fuses\.mjs.*WasmTrapHandlers/);
  });

  it('check-fuses fails when a wanted fuse is removed from the binary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuses-'));
    const binary = join(dir, 'countersign');
    const at = fakeElectron(binary, Array(9).fill(ON));
    await (await afterPackFrom(scripts))(linuxContext(dir));
    const bytes = readFileSync(binary);
    bytes[at + 4] = REMOVED;
    writeFileSync(binary, bytes);
    const result = checkFuses(binary);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /EnableEmbeddedAsarIntegrityValidation should be on but is removed/);
  });

  it('check-fuses fails on a file with no fuse wire', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuses-'));
    writeFileSync(join(dir, 'countersign'), Buffer.alloc(1024, 0x41));
    const result = checkFuses(join(dir, 'countersign'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cannot read the fuses/);
  });
});

describe('Electron fuses without @electron/fuses', () => {
  // The scripts copied where no node_modules can be found: as packaging on a machine without the devDependency.
  const isolated = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuses-nolib-'));
    for (const file of ['fuses.mjs', 'check-fuses.mjs', 'after-pack.mjs']) copyFileSync(join(scripts, file), join(dir, file));
    return dir;
  };

  it('check-fuses fails, saying nothing was checked and why', () => {
    const dir = isolated();
    fakeElectron(join(dir, 'countersign'), Array(9).fill(ON));
    const result = checkFuses(join(dir, 'countersign'), dir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /FAILED, nothing was checked\. @electron\/fuses is not installed/);
  });

  it('the afterPack hook fails the build', async () => {
    const dir = isolated();
    fakeElectron(join(dir, 'countersign'), Array(9).fill(ON));
    await assert.rejects((async () => (await afterPackFrom(dir))(linuxContext(dir)))(), /@electron\/fuses is not installed/);
  });
});
