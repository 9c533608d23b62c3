// Which first root to believe, as notary's trust_pinning decides it: a pinned certificate ID wins,
// then a CA for the GUN's longest matching prefix, then trust on first use (unless disabled).
import { X509Certificate } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import type { TrustedSet } from '../tuf/trusted-set';

export interface TrustPinning {
  /** GUN -> certificate key IDs (as root.json lists them); the root must use one of them. */
  certs?: Record<string, string[]>;
  /** GUN or GUN prefix -> PEM CA bundle that the root certificates must be issued by. */
  ca?: Record<string, string>;
  /** Refuse a repository met for the first time when no pin covers it. */
  disableTofu?: boolean;
}

export function checkFirstRoot(set: TrustedSet, pinning: TrustPinning | undefined): void {
  const root = set.root.signed;
  const rootKeyIds = root.roles.root.keyids;
  const pinnedIds = pinning?.certs?.[set.gun];
  if (pinnedIds && pinnedIds.length > 0) {
    if (!rootKeyIds.some((id) => pinnedIds.includes(id))) {
      throw new CountersignError('root-pin-mismatch', `root of ${set.gun} uses none of the pinned certificates (${pinnedIds.map((i) => i.slice(0, 12)).join(', ')})`, {
        role: 'root',
      });
    }
    return;
  }
  const ca = pinnedCa(set.gun, pinning?.ca);
  if (ca) {
    // Like notary's chain verification: a CA outside its validity vouches for nothing.
    const authorities = splitPem(ca)
      .map((pem) => new X509Certificate(pem))
      .filter((authority) => validAt(authority, set.now));
    const issued = rootKeyIds.some((id) => {
      const key = root.keys[id];
      if (!key) return false;
      const leaf = new X509Certificate(Buffer.from(key.keyval.public, 'base64').toString('utf8'));
      return authorities.some((authority) => leaf.checkIssued(authority) && leaf.verify(authority.publicKey));
    });
    if (!issued) {
      throw new CountersignError('root-pin-mismatch', `root of ${set.gun} is not issued by the pinned CA`, { role: 'root' });
    }
    return;
  }
  if (pinning?.disableTofu) {
    throw new CountersignError('root-pin-mismatch', `no pinned root for ${set.gun}, and trust on first use is disabled`, { role: 'root' });
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
