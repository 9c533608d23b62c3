// The one status of each registry tag, decided from verified trust data (and, to explain failures
// only, from what failed roles claimed). The rules, in order (shared/audit.ts lists them too):
//
// 1. Releasing roles are targets/releases and targets: what `docker pull` with content trust and
//    `docker trust inspect` read, releases first. A tag no verified releasing role holds is not
//    signed — whatever other delegations say.
// 2. Not released: if a releasing role that failed verification claimed the tag, the tag is
//    revoked-signer when that failure is a revocation (failed-roles.ts), else signature-invalid; a
//    failed releasing role we could not even read makes every unreleased tag signature-invalid, since
//    we cannot tell which it held. Otherwise the tag is unsigned.
// 3. Released with another digest than the registry serves: digest-mismatch.
// 4. Released, but signed only by signer delegations (docker's attribution: other delegations holding
//    the same tag and digest) none of which verifies any more: revoked-signer.
// 5. Signed, and something it depends on expires within the window: expiring-soon. Its dependencies
//    are root (and the root certificates), snapshot, targets, the releasing role and its verified
//    signer roles with their ancestors. The timestamp is left out: notary-server re-signs it itself.
import type { ExpiryDependency, TagAudit } from '../../../shared/audit';
import type { RepositoryView, RoleView, SignedTagView } from '../../../shared/domain';
import { servesOtherDigest, signedDigestOf } from '../../../shared/registry-digests';
import type { FailedRole } from './failed-roles';

export const RELEASES = 'targets/releases';
export const TARGETS = 'targets';
/** In the order docker pull looks a tag up. */
const RELEASING_ROLES = [RELEASES, TARGETS] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RegistryTag {
  tag: string;
  /** "sha256:<hex>" as the registry names the manifest. */
  digest: string;
}

export interface TagRulesContext {
  view: RepositoryView;
  failed: ReadonlyMap<string, FailedRole>;
  now: Date;
  expiringWithinDays: number;
}

/** Applies the rules to every tag; the verified data is indexed once. */
export function tagAudits(tags: readonly RegistryTag[], context: TagRulesContext): TagAudit[] {
  const rowsByTag = new Map<string, SignedTagView[]>();
  for (const row of context.view.signedTags) rowsByTag.set(row.tag, [...(rowsByTag.get(row.tag) ?? []), row]);
  const roles = new Map(context.view.roles.map((role) => [role.name, role]));
  const rootDependencies = topLevelDependencies(context.view, roles, context.now);
  return tags.map((tag) => tagAudit(tag, rowsByTag.get(tag.tag) ?? [], roles, rootDependencies, context));
}

function tagAudit(
  tag: RegistryTag,
  rows: readonly SignedTagView[],
  roles: ReadonlyMap<string, RoleView>,
  rootDependencies: ExpiryDependency[],
  context: TagRulesContext,
): TagAudit {
  const base = { tag: tag.tag, registryDigest: tag.digest, signers: [] as string[], roles: [] as string[] };
  const released = releasedRow(rows);
  if (!released) return notReleased(base, context);

  const signed = {
    ...base,
    signedDigest: signedDigestOf(released.digest),
    signers: [...released.signers],
    roles: [...released.roles],
  };
  if (servesOtherDigest(tag.digest, signed.signedDigest)) {
    return { ...signed, status: 'digest-mismatch', reason: `the registry serves ${tag.digest}, but the trust data signs ${signed.signedDigest}` };
  }
  const revoked = revokedSigners(tag.tag, released, context.failed);
  if (revoked.length > 0) {
    const names = revoked.map((failure) => failure.role).join(', ');
    return { ...signed, status: 'revoked-signer', failedRole: revoked[0]!.role, reason: `signed only by ${names}, which ${revokedWords(revoked)}` };
  }
  const firstExpiry = earliest([...rootDependencies, ...roleDependencies(released.roles, roles, context.now)]);
  if (firstExpiry && Date.parse(firstExpiry.expires) - context.now.getTime() < context.expiringWithinDays * DAY_MS) {
    return { ...signed, status: 'expiring-soon', firstExpiry, reason: `${firstExpiry.what} expires on ${firstExpiry.expires} (${firstExpiry.daysLeft} days left)` };
  }
  return { ...signed, status: 'signed', ...(firstExpiry ? { firstExpiry } : {}), reason: `signed by ${signed.signers.join(', ')}` };
}

