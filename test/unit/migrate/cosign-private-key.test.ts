// cosign.key as Countersign writes and reads it: the envelope cosign writes (checked by a reader made
// from go-securesystemslib's description, not by our own), what it refuses, and keys cosign itself
// wrote (test/fixtures/cosign, public Sigstore test data) opening to their published public keys.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CountersignError, type ErrorCode } from '../../../shared/errors';
import { decryptPrivateKeyBlock, readPrivateKeyBlocks } from '../../../electron/core/crypto/key-file';
import { keyCandidatesOfFile } from '../../../electron/core/keys/key-sources';
import { noPassphrases, type PassphraseProvider } from '../../../electron/core/keys/passphrase';
import { UnlockSession } from '../../../electron/core/keys/unlock';
import { readCosignPublicKey } from '../../../electron/core/migrate';
import { COSIGN_SCRYPT_PARAMS, decryptCosignKey, encryptCosignKey } from '../../../electron/core/migrate/cosign-private-key';
import { envelopeOf, pemOf, privateKeyByCosignSpec, sealByCosignSpec } from './support/cosign-key-by-spec';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'cosign');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const PASSPHRASE = 'correct horse battery staple';

function p256Pkcs8(): { der: Buffer; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { der: privateKey.export({ type: 'pkcs8', format: 'der' }), publicKey };
}

const spki = (key: KeyObject) => (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });

function refusedWith(code: ErrorCode, run: () => unknown): void {
  assert.throws(run, (error: unknown) => error instanceof CountersignError && error.code === code);
}

/** A valid cosign.key with one field of its envelope changed. */
function withEnvelope(pem: string, change: (envelope: ReturnType<typeof envelopeOf>['envelope']) => void): string {
  const { type, envelope } = envelopeOf(pem);
  change(envelope);
  return pemOf(type, envelope);
}

describe('writing cosign.key', () => {
  const key = p256Pkcs8();
  const pem = encryptCosignKey(key.der, PASSPHRASE);

  it('writes the envelope cosign writes: SIGSTORE label, scrypt N=2^16 r=8 p=1, 32-byte salt, 24-byte nonce, members in Go order', () => {
    const { type, envelope, lines } = envelopeOf(pem);
    assert.equal(type, 'ENCRYPTED SIGSTORE PRIVATE KEY');
    assert.ok(lines.slice(0, -1).every((line) => line.length === 64), 'Go pem.Encode writes 64 columns');
    assert.deepEqual(Object.keys(envelope), ['kdf', 'cipher', 'ciphertext']);
    assert.deepEqual(Object.keys(envelope.kdf), ['name', 'params', 'salt']);
    assert.deepEqual(Object.keys(envelope.cipher), ['name', 'nonce']);
    assert.deepEqual(envelope.kdf.params, { N: 65536, r: 8, p: 1 });
    assert.equal(envelope.kdf.name, 'scrypt');
    assert.equal(envelope.cipher.name, 'nacl/secretbox');
    assert.equal(Buffer.from(envelope.kdf.salt, 'base64').length, 32);
    assert.equal(Buffer.from(envelope.cipher.nonce, 'base64').length, 24);
    // secretbox: 16-byte Poly1305 tag, then the PKCS#8 bytes.
    assert.equal(Buffer.from(envelope.ciphertext, 'base64').length, key.der.length + 16);
  });

  it('opens with a reader written from the spec to exactly the PKCS#8 key sealed', () => {
    assert.deepEqual(spki(privateKeyByCosignSpec(pem, PASSPHRASE)), spki(key.publicKey));
  });

  it('draws a fresh salt and nonce every time', () => {
    const again = envelopeOf(encryptCosignKey(key.der, PASSPHRASE)).envelope;
    const first = envelopeOf(pem).envelope;
    assert.notEqual(again.kdf.salt, first.kdf.salt);
    assert.notEqual(again.cipher.nonce, first.cipher.nonce);
  });

  it('refuses an empty passphrase, which would leave the key readable by anyone', () => {
    refusedWith('passphrase-required', () => encryptCosignKey(key.der, ''));
  });

  it('refuses keys that are not ECDSA P-256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'der' });
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' });
    refusedWith('key-unsupported', () => encryptCosignKey(p384, PASSPHRASE));
    refusedWith('key-unsupported', () => encryptCosignKey(ed25519, PASSPHRASE));
    refusedWith('pem-invalid', () => encryptCosignKey(Buffer.from('not a key'), PASSPHRASE));
  });
});

