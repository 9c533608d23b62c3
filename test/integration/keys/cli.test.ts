// `countersign key ...` end to end: the real keychain, and docker trust on the other side of every
// file the CLI writes or reads. Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { dockerTrust, type DockerTrust } from '../../stack/docker-trust';
import { canonicalKeyIdOfPem } from '../../stack/keys';
import type { NotaryServer } from '../../stack/notary-server';
import { assertSignedBy, servedRole } from '../../unit/crypto/support/signed-files';
import { startKeyCliWorld, type KeyCliWorld } from './support/cli-world';
import { keychainAccounts } from './support/vault-fixture';

let world: KeyCliWorld;
let server: NotaryServer;
let docker: DockerTrust;
let work: string;

before(async () => {
  world = await startKeyCliWorld('key-cli');
  ({ server, docker, work } = world);
});

after(async () => {
  await world?.dispose();
});

const ok = (argv: string[]) => world.ok(argv);

async function listed(): Promise<KeyRecord[]> {
  return JSON.parse(await ok(['key', 'list', '--json'])) as KeyRecord[];
}

describe('countersign key generate', () => {
  it('writes NAME.pub as docker does, and docker adds the signer and signs with the exported key', async () => {
    const gun = 'example.com/cli/app';
    const out = JSON.parse(await ok(['key', 'generate', 'alice', '--dir', work, '--json'])) as { key: KeyRecord; publicKeyFile: string };
    assert.equal(out.publicKeyFile, join(work, 'alice.pub'));
    const pub = await readFile(out.publicKeyFile, 'utf8');
    assert.match(pub, /^-----BEGIN PUBLIC KEY-----\nrole: alice\n\n/);
    assert.equal(canonicalKeyIdOfPem(pub), out.key.id);
    assert.ok((await keychainAccounts()).includes(out.key.id));

    const exported = join(work, 'alice-export.pem');
    await ok(['key', 'export', out.key.id.slice(0, 12), '--out', exported]);
    assert.equal(await docker.keyLoad(exported, 'alice'), out.key.id);
    await docker.signerAdd('alice', gun, [out.publicKeyFile]);
    await docker.signLikeDocker(gun, 'v1', 7, '34'.repeat(32), { roles: ['targets/alice'] });
    assertSignedBy(await servedRole(server, gun, 'targets/alice'), { keytype: 'ecdsa', keyval: { public: out.key.publicKey, private: null } });
  });

  it('refuses names docker refuses and an existing .pub file, generating nothing', async () => {
    const before = (await listed()).length;
    assert.equal((await world.run(['key', 'generate', 'Bad/Name', '--dir', work])).code, 1);
    await writeFile(join(work, 'taken.pub'), 'x');
    const taken = await world.run(['key', 'generate', 'taken', '--dir', work]);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /invalid-input: public key file already exists/);
    assert.equal((await listed()).length, before);
  });
});

describe('countersign key import, list, label and remove', () => {
  it('imports docker’s trust dir and lists the key with its role', async () => {
    // A trust dir of its own: the other one also holds the root key docker made, under another passphrase.
    const fresh = await dockerTrust({ server: server.url, caFile: server.caFile });
    const bob = await fresh.keyGenerate('bob');
    const text = await ok(['key', 'import', fresh.trustDir]);
    await fresh.dispose();
    assert.match(text, new RegExp(`Imported bob key ${bob.keyId}`));
    assert.ok((await listed()).some((r) => r.id === bob.keyId && r.role === 'bob'));
    const table = await ok(['key', 'list']);
    assert.match(table.split('\n')[0]!, /^ROLE\s+GUN\s+KEY ID\s+ALGORITHM\s+LOCATION\s+TRUSTED BY\s+LABEL$/);
    assert.match(table, new RegExp(`bob\\s+${bob.keyId}\\s+ecdsa\\s+keychain`));
  });

  it('labels a key, and removes it only when confirmed', async () => {
    const { key } = JSON.parse(await ok(['key', 'generate', 'carol', '--dir', work, '--json'])) as { key: KeyRecord };
    await ok(['key', 'label', key.id, 'build server']);
    assert.equal((await listed()).find((r) => r.id === key.id)?.label, 'build server');
    const unconfirmed = await world.run(['key', 'remove', key.id]);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /confirmation-required/);
    await ok(['key', 'remove', key.id, '--yes']);
    assert.equal((await listed()).some((r) => r.id === key.id), false);
    assert.equal((await keychainAccounts()).includes(key.id), false);
  });
});

describe('countersign key offline and online', () => {
  it('moves a root key to an encrypted file and back', async () => {
    const { key } = JSON.parse(await ok(['key', 'generate', 'root', '--gun', 'example.com/cli/app', '--dir', work, '--json'])) as { key: KeyRecord };
    const backup = join(work, 'root-offline.pem');
    await ok(['key', 'offline', key.id, '--out', backup]);
    assert.equal((await listed()).find((r) => r.id === key.id)?.location, 'offline');
    assert.equal((await keychainAccounts()).includes(key.id), false);
    await ok(['key', 'online', key.id]);
    assert.equal((await listed()).find((r) => r.id === key.id)?.location, 'keychain');
    const exportTwice = await world.run(['key', 'export', key.id, '--out', backup]);
    assert.match(exportTwice.stderr, /exists \(use --force/);
  });
});
