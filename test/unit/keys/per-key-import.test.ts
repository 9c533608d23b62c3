// Importing a trust dir key by key: a scan that needs no passphrase, then an import where each key
// has its own passphrase (or none) and one key that cannot be unlocked never blocks the others.
// The keychain here is an in-memory stand-in; test/integration/keys runs the same rules on the real one.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KeyChoice, KeyImportOutcome, ScannedKey } from '../../../electron/core/keys/key-import';
import { homeKeychain } from '../../../electron/core/keys/home-keychain';
import { KeyIndex, confBackend } from '../../../electron/core/keys/key-index';
import { noPassphrases, type PassphraseProvider, type PassphraseRequest } from '../../../electron/core/keys/passphrase';
import { KeyVault } from '../../../electron/core/keys/vault';
import { memorySecretStore } from '../ipc/support';
import { fixtureKey, fixturePath, fixtureText, manifest } from '../crypto/support/fixtures';
import { tempDirsForThisFile } from './support/temp-dirs';

const tempDir = tempDirsForThisFile('per-key-import');

const root = fixtureKey((k) => k.role === 'root' && k.gun === '');
const targets = fixtureKey((k) => k.role === 'targets' && k.gun === manifest.gun);
const snapshot = fixtureKey((k) => k.role === 'snapshot' && k.gun === manifest.gun);
const releases = fixtureKey((k) => k.role === 'targets/releases');

/** One in-memory keychain per home, shared by every vault opened on it. */
const keychains = new Map<string, ReturnType<typeof memorySecretStore>>();

function vaultIn(home: string, passphrases: PassphraseProvider = noPassphrases): KeyVault {
  const secrets = keychains.get(home) ?? memorySecretStore();
  keychains.set(home, secrets);
  return new KeyVault({ secrets: homeKeychain(secrets, home), index: new KeyIndex(home, confBackend(home)), passphrases });
}

/** A docker-style trust dir (private/<id>.key) holding these fixture keys. */
async function trustDirWith(...keys: (typeof root)[]): Promise<string> {
  const dir = tempDir();
  await mkdir(join(dir, 'private'));
  for (const key of keys) await copyFile(fixturePath(key.file), join(dir, 'private', `${key.keyId}.key`));
  return dir;
}

const statusById = (outcomes: readonly KeyImportOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.keyId ?? o.entry, o.status]));
const choose = (key: typeof root, passphrase?: string): KeyChoice => ({ entry: key.keyId, ...(passphrase === undefined ? {} : { passphrases: [passphrase] }) });

describe('scanning a trust dir for import', () => {
  it('lists each key with its ID, role, GUN and encryption, without asking for a passphrase', async () => {
    const asked: PassphraseRequest[] = [];
    const vault = vaultIn(tempDir(), { passphrase: async (request) => (asked.push(request), undefined) });
    const { keys } = await vault.scanKeys({ kind: 'dir', path: await trustDirWith(root, targets) });
    const byId = new Map(keys.map((k) => [k.keyId, k]));
    assert.deepEqual(byId.get(root.keyId), { entry: root.keyId, keyId: root.keyId, role: 'root', file: byId.get(root.keyId)!.file, encrypted: true, present: false } satisfies ScannedKey);
    assert.equal(byId.get(targets.keyId)?.gun, manifest.gun);
    assert.equal(asked.length, 0);
  });

  it('marks keys the vault already holds, so the import will leave them', async () => {
    const home = tempDir();
    const dir = await trustDirWith(root, targets);
    await vaultIn(home).importChosen({ kind: 'dir', path: dir }, [choose(targets, targets.passphrase)]);
    const { keys } = await vaultIn(home).scanKeys({ kind: 'dir', path: dir });
    assert.deepEqual(Object.fromEntries(keys.map((k) => [k.keyId, k.present])), { [root.keyId]: false, [targets.keyId]: true });
  });

  it('shows an unreadable file as a row with its error code, and the other keys beside it', async () => {
    const dir = await trustDirWith(targets);
    await writeFile(join(dir, 'private', `${'ab'.repeat(32)}.key`), 'not a key at all');
    const { keys } = await vaultIn(tempDir()).scanKeys({ kind: 'dir', path: dir });
    assert.deepEqual(keys.map((k) => k.problem?.code ?? 'readable').sort(), ['pem-invalid', 'readable']);
  });

  it('finds nothing in an empty trust dir (and says so by an empty list, not an error)', async () => {
    const dir = tempDir();
    await mkdir(join(dir, 'private'));
    assert.deepEqual((await vaultIn(tempDir()).scanKeys({ kind: 'dir', path: dir })).keys, []);
  });
});