describe('reading cosign.key', () => {
  const key = p256Pkcs8();
  const pem = encryptCosignKey(key.der, PASSPHRASE);

  it('round-trips: the key read back is the key written', () => {
    const material = decryptCosignKey(pem, PASSPHRASE);
    assert.equal(material.algorithm, 'ecdsa');
    assert.deepEqual(spki(material.key), spki(key.publicKey));
  });

  it('reads all three scrypt strengths cosign reads (2^17 needs more than node’s default scrypt memory)', () => {
    for (const [strength, params] of Object.entries(COSIGN_SCRYPT_PARAMS)) {
      const sealed = sealByCosignSpec(key.der, PASSPHRASE, { N: params.N });
      assert.deepEqual(spki(decryptCosignKey(sealed, PASSPHRASE).key), spki(key.publicKey), strength);
    }
  });

  it('reads the older ENCRYPTED COSIGN PRIVATE KEY label too', () => {
    const legacy = sealByCosignSpec(key.der, PASSPHRASE, { type: 'ENCRYPTED COSIGN PRIVATE KEY', N: 32768 });
    assert.deepEqual(spki(decryptCosignKey(legacy, PASSPHRASE).key), spki(key.publicKey));
  });

  it('a wrong passphrase is passphrase-wrong', () => {
    refusedWith('passphrase-wrong', () => decryptCosignKey(pem, 'not the passphrase'));
  });

  it('a tampered ciphertext or nonce does not open (Poly1305), and says so', () => {
    const flipped = withEnvelope(pem, (envelope) => {
      const bytes = Buffer.from(envelope.ciphertext, 'base64');
      bytes[bytes.length - 1]! ^= 0x01;
      envelope.ciphertext = bytes.toString('base64');
    });
    refusedWith('passphrase-wrong', () => decryptCosignKey(flipped, PASSPHRASE));
    const otherNonce = withEnvelope(pem, (envelope) => {
      const bytes = Buffer.from(envelope.cipher.nonce, 'base64');
      bytes[0]! ^= 0x80;
      envelope.cipher.nonce = bytes.toString('base64');
    });
    refusedWith('passphrase-wrong', () => decryptCosignKey(otherNonce, PASSPHRASE));
  });

  it('refuses scrypt parameters cosign does not accept before deriving anything (no memory or time spent on them)', () => {
    for (const params of [{ N: 1 << 20, r: 8, p: 1 }, { N: 65536, r: 16, p: 1 }, { N: 16384, r: 8, p: 1 }, { N: 65536, r: 8, p: 4 }]) {
      refusedWith('pem-invalid', () => decryptCosignKey(withEnvelope(pem, (envelope) => void (envelope.kdf.params = params)), PASSPHRASE));
    }
  });

  it('refuses what is not the envelope: other KDF or cipher names, a short nonce, bad base64, missing fields, not JSON', () => {
    const malformed = [
      withEnvelope(pem, (envelope) => void (envelope.kdf.name = 'pbkdf2')),
      withEnvelope(pem, (envelope) => void (envelope.cipher.name = 'aes-gcm')),
      withEnvelope(pem, (envelope) => void (envelope.cipher.nonce = Buffer.alloc(12).toString('base64'))),
      withEnvelope(pem, (envelope) => void (envelope.kdf.salt = 'not*base64')),
      withEnvelope(pem, (envelope) => void (envelope.ciphertext = '')),
      withEnvelope(pem, (envelope) => void delete (envelope as Partial<typeof envelope>).cipher),
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n',
      '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
      'no PEM at all',
    ];
    for (const text of malformed) refusedWith('pem-invalid', () => decryptCosignKey(text, PASSPHRASE));
  });

  it('refuses a sealed key that is not ECDSA P-256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'der' });
    refusedWith('key-unsupported', () => decryptCosignKey(sealByCosignSpec(p384, PASSPHRASE), PASSPHRASE));
  });

  it('is a private key file the vault imports (key-file: an encrypted block with no role)', () => {
    const [block, ...rest] = readPrivateKeyBlocks(pem);
    assert.equal(rest.length, 0);
    assert.equal(block!.encrypted, true);
    assert.equal(block!.role, undefined);
    refusedWith('passphrase-required', () => decryptPrivateKeyBlock(block!));
    refusedWith('passphrase-wrong', () => decryptPrivateKeyBlock(block!, 'wrong'));
    const material = decryptPrivateKeyBlock(block!, PASSPHRASE);
    assert.equal(material.algorithm, 'ecdsa');
  });
});

describe('keys cosign itself wrote (test/fixtures/cosign)', () => {
  it('sigstore/policy-controller’s example key opens with its published password "" to the key of its published cosign.pub', () => {
    const material = decryptCosignKey(fixture('policy-controller-example.key'), '');
    const published = readCosignPublicKey(fixture('policy-controller-example.pub'));
    assert.deepEqual(spki(material.key), spki(published));
  });

  it('an import finds that empty-password key without asking for a passphrase', async () => {
    const [candidate] = await keyCandidatesOfFile(join(FIXTURES, 'policy-controller-example.key'));
    const material = await new UnlockSession(noPassphrases).unlock(candidate!);
    assert.deepEqual(spki((material as { key: KeyObject }).key), spki(readCosignPublicKey(fixture('policy-controller-example.pub'))));
  });

  it('sigstore/cosign’s SIGSTORE-labelled test key opens with "hello" (asked for) and signs what its public half verifies', async () => {
    const asked: number[] = [];
    const provider: PassphraseProvider = { passphrase: async (request) => (asked.push(request.attempt), 'hello') };
    const [candidate] = await keyCandidatesOfFile(join(FIXTURES, 'cosign-keys-test-sigstore.key'));
    const material = await new UnlockSession(provider).unlock(candidate!);
    assert.deepEqual(asked, [1]);
    assert.equal(material.algorithm, 'ecdsa');
    const key = (material as { key: KeyObject }).key;
    const payload = Buffer.from('{"critical":{}}');
    const signature = sign('sha256', payload, { key, dsaEncoding: 'der' });
    assert.ok(verify('sha256', payload, { key: createPublicKey(key), dsaEncoding: 'der' }, signature));
    refusedWith('passphrase-wrong', () => decryptCosignKey(fixture('cosign-keys-test-sigstore.key'), 'wrong'));
  });

  it('refuses, as cosign does, the test key that holds a SEC1 key instead of PKCS#8', () => {
    refusedWith('pem-invalid', () => decryptCosignKey(fixture('cosign-keys-test-sec1-inside.key'), 'hello'));
  });

  it('what we write for a fixture’s key, cosign’s envelope reader opens to the same key', () => {
    const material = decryptCosignKey(fixture('cosign-keys-test-sigstore.key'), 'hello');
    const rewritten = encryptCosignKey(material.key.export({ type: 'pkcs8', format: 'der' }), PASSPHRASE);
    assert.deepEqual(spki(privateKeyByCosignSpec(rewritten, PASSPHRASE)), spki(material.key));
  });
});
