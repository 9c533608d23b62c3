// An offline key file must not land inside Countersign's own data folder: there it is not offline
// at all. The vault refuses such a path (resolving symlinks and `..`) before it asks for anything.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { homeKeychain } from '../../../electron/core/keys/home-keychain';
import { KeyIndex, confBackend } from '../../../electron/core/keys/key-index';
import { KeyVault } from '../../../electron/core/keys/vault';
import { isInsideFolder } from '../../../electron/core/state/local-path';
import { CountersignError } from '../../../shared/errors';
import { memorySecretStore } from '../ipc/support';
import { tempDirsForThisFile } from './support/temp-dirs';

const tempDir = tempDirsForThisFile('offline-path');

async function vaultWithRootKey(): Promise<{ home: string; vault: KeyVault; id: string }> {
  const home = tempDir();
  const vault = new KeyVault({ secrets: homeKeychain(memorySecretStore(), home), index: new KeyIndex(home, confBackend(home)), passphrases: { passphrase: async () => 'a passphrase for tests' } });
  const { id } = await vault.generate({ role: 'root' });
  return { home, vault, id };
}

const refusedAsInsideHome = (error: unknown) => error instanceof CountersignError && error.code === 'offline-path-inside-app-data' && /data folder/.test(error.message);

describe('where an offline key file may go', () => {
  it('refuses a file inside the home, and the key stays in the keychain', async () => {
    const { home, vault, id } = await vaultWithRootKey();
    await assert.rejects(vault.takeOffline(id, join(home, 'offline-root.key')), refusedAsInsideHome);
    assert.equal((await vault.get(id)).location, 'keychain');
    assert.equal(existsSync(join(home, 'offline-root.key')), false);
  });

  it('refuses a path that only reaches the home through `..` or a symlink', async () => {
    const { home, vault, id } = await vaultWithRootKey();
    const elsewhere = tempDir();
    await mkdir(join(home, 'sub'));
    await symlink(home, join(elsewhere, 'looks-outside'));
    await assert.rejects(vault.takeOffline(id, join(home, 'sub', '..', 'sub', 'root.key')), refusedAsInsideHome);
    await assert.rejects(vault.takeOffline(id, join(elsewhere, 'looks-outside', 'root.key')), refusedAsInsideHome);
    await assert.rejects(vault.takeOffline(id, join(elsewhere, 'looks-outside', 'not-yet', 'root.key')), refusedAsInsideHome);
  });

  it('writes a file outside the home', async () => {
    const { vault, id } = await vaultWithRootKey();
    const file = join(tempDir(), 'offline-root.key');
    assert.equal((await vault.takeOffline(id, file)).offlineFile, file);
    assert.ok(existsSync(file));
  });

  it('tells a sibling whose name only starts like the home from the home itself', () => {
    assert.equal(isInsideFolder('/tmp/home-x/k.key', '/tmp/home'), false);
    assert.equal(isInsideFolder('/tmp/home/k.key', '/tmp/home'), true);
    assert.equal(isInsideFolder('/tmp/home', '/tmp/home'), true);
  });
});
