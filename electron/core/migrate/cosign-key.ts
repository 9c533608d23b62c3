// The key side of cosign signatures: ECDSA P-256 over SHA-256 of the payload, the signature in
// ASN.1 DER (what cosign and containers/image verify; the vault signs in notary's raw r||s form),
// and the public key as the "PUBLIC KEY" PEM (PKIX) that cosign.pub holds and policy engines read.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { concatBytes, sequence, unsignedInteger } from '../crypto/der';
import { encodePemBlock, firstPemBlock } from '../crypto/pem';
import type { TufPublicKey } from '../crypto/types';
import type { Signer } from '../keys/vault';

const P256_COORDINATE_BYTES = 32;
const PUBLIC_KEY_PEM_TYPE = 'PUBLIC KEY';

/** The only key cosign signatures are written with here: docker trust's and cosign's default, P-256. */
export function checkP256(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CountersignError('key-unsupported', `${what} is not an ECDSA P-256 key, which cosign signatures here are made and checked with`);
  }
  return key;
}

function keyObjectOfTuf(key: TufPublicKey, what: string): KeyObject {
  if (key.keytype !== 'ecdsa') throw new CountersignError('key-unsupported', `${what} is a ${key.keytype} key; cosign signing needs a bare ECDSA P-256 key`);
  return checkP256(createPublicKey({ key: Buffer.from(key.keyval.public, 'base64'), format: 'der', type: 'spki' }), what);
}

/** cosign.pub: the public half of a vault key as PKIX PEM. */
export function cosignPublicKeyPem(key: TufPublicKey, what = 'the key'): string {
  const der = keyObjectOfTuf(key, what).export({ type: 'spki', format: 'der' });
  return encodePemBlock({ type: PUBLIC_KEY_PEM_TYPE, headers: {}, bytes: Uint8Array.from(der) });
}

/** A cosign.pub (or any PKIX PEM public key) as a key to verify with. */
export function readCosignPublicKey(pem: string, what = 'the cosign public key'): KeyObject {
  const block = firstPemBlock(pem, PUBLIC_KEY_PEM_TYPE);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new CountersignError('pem-invalid', `${what} is not a PKIX public key`, { cause });
  }
  return checkP256(key, what);
}

/** notary's raw r||s ECDSA signature as the DER SEQUENCE { r INTEGER, s INTEGER } cosign carries. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length !== 2 * P256_COORDINATE_BYTES) throw new CountersignError('key-unsupported', `an ECDSA P-256 signature has ${2 * P256_COORDINATE_BYTES} bytes, not ${raw.length}`);
  return sequence(concatBytes(unsignedInteger(raw.subarray(0, P256_COORDINATE_BYTES)), unsignedInteger(raw.subarray(P256_COORDINATE_BYTES))));
}

/** Signs a payload as cosign does; returns the base64 DER signature for the layer annotation. */
export function cosignSign(signer: Signer, payload: Uint8Array): string {
  const signature = signer.sign(payload);
  if (signature.method !== 'ecdsa') throw new CountersignError('key-unsupported', `key ${signer.id} signs ${signature.method}; cosign signing needs ECDSA P-256`);
  return Buffer.from(ecdsaRawToDer(Buffer.from(signature.sig, 'base64'))).toString('base64');
}

/** Whether `signatureBase64` (DER, as in the annotation) is `key`'s signature of exactly these payload bytes. */
export function cosignVerify(key: KeyObject, payload: Uint8Array, signatureBase64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  try {
    return verify('sha256', payload, { key, dsaEncoding: 'der' }, Buffer.from(signatureBase64, 'base64'));
  } catch {
    // A malformed DER signature is a signature that does not verify, not a crash.
    return false;
  }
}

/** Whether a vault key can sign cosign signatures, before anything is planned with it. */
export function checkCosignSigningKey(key: TufPublicKey, what: string): void {
  keyObjectOfTuf(key, what);
}
