// Keys and certificates written in forms OpenSSL reads and Go's x509 (so notary) does not, for the
// tests of those rules: the same key or certificate, another encoding.
import { ECDH } from 'node:crypto';
import * as der from '../../electron/core/crypto/der';
import { encodePemBlock, firstPemBlock } from '../../electron/core/crypto/pem';

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

export interface CertificateEdit {
  /** The signed part's fields (version, serial, algorithm, issuer, validity, subject, key, extensions), encoded. */
  fields?: (fields: Uint8Array[]) => Uint8Array[];
  /** The algorithm identifier outside the signed part. */
  outerAlgorithm?: (algorithm: Uint8Array) => Uint8Array;
}

/**
 * The certificate re-encoded with its parts edited; its signature is kept, so it no longer matches,
 * which neither OpenSSL's parser nor notary checks for a root certificate (only the TUF signatures
 * made with its key count).
 */
export function editedCertificatePem(pem: string, edit: CertificateEdit): string {
  const [tbs, algorithm, signature] = der.children(der.readDer(firstPemBlock(pem, 'CERTIFICATE').bytes));
  const fields = der.children(tbs!).map((field) => field.encoded);
  const outer = algorithm!.encoded;
  const bytes = der.sequence(der.sequence(...(edit.fields?.(fields) ?? fields)), edit.outerAlgorithm?.(outer) ?? outer, signature!.encoded);
  return encodePemBlock({ type: 'CERTIFICATE', headers: {}, bytes });
}

/** ecdsa-with-SHA384 in place of the certificate's own algorithm outside the signed part. */
export function otherOuterAlgorithm(): Uint8Array {
  return der.sequence(der.oid('1.2.840.10045.4.3.3'));
}

/** The extensions field ([3]) with its list of extensions (each encoded) as `edit` returns it. */
function editExtensions(fields: Uint8Array[], edit: (extensions: Uint8Array[]) => Uint8Array[]): Uint8Array[] {
  return fields.map((field) => {
    const node = der.readDer(field);
    if (node.tag !== der.contextTag(3)) return field;
    const list = der.children(der.children(node)[0]!).map((extension) => extension.encoded);
    return der.explicit(3, der.sequence(...edit(list)));
  });
}

/** The extensions field ([3]) with its first extension listed twice. */
export function withFirstExtensionTwice(fields: Uint8Array[]): Uint8Array[] {
  return editExtensions(fields, (list) => [list[0]!, ...list]);
}

/** The extension `oid` rebuilt from its parts ([id, critical?, value], each encoded) as `edit` returns them. */
export function withExtension(oid: string, edit: (parts: Uint8Array[]) => Uint8Array[]): (fields: Uint8Array[]) => Uint8Array[] {
  return (fields) =>
    editExtensions(fields, (list) =>
      list.map((extension) => {
        const parts = der.children(der.readDer(extension));
        return der.readOid(parts[0]) === oid ? der.sequence(...edit(parts.map((part) => part.encoded))) : extension;
      }),
    );
}

/** The extensions with one more at their end: `oid`, critical or not, holding `value` (its DER). */
export function withAddedExtension(oid: string, value: Uint8Array, critical = false): (fields: Uint8Array[]) => Uint8Array[] {
  return (fields) => editExtensions(fields, (list) => [...list, der.sequence(der.oid(oid), ...(critical ? [der.derBoolean(true)] : []), der.octetString(value))]);
}

const SUBJECT_ALT_NAME = '2.5.29.17';
const NAME_CONSTRAINTS = '2.5.29.30';
const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const CERTIFICATE_POLICIES = '2.5.29.32';
const AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const OCSP = '1.3.6.1.5.5.7.48.1';

/** A subjectAltName of these names: [tag, bytes] (0x82 dNSName, 0x87 iPAddress, ...). */
function altNames(...names: [number, Uint8Array][]): Uint8Array {
  return der.sequence(...names.map(([tag, bytes]) => der.tlv(tag, bytes)));
}

