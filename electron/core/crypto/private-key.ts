// Private keys in the main process: generation, the public half in TUF form, and signing exactly as
// notary signs (ecdsa: SHA-256 with raw r||s; eddsa: ed25519 over the bytes; rsa: PSS, SHA-256,
// salt length = hash length).
import { constants, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { ed25519GenerateSeed, ed25519PublicKey, ed25519Sign } from './ed25519';
import type { KeyAlgorithm, PrivateKeyMaterial, Signature, TufPublicKey } from './types';

/** Curves notary can sign and verify with (it hashes with SHA-256 whatever the curve). */
const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);
/** notary refuses RSA keys shorter than this, for signing and verifying alike. */
export const MIN_RSA_BITS = 2048;
/**
 * RSA public exponents: no generator makes one outside these, Go's crypto/rsa refuses those under 2
 * and over 2^31-1, and an exponent of 1 makes every signature forgeable (s = the padded digest), which
 * OpenSSL still verifies. Even ones are no RSA key at all. Stricter than Go 1.19, like the refusal of
 * small-order ed25519 keys: a key that signs for anyone is refused wherever it appears.
 */
const MIN_RSA_EXPONENT = 3n;
const MAX_RSA_EXPONENT = 2n ** 31n - 1n;

export function generatePrivateKey(algorithm: KeyAlgorithm = 'ecdsa'): PrivateKeyMaterial {
  switch (algorithm) {
    case 'ecdsa':
      return { algorithm: 'ecdsa', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
    case 'ed25519': {
      const seed = ed25519GenerateSeed();
      return { algorithm: 'ed25519', seed, publicKey: ed25519PublicKey(seed) };
    }
  }
}

/**
 * Wraps a node private KeyObject (ec or rsa) after checking that notary could use it:
 * `key-unsupported` for other curves, other key types and short RSA keys.
 */
export function privateKeyFromKeyObject(key: KeyObject): PrivateKeyMaterial {
  if (key.type !== 'private') throw new CountersignError('key-unsupported', 'expected a private key');
  checkNotaryCanUse(key);
  return key.asymmetricKeyType === 'ec' ? { algorithm: 'ecdsa', key } : { algorithm: 'rsa', key };
}

/** Shared by private and public keys: notary only handles these curves and RSA sizes. */
export function checkNotaryCanUse(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (!SUPPORTED_CURVES.has(details.namedCurve ?? '')) {
      throw new CountersignError('key-unsupported', `elliptic curve ${details.namedCurve ?? 'unknown'} is not supported (use P-256)`);
    }
    return;
  }
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw new CountersignError('key-unsupported', `RSA keys shorter than ${MIN_RSA_BITS} bits are not accepted by notary`);
    }
    const exponent = details.publicExponent ?? 0n;
    if (exponent < MIN_RSA_EXPONENT || exponent > MAX_RSA_EXPONENT || exponent % 2n === 0n) {
      throw new CountersignError('key-unsupported', `the RSA public exponent ${exponent} is refused: only odd ones from 3 to 2^31-1 (65537 in practice); with 1, anyone can make a signature OpenSSL verifies`);
    }
    return;
  }
  throw new CountersignError('key-unsupported', `key type ${key.asymmetricKeyType ?? 'unknown'} is not supported`);
}

/** The bare public key (never an x509 one) in TUF form; its keyId is the key's canonical ID. */
export function publicKeyOf(material: PrivateKeyMaterial): TufPublicKey {
  switch (material.algorithm) {
    case 'ecdsa':
    case 'rsa':
      return {
        keytype: material.algorithm,
        keyval: { public: spkiDer(material.key).toString('base64'), private: null },
      };
    case 'ed25519':
      return { keytype: 'ed25519', keyval: { public: Buffer.from(material.publicKey).toString('base64'), private: null } };
  }
}

export function spkiDer(key: KeyObject): Buffer {
  // createPublicKey of a private KeyObject yields its public half.
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'der' });
}

/** Signs `data` the way notary does for this kind of key. */
export function signWith(material: PrivateKeyMaterial, data: Uint8Array): Signature {
  switch (material.algorithm) {
    case 'ecdsa':
      return { method: 'ecdsa', sig: sign('sha256', data, { key: material.key, dsaEncoding: 'ieee-p1363' }).toString('base64') };
    case 'rsa':
      return {
        method: 'rsapss',
        sig: sign('sha256', data, {
          key: material.key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }).toString('base64'),
      };
    case 'ed25519':
      return { method: 'eddsa', sig: Buffer.from(ed25519Sign(material.seed, data)).toString('base64') };
  }
}
