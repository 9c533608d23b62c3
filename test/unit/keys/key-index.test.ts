// The non-secret key index: its own file in the home, migrated from the settings store of earlier versions.
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { confBackend, KeyIndex, type KeyRecord } from '../../../electron/core/keys/key-index';
import { envPassphraseProvider, firstPassphraseProvider, noPassphrases } from '../../../electron/core/keys/passphrase';
import { tempDirsForThisFile } from './support/temp-dirs';
import { ownForChild, runUnprivileged } from '../../helpers/unprivileged';

const home = tempDirsForThisFile('key-index');

const record = (id: string, createdAt: string): KeyRecord => ({
  id: id.repeat(64),
  keytype: 'ecdsa',
  publicKey: 'AAAA',
  role: 'targets/releases',
  createdAt,
  origin: 'generated',
  location: 'keychain',
});

describe('the key index', () => {
  it('keeps records in keys.json of the home dir, owner-only, written whole', async () => {
    const dir = home();
    const index = new KeyIndex(dir);
    await index.write([record('b', '2030-01-02T00:00:00.000Z'), record('a', '2030-01-01T00:00:00.000Z')]);
    assert.deepEqual((await new KeyIndex(dir).all()).map((r) => r.id[0]), ['a', 'b'], 'oldest first, read back by a new instance');
    assert.equal((await stat(join(dir, 'keys.json'))).mode & 0o077, 0);
  });

  it('migrates the index an earlier version kept in settings.json, and leaves the other settings alone', async () => {
    const dir = home();
    const backend = confBackend(dir);
    backend.set('settings', { theme: 'dark' });
    backend.set('keys', [record('a', '2030-01-01T00:00:00.000Z')]);
    const index = new KeyIndex(dir, confBackend(dir));
    assert.deepEqual((await index.all()).map((r) => r.id[0]), ['a'], 'read from settings.json while keys.json does not exist');
    await index.write([...(await index.all()), record('b', '2030-01-02T00:00:00.000Z')]);
    assert.deepEqual((await new KeyIndex(dir).all()).map((r) => r.id[0]), ['a', 'b'], 'keys.json now holds them all');
    const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(file['settings'], { theme: 'dark' });
  });

  it('refuses an index edited into an invalid shape, and never writes one', async () => {
    const dir = home();
    await writeFile(join(dir, 'keys.json'), JSON.stringify({ format: 'countersign-key-index', version: 1, keys: [{ id: 'not-an-id' }] }));
    await assert.rejects(new KeyIndex(dir).all(), { code: 'config-invalid' });
    await assert.rejects(new KeyIndex(dir).write([{ ...record('c', 'now'), id: 'x' }]));
    await assert.rejects(new KeyIndex(dir).write([{ ...record('c', 'now'), role: 'targets/\u001b[2Jx' }]), 'a role with control characters is not stored');
  });

  it('reports an unreadable legacy settings file as config-invalid instead of clearing it', async () => {
    const dir = home();
    await writeFile(join(dir, 'settings.json'), '{ broken');
    await assert.rejects(async () => new KeyIndex(dir, confBackend(dir)).all(), { code: 'config-invalid' });
    assert.equal(await readFile(join(dir, 'settings.json'), 'utf8'), '{ broken');
  });

  it('finds records by ID and says key-not-found otherwise', async () => {
    const index = new KeyIndex(home());
    await index.write([record('a', '2030-01-01T00:00:00.000Z')]);
    assert.equal((await index.get('a'.repeat(64))).role, 'targets/releases');
    await assert.rejects(index.get('b'.repeat(64)), { code: 'key-not-found' });
  });

  it('names a read-only home in plain words', async () => {
    const dir = home();
    // Root writes anywhere: the write is made by an unprivileged user (test/helpers/unprivileged.ts).
    await ownForChild(dir);
    await chmod(dir, 0o500);
    try {
      assert.equal(await runUnprivileged<string>('write-key-index', [dir]), 'permission-denied');
    } finally {
      await chmod(dir, 0o700);
    }
  });
});

describe('passphrase providers', () => {
  it('offers $COUNTERSIGN_PASSPHRASE once per key, so a wrong one is not repeated', async () => {
    const env = envPassphraseProvider({ COUNTERSIGN_PASSPHRASE: 'from-env' });
    assert.equal(await env.passphrase({ kind: 'unlock', attempt: 1 }), 'from-env');
    assert.equal(await env.passphrase({ kind: 'unlock', attempt: 2 }), undefined);
    assert.equal(await envPassphraseProvider({}).passphrase({ kind: 'new', attempt: 1 }), undefined);
  });

  it('asks providers in turn until one answers', async () => {
    const chain = firstPassphraseProvider(noPassphrases, { passphrase: async () => 'second' });
    assert.equal(await chain.passphrase({ kind: 'new', attempt: 1 }), 'second');
  });
});
