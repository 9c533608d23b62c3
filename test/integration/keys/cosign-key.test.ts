// `countersign key cosign-export` and `key import` of a cosign.key, with the real keychain: the key
// goes out in cosign's encrypted format and comes back as the same key, and what it signs openssl
// verifies with `key cosign-pub`'s output. The file is opened by a reader written from cosign's and
// go-securesystemslib's description (test/unit/migrate/support), not by the code that wrote it.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { makeTempDir, removeTempDir, runCommandOk } from '../../stack';
import { countersign } from '../inspect/run-countersign';
import { envelopeOf, privateKeyByCosignSpec } from '../../unit/migrate/support/cosign-key-by-spec';
import { keychainAccounts, requireKeyringSession } from './support/vault-fixture';

const PASSPHRASE = 'test-only-cosign-passphrase';
let work: string;
let env: NodeJS.ProcessEnv;

before(() => {
  requireKeyringSession();
  work = makeTempDir('cosign-key');
  env = { ...process.env, COUNTERSIGN_HOME: join(work, 'home'), COUNTERSIGN_PASSPHRASE: PASSPHRASE };
});

after(async () => {
  await removeTempDir(work);
});

async function ok(argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await countersign(argv, { ...env, ...extraEnv });
  assert.equal(result.code, 0, `countersign ${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function generate(name: string, algorithm = 'ecdsa'): Promise<KeyRecord> {
  return (JSON.parse(await ok(['key', 'generate', name, '--algorithm', algorithm, '--dir', work, '--json'])) as { key: KeyRecord }).key;
}

describe('countersign key cosign-export', () => {
  it('exports cosign.key (owner-only), removes the key, imports the file back: the same key ID in the keychain', async () => {
    const key = await generate('ci');
    const file = join(work, 'cosign.key');
    await ok(['key', 'cosign-export', key.id.slice(0, 12), '--out', file]);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.equal(envelopeOf(text).type, 'ENCRYPTED SIGSTORE PRIVATE KEY');
    assert.doesNotMatch(text, /BEGIN (EC )?PRIVATE KEY/);

    await ok(['key', 'remove', key.id, '--yes']);
    assert.ok(!(await keychainAccounts()).includes(key.id));
    const imported = JSON.parse(await ok(['key', 'import', file, '--json'])) as { imported: KeyRecord[] };
    assert.deepEqual(imported.imported.map((r) => r.id), [key.id]);
    assert.ok((await keychainAccounts()).includes(key.id));
  });

  it('signs a payload that openssl verifies with the key’s cosign.pub', async () => {
    const key = await generate('ci-openssl');
    const keyFile = join(work, 'openssl-cosign.key');
    const pubFile = join(work, 'openssl-cosign.pub');
    await ok(['key', 'cosign-export', key.id, '--out', keyFile]);
    await ok(['key', 'cosign-pub', key.id, '--out', pubFile]);
    // Signed in memory, as `cosign sign --key` would: the decrypted key never touches the disk.
    const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'registry.example.com/app' }, image: { 'docker-manifest-digest': `sha256:${'ab'.repeat(32)}` }, type: 'cosign container image signature' }, optional: null }));
    const signature = sign('sha256', payload, { key: privateKeyByCosignSpec(await readFile(keyFile, 'utf8'), PASSPHRASE), dsaEncoding: 'der' });
    await writeFile(join(work, 'payload.json'), payload);
    await writeFile(join(work, 'payload.sig'), signature);
    const verified = await runCommandOk('openssl', ['dgst', '-sha256', '-verify', pubFile, '-signature', join(work, 'payload.sig'), join(work, 'payload.json')]);
    assert.match(verified.stdout, /Verified OK/);
  });

  it('never overwrites a file without --force, and refuses keys cosign signing here cannot use', async () => {
    const key = await generate('ci-force');
    const file = join(work, 'taken.key');
    await writeFile(file, 'keep me');
    const refused = await countersign(['key', 'cosign-export', key.id, '--out', file], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists \(use --force/);
    assert.equal(await readFile(file, 'utf8'), 'keep me');
    await ok(['key', 'cosign-export', key.id, '--out', file, '--force']);
    assert.equal(envelopeOf(await readFile(file, 'utf8')).type, 'ENCRYPTED SIGSTORE PRIVATE KEY');

    const ed = await generate('ci-ed', 'ed25519');
    const unsupported = await countersign(['key', 'cosign-export', ed.id, '--out', join(work, 'ed.key')], env);
    assert.equal(unsupported.code, 1);
    assert.match(unsupported.stderr, /key-unsupported/);
  });

  it('a wrong passphrase on import is passphrase-wrong, and nothing is imported', async () => {
    const key = await generate('ci-wrong');
    const file = join(work, 'wrong.key');
    await ok(['key', 'cosign-export', key.id, '--out', file]);
    await ok(['key', 'remove', key.id, '--yes']);
    const result = await countersign(['key', 'import', file], { ...env, COUNTERSIGN_PASSPHRASE: 'not-the-passphrase' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /passphrase-wrong/);
    assert.ok(!(await keychainAccounts()).includes(key.id));
  });
});
