// What the registry serves for the signed tags shown on the repository screen, and the one rule that
// turns it into each tag's registry state. The check is made in the main process with the audit's own
// registry reads (electron/core/audit/served-digests.ts); the comparison is the audit's rule 3
// (digest-mismatch) and lives here once, so the audit and the repository screen cannot disagree.
// Fails closed: a tag whose registry was not checked, could not be read, or does not serve the tag is
// never shown as a match.
import type { ErrorInfo } from './errors';

/** What the main process found at the registry for the tags asked about. */
export interface ServedDigests {
  /** The registry's origin ("https://registry.example.com:5000"). */
  registry: string;
  /** The repository's path there (the GUN without its host). */
  repository: string;
  /** RFC 3339: when the registry was read. */
  checkedAt: string;
  /** Per tag asked: "sha256:<hex>" the registry serves for it, or null when it serves no such tag. */
  served: Record<string, string | null>;
  /** Set when the registry could not be read: then no tag was checked. */
  error?: ErrorInfo;
}

export interface ServedDigestsProgress {
  done: number;
  total: number;
}

export type TagRegistryState =
  /** The registry was not asked (yet), or not about this tag. */
  | { state: 'not-checked' }
  /** The registry could not be read: nothing is known about what it serves. */
  | { state: 'unreachable'; error: ErrorInfo }
  /** The registry serves no such tag. */
  | { state: 'absent' }
  /** It serves another manifest than the signed one: `docker pull` with content trust refuses it. */
  | { state: 'mismatch'; registryDigest: string; signedDigest: string }
  | { state: 'match'; digest: string };

/** "sha256:<hex>" of a signed target's hex sha256 (trust data stores the hex alone). */
export function signedDigestOf(sha256Hex: string): string {
  return `sha256:${sha256Hex}`;
}

/** The audit's rule 3: the registry serves another digest than the one signed. */
export function servesOtherDigest(registryDigest: string, signedDigest: string): boolean {
  return registryDigest !== signedDigest;
}

/** The registry state of one signed tag (its hex sha256), from what the check found (if it ran). */
export function tagRegistryState(tag: string, sha256Hex: string, found: ServedDigests | undefined): TagRegistryState {
  if (found === undefined) return { state: 'not-checked' };
  if (found.error !== undefined) return { state: 'unreachable', error: found.error };
  if (!Object.hasOwn(found.served, tag)) return { state: 'not-checked' };
  const registryDigest = found.served[tag];
  if (registryDigest === null || registryDigest === undefined) return { state: 'absent' };
  const signedDigest = signedDigestOf(sha256Hex);
  return servesOtherDigest(registryDigest, signedDigest) ? { state: 'mismatch', registryDigest, signedDigest } : { state: 'match', digest: signedDigest };
}

/** How many shown tags are in each state; "checked" is all tags matched or not, never the others. */
export function registryStateCounts(states: readonly TagRegistryState[]): Record<TagRegistryState['state'], number> {
  const counts = { 'not-checked': 0, unreachable: 0, absent: 0, mismatch: 0, match: 0 };
  for (const { state } of states) counts[state] += 1;
  return counts;
}
