// x509 certificates for root keys. Reading uses node's X509Certificate for the key and our DER
// reader for the subject, validity and CA flag (exact values as Go reads them, no string re-parsing). Writing
// builds the self-signed certificate notary makes at `notary init` (cryptoservice/certificate.go):
// CN = GUN as subject and issuer, random 128-bit serial, validity now .. now + 10 × 365 days,
// keyUsage digitalSignature+keyEncipherment (critical), extKeyUsage codeSigning, basicConstraints
// CA:FALSE (critical), signed with SHA-256 — node cannot create certificates, so we encode it.
import { X509Certificate, randomBytes, sign as nodeSign, type KeyObject } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { BoundedCache } from './bounded-cache';
import * as der from './der';
import { isCanonicalP256Spki, spkiProblem } from './spki';
import { encodePemBlock, firstPemBlock } from './pem';
import { spkiDer } from './private-key';
import type { PrivateKeyMaterial, TufPublicKey } from './types';

export interface CertificateInfo {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** The certificate's public key as DER SubjectPublicKeyInfo (what a bare ecdsa/rsa TUF key holds). */
  publicKeySpkiDer: Uint8Array;
  publicKey: KeyObject;
  /** Dotted OID of the algorithm the issuer signed with (notary refuses SHA-1 based ones). */
  signatureAlgorithmOid: string;
  /** SHA-256 of the DER, colon-separated hex pairs, as node's X509Certificate gives it: for people to compare. */
  fingerprint256: string;
  /** The subject as OpenSSL prints it, one attribute a line: for people to read, never for a check. */
  subject: string;
}

const OID = {
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** Signature algorithm OIDs that use SHA-1, which notary refuses in root certificates. */
export const SHA1_SIGNATURE_OIDS: ReadonlySet<string> = new Set([
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10040.4.3', // dsa-with-sha1
]);

/** notary: "the generated certificate expires in 10 years", where its year is 365 days. */
export const ROOT_CERTIFICATE_VALIDITY_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;

// One refresh asks about the same root certificate several times (usable key? unexpired? its ID?),
// and an audit refreshes hundreds of repositories: parsing each once halves the audit's CPU time.
// Bounded, since certificates come from servers. Failures are not remembered.
const parsedCertificates = new BoundedCache<CertificateInfo>(4096);

/** Reads the first CERTIFICATE block of `pemCert` (as notary does); `pem-invalid` if it cannot be parsed. */
export function certificateInfo(pemCert: string): CertificateInfo {
  return parsedCertificates.getOrCreate(pemCert, () => parseCertificate(pemCert));
}

function parseCertificate(pemCert: string): CertificateInfo {
  const block = firstPemBlock(pemCert, 'CERTIFICATE');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(block.bytes));
  } catch (cause) {
    throw new CountersignError('pem-invalid', 'the certificate cannot be parsed', { cause });
  }
  try {
    const [tbs, signatureAlgorithm] = der.children(der.readDer(block.bytes), der.TAG.sequence);
    const fields = der.children(der.expectTagOf(tbs, der.TAG.sequence));
    // The version field is optional ([0] EXPLICIT); everything after it has a fixed position.
    const rest = fields[0]?.tag === der.contextTag(0) ? fields.slice(1) : fields;
    const [, innerAlgorithm, , validity, subject, subjectPublicKeyInfo] = rest;
    const [notBefore, notAfter] = der.children(der.expectTagOf(validity, der.TAG.sequence));
    const spki = der.expectTagOf(subjectPublicKeyInfo, der.TAG.sequence).encoded;
    const extensions = rest.find((field) => field.tag === der.contextTag(3));
    // Go's x509.ParseCertificate fails on these, so to notary this is no certificate at all.
    const problem =
      versionProblem(fields[0]) ??
      algorithmMismatch(innerAlgorithm, signatureAlgorithm) ??
      extensionsProblem(extensions) ??
      spkiProblem(spki);
    if (problem !== undefined) throw new CountersignError('pem-invalid', `the certificate cannot be parsed: ${problem}`);
    return {
      commonName: commonNameOf(der.expectTagOf(subject, der.TAG.sequence)),
      notBefore: der.readTime(notBefore),
      notAfter: der.readTime(notAfter),
      isCA: basicConstraintsCa(extensions),
      publicKeySpkiDer: spkiOfCertificate(spki, certificate),
      publicKey: certificate.publicKey,
      signatureAlgorithmOid: der.readOid(der.children(der.expectTagOf(signatureAlgorithm, der.TAG.sequence))[0]),
      fingerprint256: certificate.fingerprint256,
      subject: certificate.subject,
    };
  } catch (cause) {
    if (cause instanceof CountersignError) throw cause;
    throw new CountersignError('pem-invalid', 'the certificate has a malformed structure', { cause });
  }
}

