// Both directions against the real notary 0.7 client and server: keys and certificates we make are
// imported and used by notary, and keys notary just made are read by us.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRootCertificateKey } from '../../../electron/core/crypto/certificate';
import { decryptPrivateKeyBlock, encodeEncryptedPrivateKey, readPrivateKeyBlocks } from '../../../electron/core/crypto/key-file';
import { canonicalKeyIdOf, certificatePemOf, keyId } from '../../../electron/core/crypto/key-id';
import { generatePrivateKey, publicKeyOf, spkiDer } from '../../../electron/core/crypto/private-key';
import type { PrivateKeyMaterial } from '../../../electron/core/crypto/types';
import { notaryCli, type NotaryCli } from '../../stack/notary-cli';
import { startNotaryServer, type NotaryServer } from '../../stack/notary-server';
import { makeTempDir, removeTempDir } from '../../stack/process';
import { assertSignedBy, rootRoleKeyIdsOf, servedRole } from './support/signed-files';

let server: NotaryServer;
let notary: NotaryCli;
let scratch: string;

before(async () => {
  server = await startNotaryServer();
  notary = notaryCli({ server: server.url, caFile: server.caFile });
  scratch = makeTempDir('crypto-interop');
});

after(async () => {
  await notary?.dispose();
  await server?.stop();
  if (scratch) await removeTempDir(scratch);
});

const idOf = (material: PrivateKeyMaterial) => keyId(publicKeyOf(material));

async function exportForNotary(material: PrivateKeyMaterial, role: string, passphrase: string, gun?: string): Promise<string> {
  const file = join(scratch, `${idOf(material)}.pem`);
  await writeFile(file, encodeEncryptedPrivateKey(material, passphrase, { role, gun, path: idOf(material) }));
  return file;
}

async function publicPemFile(material: PrivateKeyMaterial & { algorithm: 'ecdsa' }): Promise<string> {
  const file = join(scratch, `${idOf(material)}.pub`);
  const body = spkiDer(material.key).toString('base64').match(/.{1,64}/g)!.join('\n');
  await writeFile(file, `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`);
  return file;
}

const roleFile = (gun: string, role: string) => servedRole(server, gun, role);

describe('keys we export, used by notary', () => {
  const gun = 'example.com/countersign/interop';

  it('notary initialises a repository with our root key and publishes its certificate under our canonical ID', async () => {
    const root = generatePrivateKey('ecdsa');
    await notary.keyImport(await exportForNotary(root, 'root', notary.passphrases.root));
    assert.ok((await notary.keyList()).some((k) => k.role === 'root' && k.keyId === idOf(root)));
    await notary.init(gun);
    const rootJson = await roleFile(gun, 'root');
    const rootIds = rootRoleKeyIdsOf(rootJson, 'root');
    const rootKey = rootJson.signed.keys![rootIds[0]!]!;
    assert.equal(rootKey.keytype, 'ecdsa-x509');
    assert.equal(canonicalKeyIdOf(rootKey), idOf(root));
    assertSignedBy(rootJson, rootKey);
  });

  it('notary signs a delegation with an ECDSA key we exported', async () => {
    const releases = generatePrivateKey('ecdsa') as PrivateKeyMaterial & { algorithm: 'ecdsa' };
    await notary.keyImport(await exportForNotary(releases, 'targets/releases', notary.passphrases.delegation));
    await notary.delegationAdd(gun, 'targets/releases', [await publicPemFile(releases)], { allPaths: true });
    await notary.addHash(gun, 'v1', 10, 'cd'.repeat(32), { roles: ['targets/releases'] });
    assertSignedBy(await roleFile(gun, 'targets/releases'), publicKeyOf(releases));
  });

  it('notary rotates the targets key to one we exported with its GUN, and signs with it', async () => {
    const targets = generatePrivateKey('ecdsa');
    // notary reads every encrypted `--key` file with the root passphrase, whatever the role.
    const file = await exportForNotary(targets, 'targets', notary.passphrases.root, gun);
    await notary.rotate(gun, 'targets', { keyFiles: [file] });
    assertSignedBy(await roleFile(gun, 'targets'), publicKeyOf(targets));
    assert.ok((await notary.keyList()).some((k) => k.role === 'targets' && k.keyId === idOf(targets)));
  });

  it('notary accepts our root certificate as a key and republishes it byte for byte', async () => {
    const material = generatePrivateKey('ecdsa');
    const certificateKey = createRootCertificateKey(material, gun);
    const certificateFile = join(scratch, 'ours.crt');
    await writeFile(certificateFile, certificatePemOf(certificateKey));
    await notary.delegationAdd(gun, 'targets/certified', [certificateFile], { allPaths: true });
    const published = (await roleFile(gun, 'targets')).signed.delegations!.keys;
    assert.deepEqual(published[keyId(certificateKey)], { keytype: 'ecdsa-x509', keyval: { private: null, public: certificateKey.keyval.public } });
  });

  it('notary imports our ed25519 key', async () => {
    const ed = generatePrivateKey('ed25519');
    await notary.keyImport(await exportForNotary(ed, 'targets/ed', notary.passphrases.delegation));
    assert.ok((await notary.keyList()).some((k) => k.role === 'targets/ed' && k.keyId === idOf(ed)));
  });
});

describe('keys notary makes, read by us', () => {
  it('decrypts a key `notary key generate` just wrote and finds the ID notary printed', async () => {
    const id = await notary.keyGenerate('targets/fresh');
    const text = await readFile(join(notary.trustDir, 'private', `${id}.key`), 'utf8');
    const [block] = readPrivateKeyBlocks(text);
    assert.equal(block!.role, 'targets/fresh');
    assert.equal(idOf(decryptPrivateKeyBlock(block!, notary.passphrases.delegation)), id);
  });

  it('verifies the server’s ed25519 timestamp signature', async () => {
    const gun = 'example.com/countersign/interop';
    const root = await roleFile(gun, 'root');
    const timestamp = await roleFile(gun, 'timestamp');
    const timestampIds = rootRoleKeyIdsOf(root, 'timestamp');
    const key = root.signed.keys![timestampIds[0]!]!;
    assert.equal(key.keytype, 'ed25519');
    assertSignedBy(timestamp, key);
  });
});
