// Key IDs exactly as notary computes them: hex SHA-256 of the canonical JSON of
// {"keytype": T, "keyval": {"private": null, "public": B64}}. For x509 keys there are two IDs:
// the one above (over the whole certificate, what root.json lists) and the canonical ID of the
// bare public key inside the certificate (what key files and `notary key list` use).
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../tuf/canonical';
import { BoundedCache } from './bounded-cache';
import { certificateInfo } from './certificate';
import type { TufPublicKey } from './types';

export function keyId(key: TufPublicKey): string {
  const canonical = canonicalBytes({ keytype: key.keytype, keyval: { private: null, public: key.keyval.public } });
  return createHash('sha256').update(canonical).digest('hex');
}

export function isX509KeyType(keytype: TufPublicKey['keytype']): keytype is 'ecdsa-x509' | 'rsa-x509' {
  return keytype === 'ecdsa-x509' || keytype === 'rsa-x509';
}

/** The PEM certificate text held by an x509 key. */
export function certificatePemOf(key: TufPublicKey): string {
  return Buffer.from(key.keyval.public, 'base64').toString('utf8');
}

/**
 * For an x509 key, the bare key inside its certificate (keytype chosen from the x509 keytype, as
 * notary does); any other key is returned unchanged.
 */
export function bareKeyOf(key: TufPublicKey): TufPublicKey {
  if (!isX509KeyType(key.keytype)) return key;
  const spki = certificateInfo(certificatePemOf(key)).publicKeySpkiDer;
  return {
    keytype: key.keytype === 'ecdsa-x509' ? 'ecdsa' : 'rsa',
    keyval: { public: Buffer.from(spki).toString('base64'), private: null },
  };
}

const canonicalIds = new BoundedCache<string>(4096);

/** The ID notary key files and `notary key list` use; for non-x509 keys simply their keyId. */
export function canonicalKeyIdOf(key: TufPublicKey): string {
  if (!isX509KeyType(key.keytype)) return keyId(key);
  return canonicalIds.getOrCreate(`${key.keytype}\n${key.keyval.public}`, () => keyId(bareKeyOf(key)));
}
