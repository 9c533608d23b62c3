// notary's rules for the certificates behind root keys (tuf/utils/x509.go ValidateCertificate,
// trustpinning/certs.go parseAllCerts). Each returns why a certificate is unusable, or undefined;
// the TUF layer decides what an unusable certificate means (it signs nothing).
import { certificateInfo, SHA1_SIGNATURE_OIDS, type CertificateInfo } from './certificate';
import { encodePemBlock, parsePemBlocks } from './pem';
import { checkNotaryCanUse } from './private-key';

/** notary: "Give one day leeway on creation 'before' time" (a signer's clock may run ahead). */
export const NOT_BEFORE_LEEWAY_MS = 24 * 60 * 60 * 1000;

/**
 * A root key's PEM is a bundle: its leaf certificate first, then any intermediates (notary's
 * parseAllCerts). Anything but CERTIFICATE blocks, a CA first, or not exactly one leaf makes the
 * key unusable: an attacker must not be able to choose which certificate of a bundle counts.
 */
export function leafCertificateOf(pem: string): { leaf: CertificateInfo; intermediates: CertificateInfo[] } | string {
  let bundle: CertificateInfo[];
  try {
    const blocks = parsePemBlocks(pem);
    if (blocks.some((block) => block.type !== 'CERTIFICATE')) return 'its PEM holds something other than certificates';
    // A lone certificate (what notary writes) is parsed under the key's own PEM, as every other
    // reader of that key asks for it, so the same certificate is not parsed twice.
    bundle = blocks.length === 1 ? [certificateInfo(pem)] : blocks.map((block) => certificateInfo(encodePemBlock({ type: 'CERTIFICATE', headers: {}, bytes: block.bytes })));
  } catch {
    return 'its certificate cannot be parsed';
  }
  const [first] = bundle;
  if (!first || first.isCA) return 'its first certificate is a CA certificate, not a leaf';
  const leaves = bundle.filter((certificate) => !certificate.isCA);
  if (leaves.length !== 1) return `its bundle holds ${leaves.length} leaf certificates, not one`;
  return { leaf: first, intermediates: bundle.slice(1) };
}

/**
 * notary's ValidateCertificate, the part that does not depend on time: a validity window that ends
 * before it starts, a SHA-1 signature (collisions are practical: a forged certificate can carry a
 * genuine signature), or a key notary cannot use (RSA under 2048 bits; we also refuse curves other
 * than P-256/384/521, where Go would still parse P-224).
 */
export function certificateShapeProblem(certificate: CertificateInfo): string | undefined {
  if (certificate.notBefore.getTime() > certificate.notAfter.getTime()) return 'its validity window ends before it starts';
  if (SHA1_SIGNATURE_OIDS.has(certificate.signatureAlgorithmOid)) return 'it is signed with SHA-1, which notary refuses';
  try {
    checkNotaryCanUse(certificate.publicKey);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/**
 * Freeze / stale key (ValidateCertificate with checkExpiry): valid at `now`, where notBefore may be
 * up to a day in the future (notary's leeway for clock skew) and notAfter must not have passed.
 */
export function certificateTimeProblem(certificate: CertificateInfo, now: Date): string | undefined {
  if (certificate.notAfter.getTime() <= now.getTime()) return `its certificate expired on ${certificate.notAfter.toISOString()}`;
  if (certificate.notBefore.getTime() > now.getTime() + NOT_BEFORE_LEEWAY_MS) {
    return `its certificate is not valid before ${certificate.notBefore.toISOString()}`;
  }
  return undefined;
}

/** Both of the above; `now` undefined checks only the shape (notary's checkExpiry = false). */
export function certificateProblem(certificate: CertificateInfo, now: Date | undefined): string | undefined {
  return certificateShapeProblem(certificate) ?? (now === undefined ? undefined : certificateTimeProblem(certificate, now));
}