/** Go compares the algorithm inside the signed part with the one outside, byte for byte. */
function algorithmMismatch(inner: der.DerNode | undefined, outer: der.DerNode | undefined): string | undefined {
  const same = Buffer.from(der.expectTagOf(inner, der.TAG.sequence).encoded).equals(der.expectTagOf(outer, der.TAG.sequence).encoded);
  return same ? undefined : 'its signature algorithm differs from the one its signed part names';
}

/** Go reads versions 1 to 3 only (the field holds 0 to 2; absent means 1). */
function versionProblem(first: der.DerNode | undefined): string | undefined {
  if (first?.tag !== der.contextTag(0)) return undefined;
  const [version, ...more] = der.children(first);
  const value = more.length === 0 ? der.readSmallInteger(version) : -1;
  return value >= 0 && value <= 2 ? undefined : 'its version is not 1, 2 or 3';
}

/**
 * What Go's parser refuses in a certificate's extensions: one extension listed twice (which one
 * counts would be the parser's choice), a critical flag that is not a DER boolean, a key identifier or
 * authority information marked critical, and a value of keyUsage, extKeyUsage, basicConstraints, a key
 * identifier, subjectAltName, nameConstraints, CRL distribution points, certificate policies or
 * authority information access that is not of its type.
 * OpenSSL reads these values only when asked, so node's X509Certificate accepts all of them.
 */
function extensionsProblem(extensions: der.DerNode | undefined): string | undefined {
  if (extensions === undefined) return undefined;
  const seen = new Set<string>();
  for (const extension of der.children(der.expectTagOf(der.children(extensions)[0], der.TAG.sequence))) {
    const [idNode, ...rest] = der.children(extension, der.TAG.sequence);
    const id = der.readOid(idNode);
    if (seen.has(id)) return `it lists the extension ${id} twice`;
    seen.add(id);
    const critical = rest.length === 2 && der.readBoolean(rest[0]);
    if (critical && NEVER_CRITICAL.has(id)) return `it marks the extension ${id} critical, which Go refuses`;
    const value = EXTENSION_VALUES[id];
    if (value === undefined) continue;
    try {
      value(der.readDer(der.readOctetString(rest.at(-1))));
    } catch {
      return `its extension ${id} does not hold what that extension holds`;
    }
  }
  return undefined;
}

/** Each extension's value as Go reads it (parser.go processExtensions); a read that throws is a refusal. */
const EXTENSION_VALUES: Record<string, (value: der.DerNode) => void> = {
  [OID.keyUsage]: (value) => der.readBitString(value),
  [OID.extKeyUsage]: (value) => der.children(value, der.TAG.sequence).forEach((usage) => der.readOid(usage)),
  [OID.basicConstraints]: (value) => {
    const [first, second, ...more] = der.children(value, der.TAG.sequence);
    if (first?.tag === der.TAG.boolean) der.readBoolean(first);
    const pathLength = first?.tag === der.TAG.boolean ? second : first;
    if (pathLength !== undefined) der.readSmallInteger(pathLength);
    if (more.length > 0 || (first?.tag !== der.TAG.boolean && second !== undefined)) throw new der.DerError('trailing fields');
  },
  [OID.subjectKeyIdentifier]: (value) => der.readOctetString(value),
  [OID.authorityKeyIdentifier]: (value) => der.children(value, der.TAG.sequence),
  [OID.subjectAltName]: (value) => der.children(value, der.TAG.sequence).forEach(checkGeneralName),
  [OID.nameConstraints]: (value) => checkNameConstraints(value),
  [OID.crlDistributionPoints]: (value) => {
    for (const point of der.children(value, der.TAG.sequence)) {
      const [name] = der.children(point, der.TAG.sequence);
      if (name?.tag !== der.contextTag(0)) continue;
      // distributionPoint [0] holds fullName [0] first; its leading URIs [6] are what Go reads.
      der.expectTagOf(der.children(name)[0], der.contextTag(0));
    }
  },
  [OID.certificatePolicies]: (value) => {
    const seen = new Set<string>();
    for (const policy of der.children(value, der.TAG.sequence)) {
      const id = der.readOid(der.children(policy, der.TAG.sequence)[0]);
      if (seen.has(id)) throw new der.DerError('a policy listed twice');
      seen.add(id);
    }
  },
  [OID.authorityInfoAccess]: (value) => der.children(value, der.TAG.sequence).forEach((access) => der.readOid(der.children(access, der.TAG.sequence)[0])),
};

