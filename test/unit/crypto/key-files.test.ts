// Key files in every form notary and docker read or write, and the errors for everything else.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import * as der from '../../../electron/core/crypto/der';
import { decryptPrivateKeyBlock, encodeEncryptedPrivateKey, readPrivateKeyBlocks } from '../../../electron/core/crypto/key-file';
import { keyId } from '../../../electron/core/crypto/key-id';
import { encodePemBlock } from '../../../electron/core/crypto/pem';
import { generatePrivateKey, publicKeyOf } from '../../../electron/core/crypto/private-key';
import type { PrivateKeyMaterial } from '../../../electron/core/crypto/types';
import { fixtureKey, fixtureText } from './support/fixtures';

// Few iterations keep the tests fast; one test checks the default count.
const FAST = 1000;
const idOf = (material: PrivateKeyMaterial) => keyId(publicKeyOf(material));

describe('exporting an encrypted key file', () => {
  for (const algorithm of ['ecdsa', 'ed25519'] as const) {
    it(`round-trips a ${algorithm} key with role, GUN and path headers`, () => {
      const material = generatePrivateKey(algorithm);
      const text = encodeEncryptedPrivateKey(material, 'pass', { role: 'targets', gun: 'example.com/app', path: idOf(material) }, FAST);
      const [block] = readPrivateKeyBlocks(text);
      assert.deepEqual([block!.role, block!.gun, block!.path, block!.encrypted], ['targets', 'example.com/app', idOf(material), true]);
      assert.equal(idOf(decryptPrivateKeyBlock(block!, 'pass')), idOf(material));
    });
  }

  it('writes a GUN only for the roles notary files under a GUN', () => {
    const material = generatePrivateKey();
    for (const [role, expected] of [['targets', 'example.com/g'], ['snapshot', 'example.com/g'], ['root', undefined], ['targets/releases', undefined]] as const) {
      const [block] = readPrivateKeyBlocks(encodeEncryptedPrivateKey(material, 'pass', { role, gun: 'example.com/g' }, FAST));
      assert.equal(block!.gun, expected, role);
    }
  });

  it('uses PBES2 with PBKDF2-HMAC-SHA1 (no PRF field) and AES-256-CBC, the one scheme notary reads', () => {
    const text = encodeEncryptedPrivateKey(generatePrivateKey(), 'pass', { role: 'root' });
    const [block] = readPrivateKeyBlocks(text);
    const [algorithm] = der.children(der.readDer(block!.block.bytes));
    const [pbes2, params] = der.children(algorithm!);
    assert.equal(der.readOid(pbes2), '1.2.840.113549.1.5.13');
    const [kdf, cipher] = der.children(params!);
    const [kdfOid, kdfParams] = der.children(kdf!);
    assert.equal(der.readOid(kdfOid), '1.2.840.113549.1.5.12');
    const kdfFields = der.children(kdfParams!);
    assert.equal(kdfFields.length, 2, 'salt and iteration count only: the PRF defaults to HMAC-SHA1');
    assert.equal(der.readSmallInteger(kdfFields[1]), 600_000);
    assert.equal(der.readOid(der.children(cipher!)[0]), '2.16.840.1.101.3.4.1.42');
  });

  it('writes ed25519 keys in notary’s own PKCS#8 form', () => {
    const material = generatePrivateKey('ed25519');
    const block = readPrivateKeyBlocks(encodeEncryptedPrivateKey(material, 'pass', { role: 'targets/x' }, FAST))[0]!;
    const fixture = fixtureKey((k) => k.role === 'targets/ed25519-example');
    assert.equal(idOf(decryptPrivateKeyBlock(block, 'pass')), idOf(material));
    assert.equal(decryptPrivateKeyBlock(readPrivateKeyBlocks(fixtureText(fixture.file))[0]!, fixture.passphrase).algorithm, 'ed25519');
  });

  it('refuses to export without a passphrase', () => {
    assert.throws(() => encodeEncryptedPrivateKey(generatePrivateKey(), '', { role: 'root' }), { code: 'passphrase-required' });
  });
});

