// Ed25519: verified by node:crypto (OpenSSL), signed through @noble/ed25519 wired to a synchronous
// SHA-512, so that both stay synchronous: the TUF verifier checks signatures in tight loops and must
// not await per signature.
//
// Verification follows Go's crypto/ed25519, notary's verifier, on every edge case (proven by
// test/unit/crypto/ed25519-edge-cases.test.ts): S must be below the group order, R is compared as
// the canonical encoding of [S]B - [k]A (cofactorless, so a low-order residue or a non-canonical R
// fails), and A is decoded leniently. On top of Go, a small-order public key is refused: it signs
// for anyone, and no key generator makes one. So nothing verifies here that notary refuses.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SEED_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** The node key object for raw public key bytes; throws when node refuses them. */
export function ed25519KeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
}

export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  let key: KeyObject;
  try {
    key = ed25519KeyObject(publicKey);
  } catch {
    return false;
  }
  return ed25519VerifyWithKey(key, publicKey, message, signature);
}

/** `key` is ed25519KeyObject(publicKey), made once per key by the caller. */
export function ed25519VerifyWithKey(key: KeyObject, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  if (isSmallOrderEncoding(publicKey)) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    // A public key that is not a curve point cannot have signed anything.
    return false;
  }
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function ed25519GenerateSeed(): Uint8Array {
  return ed.utils.randomSecretKey();
}

/**
 * Every 32-byte string that decodes to a point of order 1, 2, 4 or 8: the y coordinates of those
 * points (0, 1, p - 1, and the two of the order-8 points), as y or, where it fits in 255 bits,
 * y + p, each with either sign bit.
 */
const SMALL_ORDER_ENCODINGS: ReadonlySet<string> = (() => {
  const p = 2n ** 255n - 19n;
  const order8Y = 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;
  const encodings = new Set<string>();
  for (const y of [0n, 1n, p - 1n, order8Y, p - order8Y]) {
    for (const value of [y, y + p]) {
      if (value >= 2n ** 255n) continue;
      for (const sign of [0n, 1n]) encodings.add((value | (sign << 255n)).toString(16).padStart(64, '0'));
    }
  }
  return encodings;
})();

function isSmallOrderEncoding(publicKey: Uint8Array): boolean {
  // The set holds big-endian hex; the encoding is little-endian.
  return SMALL_ORDER_ENCODINGS.has(Buffer.from(publicKey).reverse().toString('hex'));
}
