// Public keys as DER SubjectPublicKeyInfo the way Go's x509 reads them, which notary parses every
// key and root certificate with: the rules Go has that OpenSSL does not (spkiProblem), and a
// shortcut for the one shape nearly every notary key has, ECDSA P-256 with the named curve and an
// uncompressed point. An audit meets three or four new keys per repository, and
// OpenSSL 3's DER decoder costs about twice what building the same key from its coordinates does
// (111 vs 65 µs measured), while re-encoding a certificate's key to DER costs another ~115 µs.
// So a key in exactly this shape is recognised by its bytes and built from its coordinates; every
// other shape goes through OpenSSL's DER decoder as before.
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as der from './der';

/**
 * SEQUENCE { SEQUENCE { OID ecPublicKey, OID prime256v1 }, BIT STRING (0 unused bits) 0x04 ... }:
 * everything before the point's two 32-byte coordinates. DER has one encoding of this structure, so
 * these bytes are also exactly what OpenSSL and Go's MarshalPKIXPublicKey write for such a key.
 */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');
const COORDINATE_BYTES = 32;
export const P256_SPKI_LENGTH = SPKI_PREFIX.length + 2 * COORDINATE_BYTES;
/** An ECDSA P-256 signature as notary writes it: r and s side by side (IEEE P1363). */
export const P256_SIGNATURE_LENGTH = 2 * COORDINATE_BYTES;

/** True when `spki` is a P-256 key in the one canonical DER form above. */
export function isCanonicalP256Spki(spki: Uint8Array): boolean {
  return spki.length === P256_SPKI_LENGTH && Buffer.from(spki.buffer, spki.byteOffset, SPKI_PREFIX.length).equals(SPKI_PREFIX);
}

/**
 * The key object for a canonical P-256 SPKI (check with isCanonicalP256Spki first). OpenSSL still
 * checks that the point lies on the curve, and throws when it does not, as the DER decoder would.
 */
export function p256KeyObject(spki: Uint8Array): KeyObject {
  const point = Buffer.from(spki.buffer, spki.byteOffset + SPKI_PREFIX.length, 2 * COORDINATE_BYTES);
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(0, COORDINATE_BYTES).toString('base64url'),
      y: point.subarray(COORDINATE_BYTES).toString('base64url'),
    },
    format: 'jwk',
  });
}

const OID = { ecPublicKey: '1.2.840.10045.2.1', rsaEncryption: '1.2.840.113549.1.1.1' } as const;
const UNCOMPRESSED_POINT = 0x04;
const DER_NULL = Buffer.from([0x05, 0x00]);

/**
 * Why Go's x509 (ParsePKIXPublicKey, ParseCertificate) cannot parse this key although OpenSSL can,
 * or undefined. Such a key signs nothing for notary, so it must sign nothing here either:
 * - an EC point written compressed (0x02/0x03) or hybrid (0x06/0x07): Go reads only 0x04;
 * - an RSA key whose AlgorithmIdentifier parameters are not exactly NULL (RFC 3279 2.3.1).
 * Keys OpenSSL refuses outright are left to OpenSSL's own error.
 */
export function spkiProblem(spki: Uint8Array): string | undefined {
  if (isCanonicalP256Spki(spki)) return undefined;
  try {
    const [algorithm, key] = der.children(der.readDer(spki), der.TAG.sequence);
    const [id, parameters, ...more] = der.children(der.expectTagOf(algorithm, der.TAG.sequence));
    const oid = der.readOid(id);
    if (oid === OID.ecPublicKey) {
      const form = der.readBitStringBytes(key)[0] ?? 0;
      if (form === UNCOMPRESSED_POINT) return undefined;
      return `its elliptic-curve point is not written uncompressed (form 0x${form.toString(16).padStart(2, '0')}), which Go's x509 and so notary cannot parse`;
    }
    if (oid === OID.rsaEncryption && (parameters === undefined || more.length > 0 || !Buffer.from(parameters.encoded).equals(DER_NULL))) {
      return "its RSA algorithm parameters are not NULL, which Go's x509 and so notary cannot parse";
    }
    return undefined;
  } catch {
    return 'its public key is not well-formed DER';
  }
}
