// Ed25519 through @noble/ed25519, wired to a synchronous SHA-512 so that signing and verifying stay
// synchronous: the TUF verifier checks signatures in tight loops and must not await per signature.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SEED_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/**
 * RFC 8032 verification (zip215: false), the stricter rule set that Go's crypto/ed25519 — and so
 * notary — applies; ZIP-215 would accept signatures notary refuses.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
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
