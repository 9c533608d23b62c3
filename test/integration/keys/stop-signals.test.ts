// SIGTERM (and Ctrl-C) stop a running `countersign key ...` cleanly, with real processes on the real
// Secret Service (scripts/with-keyring.sh): the signal lands at random points of an import of a big
// trust dir and of key generates, many rounds. Every time, the process exits 143 with a line saying
// what it left, the next start finds nothing to recover, and key list = keychain = what was reported;
// no lock, journal or temporary file stays behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { keyId } from '../../../electron/core/crypto/key-id';
import { encodeEncryptedPrivateKey } from '../../../electron/core/crypto/key-file';
import { generatePrivateKey, publicKeyOf } from '../../../electron/core/crypto/private-key';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { LOCK_FILE } from '../../../electron/core/keys/vault-lock';
import { JOURNAL_FILE } from '../../../electron/core/keys/vault-transaction';
import type { PerKeyImportReport } from '../../../shared/schemas/views';
import { tempDirsForThisFile } from '../../unit/keys/support/temp-dirs';
import { keychainAccounts, requireKeyringSession } from './support/vault-fixture';

const CLI = fileURLToPath(new URL('../../../electron/cli/bin.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PASSPHRASE = 'stop-signal-test-pass';
// Enough for the store loop to take a while on the Secret Service (each key a keychain write), few enough to
// keep the rounds short on a shared machine.
const KEYS_IN_FOLDER = 12;
const scratch = tempDirsForThisFile('stop-signals');

interface Exit {
  stdout: string;
  stderr: string;
  code: number | null;
  /** The signal that ended the process, when it died of it (before the CLI's handler was installed). */
  signal: NodeJS.Signals | null;
}

/**
 * Runs the CLI; with `stop`, sends the signal at that moment: `at` ms after the start, or `afterLock`
 * ms after the vault's lock file appears (so it lands inside the transaction).
 */
function cli(home: string, args: string[], stop?: { signal: NodeJS.Signals; at?: number; afterLock?: number }): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--home', home, ...args], {
      cwd: ROOT,
      env: { ...process.env, COUNTERSIGN_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    if (stop?.at !== undefined) timer = setTimeout(() => child.kill(stop.signal), stop.at);
    if (stop?.afterLock !== undefined) {
      const delay = stop.afterLock;
      poll = setInterval(() => {
        if (!existsSync(join(home, LOCK_FILE))) return;
        clearInterval(poll);
        timer = setTimeout(() => child.kill(stop.signal), delay);
      }, 2);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ stdout, stderr, code, signal });
    });
  });
}

/** A notary trust dir of `count` encrypted keys, as `docker trust` leaves it. */
async function trustDir(count: number): Promise<{ dir: string; ids: string[] }> {
  const dir = scratch();
  await mkdir(join(dir, 'private'), { recursive: true });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const material = generatePrivateKey('ecdsa');
    const id = keyId(publicKeyOf(material));
    ids.push(id);
    await writeFile(join(dir, 'private', `${id}.key`), encodeEncryptedPrivateKey(material, PASSPHRASE, { role: `targets/s${i}`, path: id }), { mode: 0o600 });
  }
  return { dir, ids };
}

/**
 * The next start: `key list` recovers nothing (the stopped run left nothing to finish), lists exactly
 * `expected`, and the keychain holds exactly that; the home has no lock, journal or temporary file.
 */
async function assertNextStart(home: string, expected: readonly string[], label: string): Promise<void> {
  const leftovers = existsSync(home) ? readdirSync(home).filter((name) => name.startsWith(LOCK_FILE) || name === JOURNAL_FILE || name.endsWith('.tmp') || name.endsWith('.new')) : [];
  assert.deepEqual(leftovers, [], `${label}: no lock, journal or temporary file is left`);
  const listed = await cli(home, ['key', 'list', '--json']);
  assert.equal(listed.code, 0, `${label}: ${listed.stderr}`);
  assert.doesNotMatch(listed.stderr, /^note:/m, `${label}: the next start has nothing to recover`);
  const ids = (JSON.parse(listed.stdout) as KeyRecord[]).map((key) => key.id).sort();
  assert.deepEqual(ids, [...expected].sort(), `${label}: key list is what was reported`);
  assert.deepEqual((await keychainAccounts(home)).sort(), [...expected].sort(), `${label}: the keychain holds what key list shows`);
}