/** Extensions RFC 5280 says must never be critical, and Go's parser refuses when they are. */
const NEVER_CRITICAL: ReadonlySet<string> = new Set([OID.subjectKeyIdentifier, OID.authorityKeyIdentifier, OID.authorityInfoAccess]);

// GeneralName tags Go checks (context-specific, primitive): rfc822Name, dNSName, URI, iPAddress.
const NAME_TAG = { email: 0x81, dns: 0x82, uri: 0x86, ip: 0x87 } as const;

/** An IA5String: Go refuses any byte past ASCII in the names it reads. */
function checkAscii(bytes: Uint8Array): void {
  if (bytes.some((byte) => byte > 0x7f)) throw new der.DerError('a name that is not ASCII');
}

/** One subjectAltName entry as Go's parseSANExtension reads it (the others it skips). */
function checkGeneralName(name: der.DerNode): void {
  if (name.tag === NAME_TAG.email || name.tag === NAME_TAG.dns || name.tag === NAME_TAG.uri) checkAscii(name.content);
  if (name.tag === NAME_TAG.ip && name.content.length !== 4 && name.content.length !== 16) throw new der.DerError('an IP address of another length');
}

/**
 * nameConstraints as Go's parseNameConstraintsExtension reads its structure: permitted [0] and/or
 * excluded [1], neither empty, each subtree a SEQUENCE whose names are ASCII and whose IP ranges are an
 * address and a mask of ones then zeros. (Go's checks of each domain's and mailbox's syntax are not
 * mirrored: a certificate that passes here may still be one Go refuses, never the other way round.)
 */
function checkNameConstraints(value: der.DerNode): void {
  const trees = der.children(value, der.TAG.sequence);
  const [first, second, ...more] = trees;
  const wellOrdered = first !== undefined && more.length === 0 && (second === undefined ? first.tag === der.contextTag(0) || first.tag === der.contextTag(1) : first.tag === der.contextTag(0) && second.tag === der.contextTag(1));
  if (!wellOrdered) throw new der.DerError('name constraints without permitted or excluded subtrees, or out of order');
  for (const tree of trees) {
    const subtrees = der.children(tree);
    if (subtrees.length === 0) throw new der.DerError('an empty list of subtrees');
    for (const subtree of subtrees) {
      const [base] = der.children(subtree, der.TAG.sequence);
      if (base === undefined) throw new der.DerError('a subtree without a name');
      if (base.tag === NAME_TAG.email || base.tag === NAME_TAG.dns || base.tag === NAME_TAG.uri) checkAscii(base.content);
      if (base.tag === NAME_TAG.ip) checkAddressRange(base.content);
    }
  }
}

function checkAddressRange(bytes: Uint8Array): void {
  if (bytes.length !== 8 && bytes.length !== 32) throw new der.DerError('an IP range of another length');
  let zero = false;
  for (const byte of bytes.subarray(bytes.length / 2)) {
    if (zero ? byte !== 0 : ![0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe, 0xff].includes(byte)) throw new der.DerError('an IP mask that is not ones then zeros');
    if (byte !== 0xff) zero = true;
  }
}

/**
 * The key's DER as Go's MarshalPKIXPublicKey would write it (notary's key IDs hash that): the
 * certificate's own bytes when they are the one canonical P-256 form, else OpenSSL's re-encoding,
 * which normalises other encodings of the same key as Go does.
 */
function spkiOfCertificate(inCertificate: Uint8Array, certificate: X509Certificate): Uint8Array {
  return isCanonicalP256Spki(inCertificate) ? Uint8Array.from(inCertificate) : Uint8Array.from(spkiDer(certificate.publicKey));
}

/**
 * Go's IsCA: the cA flag of basicConstraints, false without the extension. Not node's `ca`, which is
 * OpenSSL's X509_check_ca: that also weighs keyUsage and calls self-signed v1 certificates CAs, so a
 * "CA:TRUE" certificate without keyCertSign would pass as a leaf where notary refuses it.
 */