/** A well-formed subjectAltName (a DNS name and an IPv4 address): the control both parsers read. */
export const withPlainAltName = withAddedExtension(SUBJECT_ALT_NAME, altNames([0x82, Buffer.from('notary.example.com')], [0x87, Uint8Array.of(10, 0, 0, 1)]));
/** A subjectAltName whose dNSName holds a byte past ASCII (Go: "SAN dNSName is malformed"). */
export const altNameNotAscii = withAddedExtension(SUBJECT_ALT_NAME, altNames([0x82, Buffer.from('notary.exämple.com', 'latin1')]));
/** A subjectAltName whose iPAddress is 5 bytes (Go: "cannot parse IP address of length 5"). */
export const altNameIpOfFiveBytes = withAddedExtension(SUBJECT_ALT_NAME, altNames([0x87, Uint8Array.of(10, 0, 0, 1, 2)]));
/** nameConstraints with neither permitted nor excluded subtrees (Go: "empty name constraints extension"). */
export const emptyNameConstraints = withAddedExtension(NAME_CONSTRAINTS, der.sequence());
/** nameConstraints permitting an IP range whose mask is not ones then zeros. */
export const nameConstraintsBadMask = withAddedExtension(NAME_CONSTRAINTS, der.sequence(der.tlv(0xa0, der.sequence(der.tlv(0x87, Uint8Array.of(10, 0, 0, 0, 0xff, 0x00, 0xff, 0x00))))));
/** CRL distribution points holding an INTEGER where the list of points belongs. */
export const crlPointsNotASequence = withAddedExtension(CRL_DISTRIBUTION_POINTS, der.smallInteger(1));
/** certificatePolicies listing one policy twice (Go: "invalid certificate policies"). */
export const policyListedTwice = withAddedExtension(CERTIFICATE_POLICIES, der.sequence(der.sequence(der.oid('2.5.29.32.0')), der.sequence(der.oid('2.5.29.32.0'))));
/** authorityInfoAccess marked critical (Go: "authority info access incorrectly marked critical"). */
export const criticalAuthorityInfoAccess = withAddedExtension(AUTHORITY_INFO_ACCESS, der.sequence(der.sequence(der.oid(OCSP), der.tlv(0x86, Buffer.from('http://ocsp.example.com')))), true);
/** A subjectKeyIdentifier marked critical (Go: "subject key identifier incorrectly marked critical"). */
export const criticalSubjectKeyIdentifier = withAddedExtension(SUBJECT_KEY_IDENTIFIER, der.octetString(Uint8Array.of(1, 2, 3, 4)), true);

const KEY_USAGE = '2.5.29.15';
const EXTENDED_KEY_USAGE = '2.5.29.37';

/** keyUsage holding an OCTET STRING where a BIT STRING belongs. */
export const keyUsageNotBits = withExtension(KEY_USAGE, ([id, ...rest]) => [id!, ...rest.slice(0, -1), der.octetString(der.octetString(Uint8Array.of(0x05)))]);
/** The critical flag of keyUsage written 0x01: BER's true, not DER's 0xff. */
export const criticalFlagNotDer = withExtension(KEY_USAGE, ([id, , value]) => [id!, der.tlv(der.TAG.boolean, Uint8Array.of(0x01)), value!]);
/** extKeyUsage listing an INTEGER where object identifiers belong. */
export const extendedKeyUsageNotOids = withExtension(EXTENDED_KEY_USAGE, ([id]) => [id!, der.octetString(der.sequence(der.smallInteger(1)))]);

/** The version field saying 4 (it holds the version minus one). */
export function withVersionFour(fields: Uint8Array[]): Uint8Array[] {
  return [der.explicit(0, der.smallInteger(3)), ...fields.slice(1)];
}

/** The validity field ([4] after the version) replaced by two UTCTimes written as given, e.g. a 13th month. */
export function withValidity(notBefore: string, notAfter: string): (fields: Uint8Array[]) => Uint8Array[] {
  const utcTime = (text: string) => der.tlv(der.TAG.utcTime, new TextEncoder().encode(text));
  return (fields) => fields.map((field, i) => (i === 4 ? der.sequence(utcTime(notBefore), utcTime(notAfter)) : field));
}

/** The field at `index` with its length in a longer form than DER's (0x81 n for n < 128): BER, not DER. */
export function withLongFormLength(index: number): (fields: Uint8Array[]) => Uint8Array[] {
  return (fields) =>
    fields.map((field, i) => {
      if (i !== index) return field;
      if (field[1]! >= 0x80) throw new Error('the field already has a long-form length');
      return Uint8Array.from([field[0]!, 0x81, ...field.subarray(1)]);
    });
}
