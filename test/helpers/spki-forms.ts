// Public keys written in forms OpenSSL reads and Go's x509 (so notary) does not, for the tests of
// that rule: the same key, another encoding.
import { ECDH } from 'node:crypto';
import * as der from '../../electron/core/crypto/der';

const P256_COMPRESSED_PREFIX = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

/** A canonical P-256 SPKI (91 bytes) with its point compressed (0x02/0x03 and x). */
export function compressedP256Spki(spki: Uint8Array): Buffer {
  const point = Buffer.from(spki.subarray(spki.length - 65));
  return Buffer.concat([P256_COMPRESSED_PREFIX, ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'compressed') as Buffer]);
}

/** The same P-256 key written hybrid (0x06/0x07 and both coordinates). */
export function hybridP256Spki(spki: Uint8Array): Buffer {
  const out = Buffer.from(spki);
  out[out.length - 65] = 6 + (out.at(-1)! & 1);
  return out;
}

/** An RSA SPKI whose AlgorithmIdentifier holds only the OID, without the NULL parameters. */
export function rsaSpkiWithoutParameters(spki: Uint8Array): Buffer {
  const [algorithm, key] = der.children(der.readDer(spki));
  const [oid] = der.children(algorithm!);
  return Buffer.from(der.sequence(der.sequence(oid!.encoded), key!.encoded));
}
