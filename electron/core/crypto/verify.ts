// Signature verification with notary's rules (tuf/signed/verifiers.go): which methods go with which
// key types, SHA-256 everywhere, ECDSA as raw r||s of exactly twice the coordinate size, RSA-PSS with
// a salt as long as the hash, RSA keys of at least 2048 bits. Synchronous, and it never throws for
// a signature that is merely wrong: a bad signature, a malformed key or undecodable base64 is false.
import { constants, verify } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { ed25519VerifyWithKey } from './ed25519';
import { verifyingKeyFor, type VerifyingKey } from './public-key';
import type { KeyType, SignatureMethod, TufPublicKey } from './types';

const KEY_TYPES_BY_METHOD: Record<SignatureMethod, readonly KeyType[]> = {
  ecdsa: ['ecdsa', 'ecdsa-x509'],
  eddsa: ['ed25519'],
  rsapss: ['rsa', 'rsa-x509'],
  rsapkcs1v15: ['rsa', 'rsa-x509'],
};

export function isSignatureMethod(method: string): method is SignatureMethod {
  return Object.hasOwn(KEY_TYPES_BY_METHOD, method);
}

/** Throws `key-unsupported` when notary would not verify this method with this key type at all. */
export function verifySignature(key: TufPublicKey, method: string, data: Uint8Array, sigBase64: string): boolean {
  if (!isSignatureMethod(method) || !KEY_TYPES_BY_METHOD[method].includes(key.keytype)) {
    throw new CountersignError('key-unsupported', `signature method "${method}" is not supported for ${key.keytype} keys`);
  }
  const signature = decodeBase64Strictly(sigBase64);
  if (signature === undefined) return false;
  let verifying: VerifyingKey;
  try {
    verifying = verifyingKeyFor(key);
  } catch {
    // A key we cannot parse counts as no valid signature, as it does in notary.
    return false;
  }
  return checkSignature(verifying, method, data, signature);
}

function checkSignature(key: VerifyingKey, method: SignatureMethod, data: Uint8Array, signature: Uint8Array): boolean {
  switch (key.kind) {
    case 'ed25519':
      return ed25519VerifyWithKey(key.key, key.raw, data, signature);
    case 'ecdsa':
      if (signature.length !== key.signatureLength) return false;
      return safely(() => verify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature));
    case 'rsa':
      if (signature.length !== key.modulusBytes) return false;
      return safely(() =>
        verify(
          'sha256',
          data,
          method === 'rsapss'
            ? { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
            : { key: key.key, padding: constants.RSA_PKCS1_PADDING },
          signature,
        ),
      );
  }
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/** Go decodes []byte fields with strict standard base64; node's decoder would accept garbage. */
function decodeBase64Strictly(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}
