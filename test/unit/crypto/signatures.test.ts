// Signing and verifying as notary does, for every key type and method it knows.
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { createRootCertificateKey } from '../../../electron/core/crypto/certificate';
import { generatePrivateKey, privateKeyFromKeyObject, publicKeyOf, signWith } from '../../../electron/core/crypto/private-key';
import { publicKeyFromTuf } from '../../../electron/core/crypto/public-key';
import { verifySignature } from '../../../electron/core/crypto/verify';
import type { PrivateKeyMaterial, TufPublicKey } from '../../../electron/core/crypto/types';

const data = new TextEncoder().encode('{"_type":"Targets","version":1}');
const rsa2048 = privateKeyFromKeyObject(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

function spkiKey(keytype: 'ecdsa' | 'rsa', material: PrivateKeyMaterial): TufPublicKey {
  return { ...publicKeyOf(material), keytype };
}

const cases: { name: string; material: PrivateKeyMaterial; key: TufPublicKey; method: string; sigLength: number }[] = (() => {
  const ecdsa = generatePrivateKey('ecdsa');
  const ed25519 = generatePrivateKey('ed25519');
  return [
    { name: 'ecdsa (P-256)', material: ecdsa, key: publicKeyOf(ecdsa), method: 'ecdsa', sigLength: 64 },
    { name: 'ecdsa-x509 root', material: ecdsa, key: createRootCertificateKey(ecdsa, 'example.com/app'), method: 'ecdsa', sigLength: 64 },
    { name: 'ed25519', material: ed25519, key: publicKeyOf(ed25519), method: 'eddsa', sigLength: 64 },
    { name: 'rsa', material: rsa2048, key: spkiKey('rsa', rsa2048), method: 'rsapss', sigLength: 256 },
    { name: 'rsa-x509 root', material: rsa2048, key: createRootCertificateKey(rsa2048, 'example.com/app'), method: 'rsapss', sigLength: 256 },
  ];
})();

describe('signWith and verifySignature', () => {
  for (const { name, material, key, method, sigLength } of cases) {
    it(`${name}: signs with method ${method} and verifies`, () => {
      const signature = signWith(material, data);
      assert.equal(signature.method, method);
      assert.equal(Buffer.from(signature.sig, 'base64').length, sigLength);
      assert.equal(verifySignature(key, signature.method, data, signature.sig), true);
    });

    it(`${name}: returns false, without throwing, for other data or a damaged signature`, () => {
      const { sig } = signWith(material, data);
      assert.equal(verifySignature(key, method, new TextEncoder().encode('other'), sig), false);
      const damaged = Buffer.from(sig, 'base64');
      damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 1, damaged.length - 1);
      assert.equal(verifySignature(key, method, data, damaged.toString('base64')), false);
      assert.equal(verifySignature(key, method, data, Buffer.from(sig, 'base64').subarray(1).toString('base64')), false);
      assert.equal(verifySignature(key, method, data, ''), false);
      assert.equal(verifySignature(key, method, data, `${sig}!`), false, 'not strict base64');
    });
  }

  it('verifies RSA PKCS#1 v1.5 signatures (method rsapkcs1v15)', () => {
    const rsa = rsa2048 as PrivateKeyMaterial & { algorithm: 'rsa' };
    const sig = sign('sha256', data, { key: rsa.key, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
    assert.equal(verifySignature(spkiKey('rsa', rsa), 'rsapkcs1v15', data, sig), true);
    assert.equal(verifySignature(spkiKey('rsa', rsa), 'rsapss', data, sig), false);
  });

  it('checks RSA-PSS with a salt as long as the hash, as notary does', () => {
    const rsa = rsa2048 as PrivateKeyMaterial & { algorithm: 'rsa' };
    const maxSalt = sign('sha256', data, { key: rsa.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN });
    assert.equal(verifySignature(spkiKey('rsa', rsa), 'rsapss', data, maxSalt.toString('base64')), false);
  });

  it('accepts P-384 keys, which notary verifies with SHA-256 too', () => {
    const p384 = privateKeyFromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
    const { method, sig } = signWith(p384, data);
    assert.equal(Buffer.from(sig, 'base64').length, 96);
    assert.equal(verifySignature(publicKeyOf(p384), method, data, sig), true);
  });
});

describe('keys and methods that do not go together', () => {
  const ecdsa = publicKeyOf(generatePrivateKey('ecdsa'));
  const ed25519 = publicKeyOf(generatePrivateKey('ed25519'));

  it('throws key-unsupported for a method the key type cannot use', () => {
    assert.throws(() => verifySignature(ecdsa, 'eddsa', data, 'AA=='), { code: 'key-unsupported' });
    assert.throws(() => verifySignature(ed25519, 'ecdsa', data, 'AA=='), { code: 'key-unsupported' });
    assert.throws(() => verifySignature(ecdsa, 'rsapss', data, 'AA=='), { code: 'key-unsupported' });
  });

  it('throws key-unsupported for methods notary does not know', () => {
    assert.throws(() => verifySignature(ecdsa, 'hmac', data, 'AA=='), { code: 'key-unsupported' });
    assert.throws(() => verifySignature(ecdsa, 'toString', data, 'AA=='), { code: 'key-unsupported' });
  });

  it('treats a key that cannot be parsed as one that signed nothing', () => {
    const garbage: TufPublicKey = { keytype: 'ecdsa', keyval: { public: 'bm90IGEga2V5', private: null } };
    assert.equal(verifySignature(garbage, 'ecdsa', data, Buffer.alloc(64).toString('base64')), false);
    assert.throws(() => publicKeyFromTuf(garbage), { code: 'key-unsupported' });
    const shortEd: TufPublicKey = { keytype: 'ed25519', keyval: { public: 'AAAA', private: null } };
    assert.equal(verifySignature(shortEd, 'eddsa', data, Buffer.alloc(64).toString('base64')), false);
  });

  it('refuses an rsa key declared as ecdsa, and the reverse', () => {
    const rsaAsEcdsa: TufPublicKey = { ...publicKeyOf(rsa2048), keytype: 'ecdsa' };
    const { sig } = signWith(rsa2048, data);
    assert.equal(verifySignature(rsaAsEcdsa, 'ecdsa', data, sig), false);
    assert.throws(() => publicKeyFromTuf(rsaAsEcdsa), { code: 'key-unsupported' });
  });

  it('refuses RSA keys shorter than 2048 bits, as notary does', () => {
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    assert.throws(() => privateKeyFromKeyObject(short), { code: 'key-unsupported' });
    const key: TufPublicKey = { keytype: 'rsa', keyval: { public: short.export({ type: 'pkcs1', format: 'der' }).toString('base64') } };
    assert.equal(verifySignature(key, 'rsapss', data, Buffer.alloc(128).toString('base64')), false);
  });

  it('refuses an RSA key with public exponent 1, whose signature anyone can make and OpenSSL verifies', () => {
    const { n } = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const exponentOne = createPublicKey({ key: { kty: 'RSA', n: n!, e: 'AQ' }, format: 'jwk' });
    // With e = 1 the signature is the padded digest itself: no private key involved.
    const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(data).digest()]);
    const forged = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - digestInfo.length - 3, 0xff), Buffer.from([0]), digestInfo]);
    assert.ok(verify('sha256', data, { key: exponentOne, padding: constants.RSA_PKCS1_PADDING }, forged), 'OpenSSL accepts the forgery');
    const key: TufPublicKey = { keytype: 'rsa', keyval: { public: exponentOne.export({ type: 'spki', format: 'der' }).toString('base64'), private: null } };
    assert.throws(() => publicKeyFromTuf(key), { code: 'key-unsupported', message: /public exponent 1 is refused/ });
    assert.equal(verifySignature(key, 'rsapkcs1v15', data, forged.toString('base64')), false);
  });

  it('refuses curves notary cannot use', () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    assert.throws(() => privateKeyFromKeyObject(k1), { code: 'key-unsupported' });
  });
});

describe('publicKeyFromTuf', () => {
  it('gives the certificate’s key for x509 keys and caches parsed keys', () => {
    const material = generatePrivateKey('ecdsa');
    const root = createRootCertificateKey(material, 'example.com/app');
    const fromCertificate = publicKeyFromTuf(root);
    assert.equal(fromCertificate.asymmetricKeyType, 'ec');
    assert.equal(publicKeyFromTuf(root), fromCertificate, 'the same KeyObject on the second call');
    assert.equal(fromCertificate.equals(publicKeyFromTuf(publicKeyOf(material))), true);
  });
});
