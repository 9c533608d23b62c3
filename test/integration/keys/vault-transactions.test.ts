// The vault as a transaction, with real processes on the real Secret Service (scripts/with-keyring.sh):
// two processes changing one home at once lose nothing, a kill -9 anywhere in an operation leaves
// no orphan after the next start, and two homes keep their keys apart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { makeTempDir, removeTempDir } from '../../stack/process';
import { keychainAccounts, requireKeyringSession } from './support/vault-fixture';

const CHILD = fileURLToPath(new URL('./support/vault-child.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../../electron/cli/bin.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PASSPHRASE = 'transaction-test-pass';
const dirs: string[] = [];

function scratch(label: string): string {
  const dir = makeTempDir(label);
  dirs.push(dir);
  return dir;
}

interface Exit {
  stdout: string;
  stderr: string;
  code: number | null;
  killed: boolean;
}

/** Runs a script in a fresh node process; with `killAfterMs`, kills it with SIGKILL at that moment. */
function node(script: string, args: string[], killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, COUNTERSIGN_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => (killed = child.kill('SIGKILL')), killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, killed: killed && code === null });
    });
  });
}

const vaultChild = (home: string, ...args: string[]) => node(CHILD, [home, ...args]);
const cli = (home: string, ...args: string[]) => node(CLI, ['--home', home, ...args, '--json']);

async function listOf(home: string): Promise<{ keys: KeyRecord[]; recovery: { kind: string; id: string }[] }> {
  const { stdout } = await vaultChild(home, 'list');
  return JSON.parse(stdout) as { keys: KeyRecord[]; recovery: { kind: string; id: string }[] };
}

/** key list = keychain: every key the index lists is in this home's keychain entries, and no other. */
async function assertConsistent(home: string, label: string): Promise<KeyRecord[]> {
  const { keys } = await listOf(home);
  const indexed = keys.filter((key) => key.location === 'keychain').map((key) => key.id).sort();
  assert.deepEqual((await keychainAccounts(home)).sort(), indexed, `${label}: the keychain holds exactly what the index lists`);
  return keys;
}

before(() => requireKeyringSession());
after(async () => {
  for (const dir of dirs) await removeTempDir(dir);
});

describe('two processes on one home', () => {
  it('lose no key over many rounds of concurrent generates, imports and removes', async () => {
    const home = scratch('tx-home');
    const work = scratch('tx-work');
    // A key file to import from both processes at once (issue 15: the second import deleted it).
    const source = scratch('tx-source');
    const made = JSON.parse((await vaultChild(source, 'generate', 'targets/shared')).stdout) as KeyRecord;
    const exported = join(work, 'shared.key');
    const { stdout: bundle } = await node(CLI, ['--home', source, 'key', 'export', made.id, '--out', exported]);
    void bundle;
    const reported = new Set<string>();
    const removed = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all([
        cli(home, 'key', 'generate', `a${round}`, '--dir', work),
        cli(home, 'key', 'generate', `b${round}`, '--dir', work),
        cli(home, 'key', 'import', exported),
        cli(home, 'key', 'import', exported),
      ]);
      for (const result of results.slice(0, 2)) {
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        reported.add((JSON.parse(result.stdout) as { key: KeyRecord }).key.id);
      }
      const imports = results.slice(2).map((result) => {
        assert.equal(result.code, 0, `key import: ${result.stdout}\n${result.stderr}`);
        return JSON.parse(result.stdout) as { imported: KeyRecord[]; skipped: { reason: { code: string } }[] };
      });
      if (round === 0) assert.equal(imports.reduce((n, report) => n + report.imported.length, 0), 1, 'one import stores the key, the other says it is there');
      for (const report of imports) for (const skip of report.skipped) assert.equal(skip.reason.code, 'key-exists');
      reported.add(made.id);
      // Remove one generated key of the previous round from both processes at once.
      if (round > 0) {
        const victim = [...reported].find((id) => id !== made.id && !removed.has(id))!;
        const removals = await Promise.all([cli(home, 'key', 'remove', victim, '--yes'), cli(home, 'key', 'remove', victim, '--yes')]);
        assert.equal(removals.filter((r) => r.code === 0).length, 1, 'one removal removes, the other finds nothing');
        removed.add(victim);
      }
      const keys = await assertConsistent(home, `round ${round}`);
      const listed = new Set(keys.map((key) => key.id));
      for (const id of reported) assert.equal(listed.has(id), !removed.has(id), `round ${round}: key ${id.slice(0, 12)} is listed exactly when it was reported and not removed`);
    }
  });
});

describe('kill -9 in the middle of a vault operation', () => {
  it('leaves no orphan and no missing key after the next start', async () => {
    const home = scratch('tx-kill');
    const work = scratch('tx-kill-work');
    const source = scratch('tx-kill-source');
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const key = JSON.parse((await vaultChild(source, 'generate', `targets/k${i}`)).stdout) as KeyRecord;
      const file = join(work, `k${i}.key`);
      await node(CLI, ['--home', source, 'key', 'export', key.id, '--out', file]);
      files.push(file);
    }
    let killed = 0;
    for (let trial = 0; trial < 12; trial++) {
      const { keys } = await listOf(home);
      const online = keys.filter((key) => key.location === 'keychain');
      const operations: string[][] = [['generate', `targets/g${trial}`], ['import', ...files]];
      if (online.length > 0) {
        operations.push(['remove', online[0]!.id]);
        operations.push(['offline', online.at(-1)!.id, join(work, `offline-${trial}.key`)]);
      }
      const operation = operations[trial % operations.length]!;
      // tsx takes most of a second to start: the kill lands before, during or after the operation.
      const result = await node(CHILD, [home, ...operation], 600 + Math.floor(Math.random() * 1400));
      if (result.killed) killed++;
      await assertConsistent(home, `trial ${trial} (${operation[0]}${result.killed ? ', killed' : ''})`);
    }
    assert.ok(killed > 0, 'some trials were killed mid-way');
  });
});

describe('two homes', () => {
  it('keep their keys apart: removing in one leaves the other signing, and says so', async () => {
    const homeA = scratch('tx-home-a');
    const homeB = scratch('tx-home-b');
    const work = scratch('tx-homes-work');
    const key = JSON.parse((await vaultChild(homeA, 'generate', 'targets/both')).stdout) as KeyRecord;
    const file = join(work, 'both.key');
    await node(CLI, ['--home', homeA, 'key', 'export', key.id, '--out', file]);
    assert.equal((await cli(homeB, 'key', 'import', file)).code, 0);
    const removed = await cli(homeA, 'key', 'remove', key.id, '--yes');
    assert.equal(removed.code, 0);
    const report = JSON.parse(removed.stdout) as { otherHomes: { path?: string }[] };
    assert.deepEqual(report.otherHomes.map((home) => home.path), [homeB], 'key remove names the other home that keeps the key');
    assert.deepEqual(await keychainAccounts(homeA), []);
    assert.deepEqual(await keychainAccounts(homeB), [key.id]);
    const signed = JSON.parse((await vaultChild(homeB, 'sign', key.id, Buffer.from('x').toString('base64'))).stdout) as { sig?: string };
    assert.ok(signed.sig, 'home B still signs with its copy');
    await writeFile(join(work, 'done'), '');
  });
});
