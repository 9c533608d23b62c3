// Offline verification of one repository's evidence, with the real verifier and no server: the
// root chain from version 1, then the whole TUF update (every signature, hash, length, threshold and
// expiry) as of the time the evidence was recorded, then the role set and the tag map recomputed
// from what verified. Run on the way in (before an archive is written) and on the way out.
import type { ArchiveCheck } from '../../../shared/audit';
import type { RepositoryView } from '../../../shared/domain';
import { CountersignError, type ErrorCode } from '../../../shared/errors';
import { buildRepositoryView } from '../trust/repository-view';
import { canonicalString } from '../tuf/canonical';
import { sha256Hex } from '../tuf/checks';
import { TrustedSet } from '../tuf/trusted-set';
import { refreshRepository, type MetadataFetcher, type RefreshResult } from '../tuf/updater';
import { checkCosignEvidence } from './cosign-evidence';
import { failed, failedWith, notRun, passed } from './checks';
import type { CosignEvidence, FailedRoleRecord, TagMap } from './format';

// The check constructors live in checks.ts (cosign-evidence.ts needs them too); kept importable from here.
export { failed, failedWith, notRun, passed };

/** One repository's complete trust data, as archived. */
export interface RepositoryEvidence {
  gun: string;
  server: string;
  verifiedAt: string;
  /** 1.root.json ... N.root.json, in order. */
  rootVersions: Uint8Array[];
  /** Role -> its current file: every verified role, and the files of delegations that failed. */
  metadata: ReadonlyMap<string, Uint8Array>;
  failedRoles: FailedRoleRecord[];
  /** The roles recorded as verified when the evidence was taken. */
  verifiedRoles: string[];
  tagMap: TagMap;
  /** The cosign signatures that replaced the DCT signatures, when the archive was asked to keep them. */
  cosign?: CosignEvidence;
}

export interface EvidenceVerification {
  checks: ArchiveCheck[];
  /** The roles that verified, sorted. */
  roles: string[];
  signedTags: number;
}

const TOP_LEVEL = ['root', 'timestamp', 'snapshot', 'targets'];

export async function verifyRepositoryEvidence(evidence: RepositoryEvidence): Promise<EvidenceVerification> {
  const now = new Date(evidence.verifiedAt);
  const checks: ArchiveCheck[] = [checkRootChain(evidence, now)];
  let result: RefreshResult | undefined;
  try {
    result = await refreshRepository({
      gun: evidence.gun,
      fetcher: evidenceFetcher(evidence),
      // Version 1 is the anchor: everything after it must chain to it.
      stored: { files: new Map([['root', evidence.rootVersions[0] ?? new Uint8Array()]]), versions: {}, verifiedAt: evidence.verifiedAt },
      now,
    });
    checks.push(passed('metadata', `root, timestamp, snapshot, targets and ${result.trusted.delegations.size} delegation(s) verify as of ${evidence.verifiedAt}`));
  } catch (error) {
    checks.push(failed('metadata', error));
  }
  if (!result) {
    checks.push(notRun('roles'), notRun('tag-map'), ...(evidence.cosign ? [notRun('cosign')] : []));
    return { checks, roles: [], signedTags: 0 };
  }
  const view = buildRepositoryView(result.trusted, result.failedDelegations, { server: evidence.server, source: 'cache', verifiedAt: evidence.verifiedAt });
  const roles = [...TOP_LEVEL, ...result.trusted.delegations.keys()].sort();
  const tagMapCheck = checkTagMap(evidence, view);
  checks.push(checkRoles(evidence, result, roles), tagMapCheck);
  // The cosign signatures are judged against the tag map, so only once the tag map is the verified one.
  if (evidence.cosign) checks.push(tagMapCheck.ok ? checkCosignEvidence(evidence.gun, evidence.cosign, evidence.tagMap) : notRun('cosign'));
  return { checks, roles, signedTags: view.signedTags.length };
}

/** Tag -> digest -> signers from a verified view, in a stable order. */
export function tagMapOf(view: RepositoryView): TagMap {
  const signedTags: TagMap['signedTags'] = {};
  for (const row of view.signedTags) {
    signedTags[row.tag] = { ...signedTags[row.tag], [row.digest]: { size: row.size, signers: [...row.signers], roles: [...row.roles] } };
  }
  const signers: TagMap['signers'] = {};
  for (const signer of view.signers) signers[signer.name] = [...signer.keyIds];
  return { gun: view.gun, signedTags, signers };
}

// ---------------------------------------------------------------------------------------------
// The checks

/**
 * Root versions 1..N, each the next version and signed by a threshold of the previous root's keys and
 * of its own, and N is the current root. (The update below walks the same chain; this check names a
 * broken chain as such.) As in every refresh, a root whose certificates had expired by the recorded
 * time cannot be part of the chain.
 */
