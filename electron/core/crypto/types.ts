import type { KeyObject } from 'node:crypto';
import type { KeyType } from '../../../shared/domain';

export type { KeyType };

/**
 * A public key as it appears in root.json / targets.json. `public` is base64: the DER
 * SubjectPublicKeyInfo for ecdsa and rsa, the raw 32 bytes for ed25519, and the whole PEM
 * certificate text for the x509 types. `private` is null (or absent) in metadata.
 */
export interface TufPublicKey {
  keytype: KeyType;
  keyval: { public: string; private?: string | null };
}

/** Signature methods notary knows (tuf/data: ecdsa, eddsa, rsapss, rsapkcs1v15). */
export type SignatureMethod = 'ecdsa' | 'eddsa' | 'rsapss' | 'rsapkcs1v15';

/** Algorithms Countersign creates keys for; ECDSA P-256 is the default because docker and notary refuse ed25519 delegation keys. */
export type KeyAlgorithm = 'ecdsa' | 'ed25519';

/**
 * A private key inside the main process. ecdsa and rsa keys are node KeyObjects; ed25519 keys are
 * the RFC 8032 32-byte seed (signing goes through @noble/ed25519).
 */
export type PrivateKeyMaterial =
  | { algorithm: 'ecdsa'; key: KeyObject }
  | { algorithm: 'rsa'; key: KeyObject }
  | { algorithm: 'ed25519'; seed: Uint8Array; publicKey: Uint8Array };

export interface Signature {
  method: SignatureMethod;
  /** base64 */
  sig: string;
}
