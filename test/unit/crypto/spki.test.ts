// Public keys as Go's x509 reads them (so notary can use the key): only uncompressed EC points and RSA
// keys with NULL parameters; and the P-256 shortcut giving exactly the key, the key ID and the
// refusals of the general DER path.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateInfo } from '../../../electron/core/crypto/certificate';
import { canonicalKeyIdOf, certificatePemOf } from '../../../electron/core/crypto/key-id';
import { spkiProblem, isCanonicalP256Spki, P256_SPKI_LENGTH, p256KeyObject } from '../../../electron/core/crypto/spki';
import { verifyingKeyFor } from '../../../electron/core/crypto/public-key';
import type { TufPublicKey } from '../../../electron/core/crypto/types';
import { compressedP256Spki, editedCertificatePem, hybridP256Spki, rsaSpkiWithoutParameters } from '../../helpers/x509-forms';
import { fixtureKey, rootKeys, rootRoleKeyIds } from './support/fixtures';

function spkiOf(curve: string): Buffer {
  return generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'der' });
}

function ecdsaKey(spki: Uint8Array, keytype: TufPublicKey['keytype'] = 'ecdsa'): TufPublicKey {
  return { keytype, keyval: { public: Buffer.from(spki).toString('base64'), private: null } };
}


function rsaSpki(): Buffer {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
}



/** A notary root certificate with its key replaced by `spki`. */
function certificateWithKey(pem: string, spki: Uint8Array): string {
  return editedCertificatePem(pem, { fields: (fields) => fields.map((field, i) => (i === 6 ? spki : field)) });
}

describe('the point encodings notary can use', () => {
  it('accepts uncompressed points, on every curve notary verifies', () => {
    for (const curve of ['prime256v1', 'secp384r1', 'secp521r1']) {
      assert.equal(spkiProblem(spkiOf(curve)), undefined);
      assert.equal(verifyingKeyFor(ecdsaKey(spkiOf(curve))).kind, 'ecdsa');
    }
  });

  it('refuses compressed and hybrid points, which Go\'s x509 cannot parse, naming the check', () => {
    for (const spki of [compressedP256Spki(spkiOf('prime256v1')), hybridP256Spki(spkiOf('prime256v1'))]) {
      assert.ok(createPublicKey({ key: spki, format: 'der', type: 'spki' }), 'OpenSSL reads it');
      assert.match(spkiProblem(spki) ?? '', /not written uncompressed/);
      assert.throws(() => verifyingKeyFor(ecdsaKey(spki)), { code: 'key-unsupported', message: /not written uncompressed/ });
    }
  });

  it('refuses a root certificate whose key is compressed, as Go\'s x509.ParseCertificate does', () => {
    const [rootId] = rootRoleKeyIds('notary-repo', 'root');
    const pem = certificatePemOf(rootKeys('notary-repo')[rootId!]!);
    const info = certificateInfo(pem);
    assert.equal(certificateInfo(certificateWithKey(pem, info.publicKeySpkiDer)).commonName, info.commonName, 'the rebuilt certificate parses');
    const squeezed = certificateWithKey(pem, compressedP256Spki(info.publicKeySpkiDer));
    assert.throws(() => certificateInfo(squeezed), { code: 'pem-invalid', message: /not written uncompressed/ });
  });

  it('accepts RSA keys with NULL parameters, as every encoder writes them', () => {
    const spki = rsaSpki();
    assert.equal(spkiProblem(spki), undefined);
    assert.equal(verifyingKeyFor(ecdsaKey(spki, 'rsa')).kind, 'rsa');
  });

  it('refuses an RSA key without its NULL parameters, which Go\'s x509 cannot parse, naming the check', () => {
    const spki = rsaSpkiWithoutParameters(rsaSpki());
    assert.equal(createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyType, 'rsa', 'OpenSSL reads it');
    assert.match(spkiProblem(spki) ?? '', /RSA algorithm parameters are not NULL/);
    assert.throws(() => verifyingKeyFor(ecdsaKey(spki, 'rsa')), { code: 'key-unsupported', message: /not NULL/ });
  });
});

describe('recognising a canonical P-256 key', () => {
  it('recognises the DER OpenSSL writes for a P-256 key', () => {
    const spki = spkiOf('prime256v1');
    assert.equal(spki.length, P256_SPKI_LENGTH);
    assert.ok(isCanonicalP256Spki(spki));
  });

  it('leaves every other shape to the general decoder', () => {
    assert.equal(isCanonicalP256Spki(spkiOf('secp384r1')), false);
    assert.equal(isCanonicalP256Spki(compressedP256Spki(spkiOf('prime256v1'))), false);
    assert.equal(isCanonicalP256Spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' })), false);
    assert.equal(isCanonicalP256Spki(spkiOf('prime256v1').subarray(0, P256_SPKI_LENGTH - 1)), false);
  });
});

describe('building a P-256 key from its coordinates', () => {
  it('gives the key the DER decoder gives', () => {
    const spki = spkiOf('prime256v1');
    const built = p256KeyObject(spki);
    assert.deepEqual(built.export({ type: 'spki', format: 'der' }), spki);
    assert.equal(built.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('refuses a point off the curve, as the DER decoder does', () => {
    const offCurve = Buffer.from(spkiOf('prime256v1'));
    offCurve[offCurve.length - 1]! ^= 1;
    assert.throws(() => createPublicKey({ key: offCurve, format: 'der', type: 'spki' }));
    assert.throws(() => p256KeyObject(offCurve));
    assert.throws(() => verifyingKeyFor(ecdsaKey(offCurve)), { code: 'key-unsupported' });
  });

  it('verifies what the key signed and nothing else', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const verifying = verifyingKeyFor(ecdsaKey(publicKey.export({ type: 'spki', format: 'der' })));
    assert.equal(verifying.kind, 'ecdsa');
    assert.ok(verifying.kind === 'ecdsa' && verifying.signatureLength === 64);
    const signature = sign('sha256', Buffer.from('signed'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    assert.ok(verify('sha256', Buffer.from('signed'), { key: verifying.key, dsaEncoding: 'ieee-p1363' }, signature));
    assert.equal(verify('sha256', Buffer.from('other'), { key: verifying.key, dsaEncoding: 'ieee-p1363' }, signature), false);
  });

  it('still refuses P-256 bytes presented as an rsa key', () => {
    assert.throws(() => verifyingKeyFor(ecdsaKey(spkiOf('prime256v1'), 'rsa')), { code: 'key-unsupported', message: /holds a ec public key/ });
  });
});

describe("a root certificate's key", () => {
  for (const [repo, folder] of [['notary-repo', 'fixture'], ['notary-rsa-root', 'rsa-root']] as const) {
    it(`of ${repo} (made by notary) has the DER OpenSSL re-encodes and the canonical key ID notary gave its key file`, () => {
      const [rootId] = rootRoleKeyIds(repo, 'root');
      const key = rootKeys(repo)[rootId!]!;
      const info = certificateInfo(certificatePemOf(key));
      assert.deepEqual(Buffer.from(info.publicKeySpkiDer), info.publicKey.export({ type: 'spki', format: 'der' }));
      assert.equal(canonicalKeyIdOf(key), fixtureKey((k) => k.role === 'root' && k.file.includes(`/${folder}/`)).keyId);
    });
  }
});