function checkRootChain(evidence: RepositoryEvidence, now: Date): ArchiveCheck {
  try {
    const [first, ...rest] = evidence.rootVersions;
    if (!first) throw new CountersignError('role-missing', 'the archive holds no root version', { role: 'root' });
    const set = new TrustedSet(first, { gun: evidence.gun, now });
    if (set.root.signed.version !== 1) throw new CountersignError('root-rotation', `the first archived root is version ${set.root.signed.version}, not 1`, { role: 'root' });
    for (const next of rest) set.updateRoot(next);
    const current = evidence.metadata.get('root');
    if (!current || sha256Hex(current) !== sha256Hex(set.root.bytes)) {
      throw new CountersignError('root-rotation', `the current root is not the last of the ${evidence.rootVersions.length} archived root versions`, { role: 'root' });
    }
    return passed('root-chain', `${evidence.rootVersions.length} root version(s) chain from version 1 to the current root`);
  } catch (error) {
    return failed('root-chain', error);
  }
}

/**
 * Every archived role is accounted for: it verified, or it is a delegation recorded as failed that
 * fails the same way again. A role missing from the archive, one that stopped verifying, or a file
 * nothing asks for all fail this check.
 */
function checkRoles(evidence: RepositoryEvidence, result: RefreshResult, verified: readonly string[]): ArchiveCheck {
  const failures = new Map(result.failedDelegations.map((failure) => [failure.role, failure.error]));
  const problems: string[] = [];
  for (const { role, code } of evidence.failedRoles) {
    const now = failures.get(role);
    if (!now) problems.push(`${role} was recorded as failing (${code}) but ${verified.includes(role) ? 'verifies' : 'is not delegated'} now`);
    else if (now.code !== code) problems.push(`${role} was recorded as failing with ${code}, but fails with ${now.code}: ${now.message}`);
  }
  const recorded = new Set(evidence.failedRoles.map((failure) => failure.role));
  for (const [role, error] of failures) {
    if (!recorded.has(role)) problems.push(`${role} fails verification: ${error.code}: ${error.message}`);
  }
  for (const role of evidence.metadata.keys()) {
    if (!verified.includes(role) && !recorded.has(role)) problems.push(`${role}.json is archived but no verified role delegates it`);
  }
  const recordedVerified = [...evidence.verifiedRoles].sort();
  if (canonicalString(recordedVerified) !== canonicalString(verified)) {
    problems.push(`the roles recorded as verified (${recordedVerified.join(', ')}) are not the ones that verify (${verified.join(', ')})`);
  }
  if (problems.length > 0) {
    const firstFailure = evidence.failedRoles.find((f) => failures.get(f.role)?.code !== f.code)?.role;
    const role = firstFailure ?? [...failures.keys()].find((r) => !recorded.has(r));
    return failedWith('roles', roleMismatchCode(problems), problems.join('; '), role);
  }
  const failedNote = evidence.failedRoles.length > 0 ? `; ${evidence.failedRoles.length} recorded failure(s) fail the same way` : '';
  return passed('roles', `${verified.length} role(s) verify${failedNote}`);
}

function roleMismatchCode(problems: readonly string[]): ErrorCode {
  return problems.some((p) => p.includes('is archived but')) ? 'metadata-malformed' : 'role-missing';
}

function checkTagMap(evidence: RepositoryEvidence, view: RepositoryView): ArchiveCheck {
  const recomputed = tagMapOf(view);
  if (canonicalString(recomputed) === canonicalString(evidence.tagMap)) {
    return passed('tag-map', `${view.signedTags.length} signed tag(s) match what the verified metadata signs`);
  }
  return failedWith('tag-map', 'hash-mismatch', `tags.json differs from what the verified metadata signs: ${firstDifference(evidence.tagMap, recomputed)}`);
}

/** Where an archived tag map first departs from the recomputed one, in words. */
function firstDifference(archived: TagMap, recomputed: TagMap): string {
  if (archived.gun !== recomputed.gun) return `it names ${archived.gun}, the metadata ${recomputed.gun}`;
  const tags = new Set([...Object.keys(archived.signedTags), ...Object.keys(recomputed.signedTags)]);
  for (const tag of tags) {
    const a = archived.signedTags[tag];
    const b = recomputed.signedTags[tag];
    if (!a) return `the tag ${tag} is missing`;
    if (!b) return `it lists ${tag}, which nothing signs`;
    if (canonicalString(a) !== canonicalString(b)) return `the tag ${tag} differs (digest, size, signers or roles)`;
  }
  return 'the signers or their keys differ';
}

// ---------------------------------------------------------------------------------------------

/**
 * Serves the archive's files to the updater: "N.root.json" from the root history, "<role>.json" from
 * the current metadata, and "<role>.<sha256>.json" only when the archived file has that hash.
 */
function evidenceFetcher(evidence: RepositoryEvidence): MetadataFetcher {
  return {
    async fetch(name, maxBytes) {
      const bytes = lookUp(evidence, name);
      if (bytes && bytes.length > maxBytes) {
        throw new CountersignError('metadata-too-large', `${name} in the archive is over the ${maxBytes}-byte limit for it`);
      }
      return bytes ?? null;
    },
  };
}

function lookUp(evidence: RepositoryEvidence, name: string): Uint8Array | undefined {
  const versioned = /^(\d+)\.root\.json$/.exec(name);
  if (versioned) return evidence.rootVersions[Number(versioned[1]) - 1];
  const byHash = /^(.+)\.([0-9a-f]{64})\.json$/.exec(name);
  if (byHash) {
    const bytes = evidence.metadata.get(byHash[1]!);
    return bytes && sha256Hex(bytes) === byHash[2] ? bytes : undefined;
  }
  return evidence.metadata.get(name.replace(/\.json$/, ''));
}
