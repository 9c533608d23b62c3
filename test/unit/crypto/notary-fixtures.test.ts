// Our crypto against what the real notary produced (static fixtures from test/fixtures/keys).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes } from '../../../electron/core/tuf/canonical';
import { canonicalKeyIdOf, keyId } from '../../../electron/core/crypto/key-id';
import { decryptPrivateKeyBlock, readPrivateKeyBlocks } from '../../../electron/core/crypto/key-file';
import { publicKeyOf, signWith } from '../../../electron/core/crypto/private-key';
import { verifySignature } from '../../../electron/core/crypto/verify';
import type { TufPublicKey } from '../../../electron/core/crypto/types';
import { fixtureKey, fixtureText, manifest, metadata, rootKeys, rootRoleKeyIds, type SignedFile } from './support/fixtures';

type Repo = 'notary-repo' | 'notary-rsa-root';

function signaturesOf(file: SignedFile, keys: Record<string, TufPublicKey>, signed = file.signed) {
  return file.signatures.map((s) => ({ ...s, valid: verifySignature(keys[s.keyid]!, s.method, canonicalBytes(signed), s.sig) }));
}

const signedFiles: { repo: Repo; role: string; method: string; keys: () => Record<string, TufPublicKey> }[] = [
  { repo: 'notary-repo', role: 'root', method: 'ecdsa', keys: () => rootKeys('notary-repo') },
  { repo: 'notary-repo', role: 'targets', method: 'ecdsa', keys: () => rootKeys('notary-repo') },
  { repo: 'notary-repo', role: 'snapshot', method: 'ecdsa', keys: () => rootKeys('notary-repo') },
  { repo: 'notary-repo', role: 'timestamp', method: 'eddsa', keys: () => rootKeys('notary-repo') },
  { repo: 'notary-repo', role: 'targets/releases', method: 'rsapss', keys: () => metadata('notary-repo', 'targets').signed.delegations!.keys },
  { repo: 'notary-rsa-root', role: 'root', method: 'rsapss', keys: () => rootKeys('notary-rsa-root') },
];

describe('signatures made by notary', () => {
  for (const { repo, role, method, keys } of signedFiles) {
    it(`verifies ${repo} ${role}.json (method ${method})`, () => {
      const results = signaturesOf(metadata(repo, role), keys());
      assert.ok(results.length > 0);
      for (const result of results) {
        assert.equal(result.method, method);
        assert.equal(result.valid, true, `signature by ${result.keyid} should verify`);
      }
    });

    it(`refuses ${repo} ${role}.json once a single field of "signed" changes`, () => {
      const file = metadata(repo, role);
      const tampered = { ...file.signed, version: Number(file.signed['version']) + 1 };
      for (const result of signaturesOf(file, keys(), tampered)) assert.equal(result.valid, false);
    });
  }

  it('does not accept a signature under a different key of the same type', () => {
    const root = metadata('notary-repo', 'root');
    const keys = rootKeys('notary-repo');
    const [signature] = root.signatures;
    const otherEcdsaKey = Object.entries(keys).find(([id, key]) => key.keytype === 'ecdsa' && id !== signature!.keyid)![1];
    assert.equal(verifySignature(otherEcdsaKey, 'ecdsa', canonicalBytes(root.signed), signature!.sig), false);
  });
});

describe('key IDs', () => {
  for (const repo of ['notary-repo', 'notary-rsa-root'] as const) {
    it(`hashes every key of ${repo}/root.json to the ID it is listed under`, () => {
      for (const [id, key] of Object.entries(rootKeys(repo))) assert.equal(keyId(key), id);
    });

    it(`gives the root certificate key of ${repo} the canonical ID notary names its key file by`, () => {
      const [rootId] = rootRoleKeyIds(repo, 'root');
      const rootKey = rootKeys(repo)[rootId!]!;
      assert.match(rootKey.keytype, /-x509$/);
      const keyFile = fixtureKey((k) => k.role === 'root' && k.file.includes(repo === 'notary-repo' ? '/fixture/' : '/rsa-root/'));
      assert.equal(canonicalKeyIdOf(rootKey), keyFile.keyId);
      assert.notEqual(canonicalKeyIdOf(rootKey), rootId, 'the certificate ID and the bare key ID differ');
    });
  }

  it('uses a bare key’s own ID as its canonical ID', () => {
    const [targetsId] = rootRoleKeyIds('notary-repo', 'targets');
    assert.equal(canonicalKeyIdOf(rootKeys('notary-repo')[targetsId!]!), targetsId);
  });

  it('hashes delegation keys to the IDs targets.json lists', () => {
    for (const [id, key] of Object.entries(metadata('notary-repo', 'targets').signed.delegations!.keys)) assert.equal(keyId(key), id);
  });
});

describe('private key files written by notary', () => {
  for (const key of manifest.keys) {
    it(`decrypts ${key.role} key ${key.keyId.slice(0, 8)} and finds the key ID notary filed it under`, () => {
      const [block] = readPrivateKeyBlocks(fixtureText(key.file));
      assert.equal(block!.role, key.role);
      assert.equal(block!.gun, key.gun === '' ? undefined : key.gun);
      assert.equal(block!.encrypted, true);
      const material = decryptPrivateKeyBlock(block!, key.passphrase);
      assert.equal(keyId(publicKeyOf(material)), key.keyId);
    });
  }

  it('says the passphrase is wrong rather than failing obscurely', () => {
    const key = fixtureKey((k) => k.role === 'targets');
    const [block] = readPrivateKeyBlocks(fixtureText(key.file));
    assert.throws(() => decryptPrivateKeyBlock(block!, 'not the passphrase'), { code: 'passphrase-wrong' });
    assert.throws(() => decryptPrivateKeyBlock(block!), { code: 'passphrase-required' });
  });

  it('reads notary’s own ed25519 key format', () => {
    const key = fixtureKey((k) => k.role === 'targets/ed25519-example');
    const material = decryptPrivateKeyBlock(readPrivateKeyBlocks(fixtureText(key.file))[0]!, key.passphrase);
    assert.equal(material.algorithm, 'ed25519');
  });

  it('signs with a decrypted key so that the key published in metadata verifies it', () => {
    const key = fixtureKey((k) => k.role === 'targets' && k.gun === manifest.gun);
    const material = decryptPrivateKeyBlock(readPrivateKeyBlocks(fixtureText(key.file))[0]!, key.passphrase);
    const published = rootKeys('notary-repo')[key.keyId]!;
    const data = canonicalBytes({ hello: 'world' });
    const { method, sig } = signWith(material, data);
    assert.equal(verifySignature(published, method, data, sig), true);
  });
});
