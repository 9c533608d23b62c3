// Which first root to believe, as notary's trust_pinning decides it: a pinned certificate ID wins,
// then a CA for the GUN's longest matching prefix, then trust on first use (unless disabled).
import { X509Certificate } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { checkThreshold } from '../tuf/checks';
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
  const pinnedIds = pinning?.certs?.[set.gun];
  if (pinnedIds && pinnedIds.length > 0) {
    const pinned = rootKeyIds.filter((id) => pinnedIds.includes(id));
    requireSignedBy(set, pinned, `one of the pinned certificates (${pinnedIds.map((i) => i.slice(0, 12)).join(', ')})`);
    return 'configured';
  }
  const ca = pinnedCa(set.gun, pinning?.ca);
  if (ca) {
    // Like notary's chain verification: a CA outside its validity vouches for nothing.
    const authorities = splitPem(ca)
      .map((pem) => new X509Certificate(pem))
      .filter((authority) => validAt(authority, set.now));
    const issued = rootKeyIds.filter((id) => {
      const key = root.keys[id];
      return key !== undefined && issuedByAny(Buffer.from(key.keyval.public, 'base64').toString('utf8'), authorities);
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
  try {
    checkThreshold(set.root, { keyids: keyIds, threshold: 1 }, set.root.signed.keys, 'root');
  } catch (error) {
    throw new CountersignError('root-pin-mismatch', `root of ${set.gun} is not signed by ${what}`, { role: 'root', cause: error });
  }
}

function issuedByAny(leafPem: string, authorities: X509Certificate[]): boolean {
  try {
    const leaf = new X509Certificate(leafPem);
    return authorities.some((authority) => leaf.checkIssued(authority) && leaf.verify(authority.publicKey));
  } catch {
    return false; // a certificate that cannot be parsed was issued by no one we trust
  }
}

function pinnedCa(gun: string, cas: Record<string, string> | undefined): string | undefined {
  if (!cas) return undefined;
  const prefix = Object.keys(cas)
    .filter((p) => gun === p || gun.startsWith(p.endsWith('/') ? p : `${p}/`) || gun.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : cas[prefix];
}

function validAt(certificate: X509Certificate, now: Date): boolean {
  return Date.parse(certificate.validFrom) <= now.getTime() && now.getTime() < Date.parse(certificate.validTo);
}

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