function basicConstraintsCa(extensions: der.DerNode | undefined): boolean {
  if (extensions === undefined) return false;
  for (const extension of der.children(der.expectTagOf(der.children(extensions)[0], der.TAG.sequence))) {
    const [id, ...rest] = der.children(extension, der.TAG.sequence);
    if (der.readOid(id) !== OID.basicConstraints) continue;
    const value = der.readDer(der.readOctetString(rest.at(-1)));
    const [flag] = der.children(value, der.TAG.sequence);
    return flag?.tag === der.TAG.boolean && der.readBoolean(flag);
  }
  return false;
}

/** Go keeps the last CN when a subject names several; so do we. Empty when there is none. */
function commonNameOf(name: der.DerNode): string {
  let commonName = '';
  for (const rdn of der.children(name)) {
    for (const attribute of der.children(rdn, der.TAG.set)) {
      const [type, value] = der.children(attribute, der.TAG.sequence);
      if (der.readOid(type) === OID.commonName) commonName = der.readString(value);
    }
  }
  return commonName;
}

export interface RootCertificateOptions {
  /** Start of validity; defaults to now. */
  notBefore?: Date;
  validityDays?: number;
}

/**
 * A root key for `gun` as notary publishes it: an `ecdsa-x509` (or `rsa-x509`) key whose public
 * value is a fresh self-signed certificate. Its keyId is what root.json lists; the canonical ID of
 * the bare key is what key files and `notary key list` use.
 */
export function createRootCertificateKey(material: PrivateKeyMaterial, gun: string, options: RootCertificateOptions = {}): TufPublicKey {
  if (material.algorithm === 'ed25519') {
    throw new CountersignError('key-unsupported', 'root keys must be ECDSA or RSA: notary cannot put ed25519 keys in root certificates');
  }
  const notBefore = truncateToSeconds(options.notBefore ?? new Date());
  const notAfter = new Date(notBefore.getTime() + (options.validityDays ?? ROOT_CERTIFICATE_VALIDITY_DAYS) * DAY_MS);
  const pem = encodePemBlock({
    type: 'CERTIFICATE',
    headers: {},
    bytes: selfSignedCertificateDer(material.key, material.algorithm, gun, notBefore, notAfter),
  });
  return {
    keytype: material.algorithm === 'ecdsa' ? 'ecdsa-x509' : 'rsa-x509',
    keyval: { public: Buffer.from(pem).toString('base64'), private: null },
  };
}

function selfSignedCertificateDer(key: KeyObject, algorithm: 'ecdsa' | 'rsa', commonName: string, notBefore: Date, notAfter: Date): Uint8Array {
  // ECDSA signature algorithms have no parameters; RSA ones carry an explicit NULL (RFC 4055).
  const signatureAlgorithm =
    algorithm === 'ecdsa' ? der.sequence(der.oid(OID.ecdsaWithSha256)) : der.sequence(der.oid(OID.sha256WithRsa), der.derNull());
  const name = der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.directoryString(commonName))));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(randomSerial()),
    signatureAlgorithm,
    name,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name,
    Uint8Array.from(spkiDer(key)),
    der.explicit(3, der.sequence(keyUsageExtension(), extKeyUsageExtension(), basicConstraintsExtension())),
  );
  // node's default ECDSA encoding is DER, which is what x509 signatures use.
  const signature = nodeSign('sha256', tbs, key);
  return der.sequence(tbs, signatureAlgorithm, der.bitString(signature));
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? der.sequence(der.oid(oid), der.derBoolean(true), der.octetString(value)) : der.sequence(der.oid(oid), der.octetString(value));
}

function keyUsageExtension(): Uint8Array {
  // Bits 0 (digitalSignature) and 2 (keyEncipherment): 1010 0000, five unused trailing bits.
  return extension(OID.keyUsage, true, der.bitString(Uint8Array.of(0xa0), 5));
}

function extKeyUsageExtension(): Uint8Array {
  return extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.codeSigning)));
}

function basicConstraintsExtension(): Uint8Array {
  // CA:FALSE is the DEFAULT, so DER leaves the sequence empty.
  return extension(OID.basicConstraints, true, der.sequence());
}

function randomSerial(): Uint8Array {
  const serial = randomBytes(16);
  // A zero serial is not allowed; the odds are 2^-128 but the fix is free.
  if (serial.every((b) => b === 0)) serial[15] = 1;
  return serial;
}

function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
