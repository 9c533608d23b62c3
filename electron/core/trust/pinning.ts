// Which first root to believe, as notary's trust_pinning decides it: a pinned certificate ID wins,
// then a CA for the GUN's longest matching prefix, then trust on first use (unless disabled).
import { X509Certificate } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { certificateInfo, type CertificateInfo } from '../crypto/certificate';
import { certificateProblem } from '../crypto/certificate-rules';
import { checkThreshold, usableRootKey } from '../tuf/checks';
import type { TrustedSet } from '../tuf/trusted-set';

export interface TrustPinning {
  /** GUN -> certificate key IDs (as root.json lists them); one of them must have signed the root. */
  certs?: Record<string, string[]>;
  /** GUN or GUN prefix -> PEM CA bundle; a certificate it issued must have signed the root. */
  ca?: Record<string, string>;
  /** Refuse a repository met for the first time when no pin covers it. */
  disableTofu?: boolean;
}

/** Refuses a first root the pinning does not accept; says whether a configured pin or trust on first use decided. */
export function checkFirstRoot(set: TrustedSet, pinning: TrustPinning | undefined): 'configured' | 'first-use' {
  const root = set.root.signed;
  const rootKeyIds = root.roles.root.keyids;
  const pinnedIds = pinnedCertIds(set.gun, pinning?.certs);
  if (pinnedIds !== undefined) {
    const pinned = rootKeyIds.filter((id) => pinnedIds.includes(id));
    requireSignedBy(set, pinned, `one of the pinned certificates (${pinnedIds.map((i) => i.slice(0, 12)).join(', ') || 'none listed'})`);
    return 'configured';
  }
  const ca = pinnedCa(set.gun, pinning?.ca);
  if (ca) {
    const authorities = usableAuthorities(ca, set.now);
    const issued = rootKeyIds.filter((id) => {
      const key = root.keys[id];
      return key !== undefined && chainsToPinnedCa(Buffer.from(key.keyval.public, 'base64').toString('utf8'), authorities, set.now);
    });
    requireSignedBy(set, issued, 'a certificate the pinned CA issued');
    return 'configured';
  }
  if (pinning?.disableTofu) {
    throw new CountersignError('root-pin-mismatch', `no pinned root for ${set.gun}, and trust on first use is disabled`, { role: 'root' });
  }
  return 'first-use';
}

/**
 * notary's rule: the pinned (or CA-issued) certificates must have signed the root, not merely be
 * listed in it — certificates are public, so anyone can copy one into a root they sign themselves.
 */
function requireSignedBy(set: TrustedSet, keyIds: string[], what: string): void {
  // notary's ValidateRoot: the root's own threshold, counted over the pinned certificates that are
  // usable for this GUN now — a pin does not lower the threshold, nor revive an expired certificate.
  const root = set.root.signed;
  try {
    checkThreshold(set.root, { keyids: keyIds, threshold: root.roles.root.threshold }, root.keys, 'root', usableRootKey(set.gun, set.now));
  } catch (error) {
    throw new CountersignError('root-pin-mismatch', `root of ${set.gun} is not signed by ${what}`, { role: 'root', cause: error });
  }
}

/**
 * Certificate pins for `gun` (notary: NewTrustPinChecker, wildcardMatch): the GUN's own entry when
 * there is one, even an empty list (which then matches nothing: a pin is never silently dropped),
 * else the longest "prefix*" entry that matches.
 */
export function pinnedCertIds(gun: string, certs: Record<string, string[]> | undefined): string[] | undefined {
  if (!certs) return undefined;
  if (Object.hasOwn(certs, gun)) return certs[gun];
  const wildcard = Object.keys(certs)
    .filter((pattern) => pattern.endsWith('*') && gun.startsWith(pattern.slice(0, -1)))
    .sort((a, b) => b.length - a.length)[0];
  return wildcard === undefined ? undefined : certs[wildcard];
}

interface ChainCertificate {
  x509: X509Certificate;
  info: CertificateInfo;
}

/** A pinned CA bundle's certificates that notary would load (ValidateCertificate, with expiry). */
function usableAuthorities(bundle: string, now: Date): ChainCertificate[] {
  return splitPem(bundle)
    .map(parseChainCertificate)
    .filter((c): c is ChainCertificate => c !== undefined && certificateProblem(c.info, now) === undefined);
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/**
 * CA pinning (notary: trustPinChecker.caCheck, Go's x509 Verify with the root's intermediates): the
 * root key's leaf must chain, through the valid CA certificates of its own bundle, to a pinned CA;
 * every certificate of the chain valid now (no leeway, as Go checks chains), issuers CA certificates,
 * and no extended key usage that excludes server authentication, Go's default usage, which notary
 * does not override: a leaf restricted to code signing does not chain, in notary or here.
 */
function chainsToPinnedCa(leafPem: string, authorities: readonly ChainCertificate[], now: Date): boolean {
  const bundle = splitPem(leafPem).map(parseChainCertificate);
  const [leaf, ...rest] = bundle;
  if (!leaf || bundle.some((c) => c === undefined)) return false;
  const intermediates = (rest as ChainCertificate[]).filter((c) => c.info.isCA && certificateProblem(c.info, now) === undefined);
  const usable = (c: ChainCertificate) => validNow(c.info, now) && allowsServerAuth(c.x509);
  const issues = (issuer: ChainCertificate, child: ChainCertificate) => issuer.info.isCA && usable(issuer) && child.x509.checkIssued(issuer.x509) && verifiesUnder(child, issuer);
  const reaches = (current: ChainCertificate, unused: ChainCertificate[]): boolean =>
    authorities.some((authority) => issues(authority, current)) ||
    unused.some((next, i) => issues(next, current) && reaches(next, unused.filter((_, j) => j !== i)));
  return usable(leaf) && reaches(leaf, intermediates);
}

function parseChainCertificate(pem: string): ChainCertificate | undefined {
  try {
    return { x509: new X509Certificate(pem), info: certificateInfo(pem) };
  } catch {
    return undefined; // a certificate that cannot be parsed was issued by no one we trust
  }
}

function verifiesUnder(child: ChainCertificate, issuer: ChainCertificate): boolean {
  try {
    return child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

function validNow(info: CertificateInfo, now: Date): boolean {
  return info.notBefore.getTime() <= now.getTime() && now.getTime() < info.notAfter.getTime();
}

function allowsServerAuth(certificate: X509Certificate): boolean {
  const usages = certificate.keyUsage as string[] | undefined;
  return usages === undefined || usages.length === 0 || usages.includes(SERVER_AUTH) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}

function pinnedCa(gun: string, cas: Record<string, string> | undefined): string | undefined {
  if (!cas) return undefined;
  const prefix = Object.keys(cas)
    .filter((p) => gun === p || gun.startsWith(p.endsWith('/') ? p : `${p}/`) || gun.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : cas[prefix];
}

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