/** The row docker pull would use: targets/releases first, then targets. */
function releasedRow(rows: readonly SignedTagView[]): SignedTagView | undefined {
  for (const role of RELEASING_ROLES) {
    const row = rows.find((candidate) => candidate.roles.includes(role));
    if (row) return row;
  }
  return undefined;
}

type TagBase = Pick<TagAudit, 'tag' | 'registryDigest' | 'signers' | 'roles'>;

function notReleased(base: TagBase, context: TagRulesContext): TagAudit {
  for (const role of RELEASING_ROLES) {
    const failure = context.failed.get(role);
    if (!failure) continue;
    if (failure.claims === undefined) {
      return { ...base, status: 'signature-invalid', failedRole: role, reason: `${role} failed verification (${failure.error.code}) and cannot be read, so its tags are unknown` };
    }
    if (!failure.claims.has(base.tag)) continue;
    if (failure.revoked) {
      return { ...base, status: 'revoked-signer', failedRole: role, reason: `${role} holds it but is signed only by keys that were removed from it` };
    }
    return { ...base, status: 'signature-invalid', failedRole: role, reason: `${role} holds it but failed verification: ${failure.error.code}: ${failure.error.message}` };
  }
  return { ...base, status: 'unsigned', reason: 'neither targets/releases nor targets signs it' };
}

/**
 * Rule 4: the failed signer delegations that claimed this tag with its released digest, when no
 * verified signer delegation holds it (empty otherwise).
 */
function revokedSigners(tag: string, released: SignedTagView, failed: ReadonlyMap<string, FailedRole>): FailedRole[] {
  const verifiedSigners = released.roles.filter((role) => !isReleasing(role));
  if (verifiedSigners.length > 0) return [];
  return [...failed.values()].filter((failure) => !isReleasing(failure.role) && failure.claims?.get(tag) === released.digest);
}

function revokedWords(failures: readonly FailedRole[]): string {
  if (failures.every((failure) => failure.revoked)) return failures.length === 1 ? 'had its keys removed' : 'had their keys removed';
  return `no longer verif${failures.length === 1 ? 'ies' : 'y'} (${failures.map((failure) => failure.error.code).join(', ')})`;
}

function isReleasing(role: string): boolean {
  return role === RELEASES || role === TARGETS;
}

// ---------------------------------------------------------------------------------------------
// Expiry

/** What every signed tag depends on: root, its certificates, snapshot and targets. */
function topLevelDependencies(view: RepositoryView, roles: ReadonlyMap<string, RoleView>, now: Date): ExpiryDependency[] {
  const out = roleDependencies(['root', 'snapshot', TARGETS], roles, now);
  const certificates = rootCertificatesExpiry(view, roles.get('root'));
  if (certificates) out.push(dependency('root certificates', certificates, now));
  return out;
}

/** Each role with its ancestors ("targets/a/b" depends on "targets/a"), deduplicated. */
function roleDependencies(names: readonly string[], roles: ReadonlyMap<string, RoleView>, now: Date): ExpiryDependency[] {
  const withAncestors = new Set<string>();
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 2; i <= parts.length; i++) withAncestors.add(parts.slice(0, i).join('/'));
    withAncestors.add(name);
  }
  return [...withAncestors].flatMap((name) => {
    const expires = roles.get(name)?.expires;
    return expires === undefined ? [] : [dependency(name, expires, now)];
  });
}

/**
 * Root stays usable while a threshold of its certificates is valid: that ends at the
 * threshold-th latest certificate expiry.
 */
function rootCertificatesExpiry(view: RepositoryView, root: RoleView | undefined): string | undefined {
  if (!root) return undefined;
  const expiries = (root.keyIds ?? [])
    .map((id) => view.keys.find((key) => key.id === id)?.certificateExpires)
    .filter((expires): expires is string => expires !== undefined)
    .sort((a, b) => Date.parse(b) - Date.parse(a));
  return expiries[(root.threshold ?? 1) - 1];
}

export function dependency(what: string, expires: string, now: Date): ExpiryDependency {
  return { what, expires, daysLeft: daysUntil(expires, now) };
}

export function daysUntil(expires: string, now: Date): number {
  return Math.floor((Date.parse(expires) - now.getTime()) / DAY_MS);
}

function earliest(dependencies: readonly ExpiryDependency[]): ExpiryDependency | undefined {
  let first: ExpiryDependency | undefined;
  for (const candidate of dependencies) {
    if (!first || Date.parse(candidate.expires) < Date.parse(first.expires)) first = candidate;
  }
  return first;
}