/** What a stopped run said it left, from its exit and last line. */
function stoppedOutcome(result: Exit, label: string): 'finished' | 'cancelled' | 'not-started' {
  if (result.signal === 'SIGTERM') return 'not-started';
  if (result.code === 0) return 'finished';
  assert.equal(result.code, 143, `${label}: a stopped run exits 143\n${result.stderr}`);
  const line = result.stderr.trim().split('\n').at(-1) ?? '';
  if (/^countersign: SIGTERM came after the command had finished; what it reported above is done\.$/.test(line)) return 'finished';
  assert.match(line, /^countersign: stopped by SIGTERM: .*(nothing was imported|no key was stored|nothing was changed).*/, `${label}: the last line says what was left`);
  return 'cancelled';
}

/** The keys a finished `key import TRUST_DIR --json` reports imported (a trust dir goes key by key). */
function importedIds(stdout: string): string[] {
  return (JSON.parse(stdout) as PerKeyImportReport).outcomes.flatMap((o) => (o.status === 'imported' && o.keyId !== undefined ? [o.keyId] : []));
}

before(() => requireKeyringSession());

describe('SIGTERM during key import of a big trust dir', () => {
  it('keeps all of the import or none of it, over many rounds', async () => {
    const { dir, ids } = await trustDir(KEYS_IN_FOLDER);
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const home = scratch();
      // Half the rounds stop at a random moment of the whole run, half inside the vault's transaction.
      const stop = round % 2 === 0 ? { signal: 'SIGTERM' as const, at: 300 + Math.floor(Math.random() * 3000) } : { signal: 'SIGTERM' as const, afterLock: Math.floor(Math.random() * 60) };
      const result = await cli(home, ['key', 'import', dir, '--json'], stop);
      const label = `round ${round} (${JSON.stringify(stop)})`;
      const outcome = stoppedOutcome(result, label);
      outcomes.push(outcome);
      const reported = outcome === 'finished' ? importedIds(result.stdout) : [];
      if (outcome === 'finished') assert.deepEqual([...reported].sort(), [...ids].sort(), `${label}: an import that finished took every key`);
      else assert.equal(result.stdout, '', `${label}: a stopped import reports nothing done`);
      await assertNextStart(home, reported, label);
    }
    assert.ok(outcomes.includes('cancelled'), `some rounds were stopped mid-way: ${outcomes.join(', ')}`);
  });
});

describe('SIGTERM during key generate', () => {
  it('lists exactly the keys that were reported generated, over many rounds in one home', async () => {
    const home = scratch();
    const work = scratch();
    const reported: string[] = [];
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const stop = round % 2 === 0 ? { signal: 'SIGTERM' as const, at: 400 + Math.floor(Math.random() * 2500) } : { signal: 'SIGTERM' as const, afterLock: Math.floor(Math.random() * 8) };
      const result = await cli(home, ['key', 'generate', `g${round}`, '--dir', work, '--json'], stop);
      const label = `round ${round} (${JSON.stringify(stop)})`;
      const outcome = stoppedOutcome(result, label);
      outcomes.push(outcome);
      if (outcome === 'finished') {
        const { key, publicKeyFile } = JSON.parse(result.stdout) as { key: KeyRecord; publicKeyFile: string };
        assert.ok(existsSync(publicKeyFile), `${label}: a generated key has its .pub`);
        reported.push(key.id);
      } else assert.equal(result.stdout, '', `${label}: a stopped generate reports no key`);
      await assertNextStart(home, reported, label);
    }
    assert.ok(outcomes.some((outcome) => outcome !== 'not-started'), `some rounds reached the vault: ${outcomes.join(', ')}`);
  });
});

describe('Ctrl-C (SIGINT)', () => {
  it('stops a key import inside its transaction with 130, keeping all of it or none', async () => {
    const { dir } = await trustDir(KEYS_IN_FOLDER);
    const home = scratch();
    const result = await cli(home, ['key', 'import', dir, '--json'], { signal: 'SIGINT', afterLock: 0 });
    if (result.code !== 0) {
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /countersign: (stopped by SIGINT|SIGINT came after the command had finished)/);
    }
    const reported = result.code === 0 || /came after/.test(result.stderr) ? importedIds(result.stdout) : [];
    await assertNextStart(home, reported, 'SIGINT');
  });
});