describe('importing key files', () => {
  it('reads every block of a multi-key bundle, like `notary key export` writes', () => {
    const a = generatePrivateKey();
    const b = generatePrivateKey('ed25519');
    const bundle = encodeEncryptedPrivateKey(a, 'pass', { role: 'root', path: idOf(a) }, FAST) + encodeEncryptedPrivateKey(b, 'pass', { role: 'targets/x', path: idOf(b) }, FAST);
    const blocks = readPrivateKeyBlocks(bundle);
    assert.deepEqual(blocks.map((block) => block.path), [idOf(a), idOf(b)]);
  });

  it('reads unencrypted PKCS#8, SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY" files', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const pem of [
      ec.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ec.export({ type: 'sec1', format: 'pem' }).toString(),
      rsa.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ]) {
      const [block] = readPrivateKeyBlocks(pem);
      assert.equal(block!.encrypted, false);
      assert.ok(['ecdsa', 'rsa'].includes(decryptPrivateKeyBlock(block!).algorithm));
    }
  });

  it('reads legacy OpenSSL-encrypted "EC PRIVATE KEY" files (Proc-Type/DEK-Info) with role headers', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const legacy = ec.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }).toString();
    const withRole = legacy.replace('Proc-Type', 'role: targets/ci\nProc-Type');
    const [block] = readPrivateKeyBlocks(withRole);
    assert.equal(block!.encrypted, true);
    assert.equal(block!.role, 'targets/ci');
    assert.equal(decryptPrivateKeyBlock(block!, 'pass').algorithm, 'ecdsa');
    assert.throws(() => decryptPrivateKeyBlock(block!, 'wrong'), { code: 'passphrase-wrong' });
  });

  it('reads PKCS#8 that node or openssl encrypted with HMAC-SHA256', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const pem = ec.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }).toString();
    assert.equal(decryptPrivateKeyBlock(readPrivateKeyBlocks(pem)[0]!, 'pass').algorithm, 'ecdsa');
  });

  it('reads RFC 8410 ed25519 keys', () => {
    const ed = generateKeyPairSync('ed25519').privateKey;
    const material = decryptPrivateKeyBlock(readPrivateKeyBlocks(ed.export({ type: 'pkcs8', format: 'pem' }).toString())[0]!);
    assert.equal(material.algorithm, 'ed25519');
    const jwk = ed.export({ format: 'jwk' });
    assert.equal(Buffer.from(material.algorithm === 'ed25519' ? material.publicKey : []).toString('base64url'), jwk.x);
  });

  it('says passphrase-wrong for a wrong passphrase, every time', () => {
    const text = encodeEncryptedPrivateKey(generatePrivateKey(), 'right', { role: 'root' }, 1);
    const [block] = readPrivateKeyBlocks(text);
    // With one iteration the 300 tries are cheap; roughly one in 256 passes the padding check.
    for (let i = 0; i < 300; i++) assert.throws(() => decryptPrivateKeyBlock(block!, `wrong ${i}`), { code: 'passphrase-wrong' });
  });

  it('refuses files without a private key, and damaged ones, as pem-invalid', () => {
    const publicOnly = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => readPrivateKeyBlocks(publicOnly), { code: 'pem-invalid' });
    assert.throws(() => readPrivateKeyBlocks('just text'), { code: 'pem-invalid' });
    const notAKey = encodePemBlock({ type: 'PRIVATE KEY', headers: {}, bytes: Buffer.from('definitely not DER') });
    assert.throws(() => decryptPrivateKeyBlock(readPrivateKeyBlocks(notAKey)[0]!), { code: 'pem-invalid' });
    const text = encodeEncryptedPrivateKey(generatePrivateKey(), 'pass', { role: 'root' }, FAST);
    assert.throws(() => readPrivateKeyBlocks(text.slice(0, 150)), { code: 'pem-invalid' });
  });

  it('refuses curves and algorithms notary cannot use as key-unsupported', () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => decryptPrivateKeyBlock(readPrivateKeyBlocks(k1)[0]!), { code: 'key-unsupported' });
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => decryptPrivateKeyBlock(readPrivateKeyBlocks(x25519)[0]!), { code: 'key-unsupported' });
  });

  it('asks for a passphrase when an encrypted key comes without one', () => {
    const [block] = readPrivateKeyBlocks(encodeEncryptedPrivateKey(generatePrivateKey(), 'pass', { role: 'root' }, FAST));
    assert.throws(() => decryptPrivateKeyBlock(block!), { code: 'passphrase-required' });
    assert.throws(() => decryptPrivateKeyBlock(block!, ''), { code: 'passphrase-required' });
  });
});

describe('PEM headers of exported keys', () => {
  it('refuses a role, GUN or path that would write another header line', () => {
    const material = generatePrivateKey();
    for (const role of ['targets\ngun: evil.com/x', 'root\rpath: ../../../etc', 'targets/\u001b[2J', '../../x', 'a\\b']) {
      assert.throws(() => encodeEncryptedPrivateKey(material, 'pass', { role }, FAST), { code: 'invalid-input' }, JSON.stringify(role));
    }
    assert.throws(() => encodeEncryptedPrivateKey(material, 'pass', { role: 'targets', gun: 'example.com/app\npath: x' }, FAST), { code: 'invalid-input' });
    assert.throws(() => encodeEncryptedPrivateKey(material, 'pass', { role: 'root', path: '../../../etc/passwd' }, FAST), { code: 'invalid-input' });
  });

  it('writes no header value with a line break, whatever calls the PEM writer', () => {
    assert.throws(() => encodePemBlock({ type: 'PUBLIC KEY', headers: { role: 'x\ngun: y' }, bytes: new Uint8Array([1]) }), { code: 'pem-invalid' });
    assert.throws(() => encodePemBlock({ type: 'PUBLIC KEY', headers: { 'a:b': 'x' }, bytes: new Uint8Array([1]) }), { code: 'pem-invalid' });
  });
});
