// Turns TUF public keys into something node or noble can verify with, once per distinct key.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { BoundedCache } from './bounded-cache';
import { ED25519_PUBLIC_KEY_LENGTH, ed25519KeyObject } from './ed25519';
import { bareKeyOf, isX509KeyType } from './key-id';
import { isCanonicalP256Spki, P256_SIGNATURE_LENGTH, p256KeyObject, spkiProblem } from './spki';
import { checkNotaryCanUse } from './private-key';
import type { TufPublicKey } from './types';

/** A parsed public key, tagged by how its signatures are checked. */
export type VerifyingKey =
  | { kind: 'ecdsa'; key: KeyObject; signatureLength: number }
  | { kind: 'rsa'; key: KeyObject; modulusBytes: number }
  | { kind: 'ed25519'; raw: Uint8Array; key: KeyObject };

/** Either the parsed key or why it could not be parsed: failures are remembered too. */
const parsed = new BoundedCache<VerifyingKey | CountersignError>(8192);

/** The node KeyObject for a TUF key (for x509 keys: the certificate's key). Throws `key-unsupported`. */
export function publicKeyFromTuf(key: TufPublicKey): KeyObject {
  return verifyingKeyFor(key).key;
}

export function verifyingKeyFor(key: TufPublicKey): VerifyingKey {
  const result = parsed.getOrCreate(`${key.keytype}\n${key.keyval.public}`, () => {
    try {
      // A certificate's key is parsed once per key, not per certificate: notary signs every
      // repository's root certificate with the same root key, one certificate per repository.
      if (isX509KeyType(key.keytype)) return verifyingKeyFor(bareKeyOf(key));
      return parseVerifyingKey(key);
    } catch (cause) {
      return cause instanceof CountersignError && cause.code === 'key-unsupported'
        ? cause
        : new CountersignError('key-unsupported', `the ${key.keytype} public key cannot be parsed`, { cause });
    }
  });
  if (result instanceof CountersignError) throw result;
  return result;
}

function parseVerifyingKey(key: TufPublicKey): VerifyingKey {
  if (key.keytype === 'ed25519') {
    const raw = Uint8Array.from(Buffer.from(key.keyval.public, 'base64'));
    if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) {
      throw new CountersignError('key-unsupported', `an ed25519 public key has ${ED25519_PUBLIC_KEY_LENGTH} bytes, not ${raw.length}`);
    }
    return { kind: 'ed25519', raw, key: ed25519KeyObject(raw) };
  }
  const bare = bareKeyOf(key);
  const der = Buffer.from(bare.keyval.public, 'base64');
  // P-256 is a curve notary can use, so the checks below hold for it by construction.
  if (bare.keytype === 'ecdsa' && isCanonicalP256Spki(der)) return { kind: 'ecdsa', key: p256KeyObject(der), signatureLength: P256_SIGNATURE_LENGTH };
  const keyObject = createPublicKey({ key: der, format: 'der', type: 'spki' });
  const expected = bare.keytype === 'ecdsa' ? 'ec' : 'rsa';
  if (keyObject.asymmetricKeyType !== expected) {
    throw new CountersignError('key-unsupported', `a ${key.keytype} key holds a ${keyObject.asymmetricKeyType ?? 'unknown'} public key`);
  }
  checkNotaryCanUse(keyObject);
  const problem = spkiProblem(der);
  if (problem !== undefined) throw new CountersignError('key-unsupported', `the ${key.keytype} key is unusable: ${problem}`);
  const details = keyObject.asymmetricKeyDetails ?? {};
  if (expected === 'ec') {
    const coordinateBytes = { prime256v1: 32, secp384r1: 48, secp521r1: 66 }[details.namedCurve as 'prime256v1'] ?? 0;
    return { kind: 'ecdsa', key: keyObject, signatureLength: 2 * coordinateBytes };
  }
  return { kind: 'rsa', key: keyObject, modulusBytes: Math.ceil((details.modulusLength ?? 0) / 8) };
}

/** The DER SubjectPublicKeyInfo of a TUF key (for x509 keys: of the certificate's key), for .pub files. */
export function spkiOf(key: TufPublicKey): Uint8Array {
  return Uint8Array.from(publicKeyFromTuf(key).export({ type: 'spki', format: 'der' }));
}
