// The non-secret key index over the same store electron-store and conf provide.
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { confBackend, KeyIndex, type KeyRecord, type KeyValueBackend } from '../../../electron/core/keys/key-index';
import { envPassphraseProvider, firstPassphraseProvider, noPassphrases } from '../../../electron/core/keys/passphrase';
import { tempDirsForThisFile } from './support/temp-dirs';

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
  it('keeps records in settings.json of the home dir, owner-only, next to other settings', async () => {
    const dir = home();
    const backend = confBackend(dir);
    backend.set('settings', { theme: 'dark' });
    const index = new KeyIndex(backend);
    index.update((records) => void records.set('b'.repeat(64), record('b', '2030-01-02T00:00:00.000Z')));
    index.update((records) => void records.set('a'.repeat(64), record('a', '2030-01-01T00:00:00.000Z')));
    assert.deepEqual(new KeyIndex(confBackend(dir)).all().map((r) => r.id[0]), ['a', 'b'], 'oldest first, read back by a new instance');
    const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(file['settings'], { theme: 'dark' });
    assert.equal((await stat(join(dir, 'settings.json'))).mode & 0o077, 0);
  });

  it('refuses an index edited into an invalid shape, and never writes one', () => {
    const values = new Map<string, unknown>([['keys', [{ id: 'not-an-id' }]]]);
    const backend: KeyValueBackend = { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) };
    assert.throws(() => new KeyIndex(backend).all(), { code: 'config-invalid' });
    values.set('keys', []);
    assert.throws(() => new KeyIndex(backend).update((records) => void records.set('x', { ...record('c', 'now'), id: 'x' })));
    assert.deepEqual(values.get('keys'), []);
  });

  it('reports an unreadable settings file as config-invalid instead of clearing it', async () => {
    const dir = home();
    await writeFile(join(dir, 'settings.json'), '{ broken');
    assert.throws(() => new KeyIndex(confBackend(dir)).all(), { code: 'config-invalid' });
    assert.equal(await readFile(join(dir, 'settings.json'), 'utf8'), '{ broken');
  });

  it('finds records by ID and says key-not-found otherwise', () => {
    const values = new Map<string, unknown>();
    const index = new KeyIndex({ get: (key) => values.get(key), set: (key, value) => void values.set(key, value) });
    index.update((records) => void records.set('a'.repeat(64), record('a', '2030-01-01T00:00:00.000Z')));
    assert.equal(index.get('a'.repeat(64)).role, 'targets/releases');
    assert.throws(() => index.get('b'.repeat(64)), { code: 'key-not-found' });
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