describe('importing key by key', () => {
  it('imports each key with its own passphrase, though they differ', async () => {
    const home = tempDir();
    const vault = vaultIn(home);
    const outcomes = await vault.importChosen({ kind: 'dir', path: await trustDirWith(targets, snapshot, releases) }, [
      choose(targets, targets.passphrase),
      choose(snapshot, snapshot.passphrase),
      choose(releases, releases.passphrase),
    ]);
    assert.deepEqual(statusById(outcomes), { [targets.keyId]: 'imported', [snapshot.keyId]: 'imported', [releases.keyId]: 'imported' });
    assert.deepEqual((await vault.list()).map((r) => r.id).sort(), [targets.keyId, snapshot.keyId, releases.keyId].sort());
  });

  it('leaves root offline when it is not chosen, and imports the rest', async () => {
    const vault = vaultIn(tempDir());
    const outcomes = await vault.importChosen({ kind: 'dir', path: await trustDirWith(root, targets) }, [choose(targets, targets.passphrase)]);
    assert.deepEqual(statusById(outcomes), { [root.keyId]: 'skipped', [targets.keyId]: 'imported' });
    assert.deepEqual((await vault.list()).map((r) => r.id), [targets.keyId]);
  });

  it('reports a wrong passphrase on one key and still imports the others', async () => {
    const vault = vaultIn(tempDir());
    const outcomes = await vault.importChosen({ kind: 'dir', path: await trustDirWith(targets, snapshot) }, [
      choose(targets, 'not-the-targets-passphrase'),
      choose(snapshot, snapshot.passphrase),
    ]);
    assert.deepEqual(statusById(outcomes), { [targets.keyId]: 'passphrase-wrong', [snapshot.keyId]: 'imported' });
    assert.equal(outcomes.find((o) => o.keyId === targets.keyId)?.reason?.code, 'passphrase-wrong');
    assert.deepEqual((await vault.list()).map((r) => r.id), [snapshot.keyId]);
  });

  it('skips a chosen encrypted key that comes without a passphrase, saying none was given', async () => {
    const outcomes = await vaultIn(tempDir()).importChosen({ kind: 'dir', path: await trustDirWith(targets) }, [choose(targets)]);
    assert.deepEqual(outcomes.map((o) => [o.status, o.reason?.code]), [['skipped', 'passphrase-required']]);
  });

  it('does not decrypt or touch a key already in the keychain, and says it is there', async () => {
    const home = tempDir();
    const dir = await trustDirWith(targets, snapshot);
    await vaultIn(home).importChosen({ kind: 'dir', path: dir }, [choose(targets, targets.passphrase)]);
    const outcomes = await vaultIn(home).importChosen({ kind: 'dir', path: dir }, [choose(targets, 'even a wrong passphrase'), choose(snapshot, snapshot.passphrase)]);
    assert.deepEqual(statusById(outcomes), { [targets.keyId]: 'already-present', [snapshot.keyId]: 'imported' });
    assert.equal(outcomes.find((o) => o.keyId === targets.keyId)?.reason?.code, 'key-exists');
  });

  it('reports an unreadable file with its code and imports the readable keys', async () => {
    const dir = await trustDirWith(targets);
    await writeFile(join(dir, 'private', `${'cd'.repeat(32)}.key`), '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n');
    await writeFile(join(dir, 'private', `${'ef'.repeat(32)}.key`), 'plain text, no key');
    const vault = vaultIn(tempDir());
    const { keys } = await vault.scanKeys({ kind: 'dir', path: dir });
    const outcomes = await vault.importChosen({ kind: 'dir', path: dir }, keys.map((k) => ({ entry: k.entry, passphrases: [targets.passphrase] })));
    const unreadable = outcomes.filter((o) => o.status === 'unreadable');
    assert.equal(unreadable.length, 2);
    assert.ok(unreadable.every((o) => o.reason !== undefined && o.reason.code !== 'internal'), JSON.stringify(unreadable));
    assert.equal(outcomes.find((o) => o.keyId === targets.keyId)?.status, 'imported');
  });

  it('refuses a key whose file is named for another key, and imports the rest', async () => {
    const dir = await trustDirWith(snapshot);
    // The targets key under the snapshot key's name: the ID the file claims is not the key's.
    await writeFile(join(dir, 'private', `${'12'.repeat(32)}.key`), fixtureText(targets.file));
    const outcomes = await vaultIn(tempDir()).importChosen({ kind: 'dir', path: dir }, [
      { entry: '12'.repeat(32), passphrases: [targets.passphrase] },
      choose(snapshot, snapshot.passphrase),
    ]);
    assert.deepEqual(outcomes.map((o) => [o.keyId, o.status, o.reason?.code]).sort(), [
      ['12'.repeat(32), 'unreadable', 'key-id-mismatch'],
      [snapshot.keyId, 'imported', undefined],
    ].sort());
  });

  it('mixes every outcome in one import and stores exactly the keys it could unlock', async () => {
    const home = tempDir();
    const dir = await trustDirWith(root, targets, snapshot, releases);
    await writeFile(join(dir, 'private', `${'34'.repeat(32)}.key`), 'garbage');
    await vaultIn(home).importChosen({ kind: 'dir', path: dir }, [choose(releases, releases.passphrase)]);
    const vault = vaultIn(home);
    const outcomes = await vault.importChosen({ kind: 'dir', path: dir }, [choose(targets, 'wrong'), choose(snapshot, snapshot.passphrase), choose(releases, releases.passphrase)]);
    assert.deepEqual(statusById(outcomes), {
      [root.keyId]: 'skipped',
      [targets.keyId]: 'passphrase-wrong',
      [snapshot.keyId]: 'imported',
      [releases.keyId]: 'already-present',
      [outcomes.find((o) => o.status === 'unreadable')!.entry]: 'unreadable',
    });
    assert.deepEqual((await vault.list()).map((r) => r.id).sort(), [snapshot.keyId, releases.keyId].sort());
  });

  it('asks the passphrase provider per key when told to (the terminal), and takes no for an answer', async () => {
    const asked: PassphraseRequest[] = [];
    const vault = vaultIn(tempDir(), { passphrase: async (request) => (asked.push(request), request.role === 'targets' ? targets.passphrase : undefined) });
    const outcomes = await vault.importChosen({ kind: 'dir', path: await trustDirWith(targets, snapshot) }, [
      { entry: targets.keyId, ask: true },
      { entry: snapshot.keyId, ask: true },
    ]);
    assert.deepEqual(statusById(outcomes), { [targets.keyId]: 'imported', [snapshot.keyId]: 'skipped' });
    assert.deepEqual(asked.map((r) => [r.role, r.keyId]).sort(), [['snapshot', snapshot.keyId], ['targets', targets.keyId]].sort());
  });
});
