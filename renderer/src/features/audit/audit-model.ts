// The dashboard's view of an audit report, as plain functions: the words and order of the statuses,
// coverage, the chart's segments, the tag rows and their filters. No React, so tests can check the
// numbers the screen shows against the report.
import type { AuditReport, RepositoryAudit, TagAudit, TagStatus } from '../../../../shared/audit';

/** Good news first, then what needs a look, then what is broken: the chart and the legend read left to right. */
export const STATUS_ORDER: readonly TagStatus[] = ['signed', 'expiring-soon', 'unsigned', 'digest-mismatch', 'revoked-signer', 'signature-invalid', 'trust-unreadable'];

export const STATUS_LABEL: Record<TagStatus, string> = {
  signed: 'Signed',
  'expiring-soon': 'Expiring soon',
  unsigned: 'Unsigned',
  'digest-mismatch': 'Digest mismatch',
  'revoked-signer': 'Revoked signer',
  'signature-invalid': 'Signature invalid',
  'trust-unreadable': 'Trust data unreadable',
};

/** What each status means for someone about to pull the image. */
export const STATUS_MEANING: Record<TagStatus, string> = {
  signed: 'docker pull with content trust gets exactly this image',
  'expiring-soon': 'signed, but part of its trust data expires within the window',
  unsigned: 'no valid signature: docker pull with content trust refuses it',
  'digest-mismatch': 'the registry serves another image than the one signed',
  'revoked-signer': 'signed only by a signer who was removed',
  'signature-invalid': 'its trust data does not verify',
  'trust-unreadable': 'its trust data could not be read (sign-in refused, no notary server, or unreachable): nothing is known about its signature',
};

export type StatusCounts = Record<TagStatus, number>;

/** "1 tag", "1,204 tags". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function totalOf(counts: StatusCounts): number {
  return STATUS_ORDER.reduce((sum, status) => sum + counts[status], 0);
}

/** Tags docker pull with content trust would accept: signed, including those about to expire. */
export function coveredOf(counts: StatusCounts): number {
  return counts.signed + counts['expiring-soon'];
}

/** Whole percent, rounded down so that "100%" never hides a single unsigned tag. */
export function coveragePercent(counts: StatusCounts): number | undefined {
  const total = totalOf(counts);
  return total === 0 ? undefined : Math.floor((coveredOf(counts) * 100) / total);
}

export interface Segment {
  status: TagStatus;
  count: number;
  /** Start and length as fractions of the whole, 0..1. */
  start: number;
  length: number;
}

/** The non-empty statuses laid end to end, in STATUS_ORDER, as fractions of the total. */
export function segmentsOf(counts: StatusCounts): Segment[] {
  const total = totalOf(counts);
  if (total === 0) return [];
  const segments: Segment[] = [];
  let start = 0;
  for (const status of STATUS_ORDER) {
    const count = counts[status];
    if (count === 0) continue;
    segments.push({ status, count, start: start / total, length: count / total });
    start += count;
  }
  return segments;
}

/** "2 signed, 1 digest mismatch" — the chart's words for a screen reader and a tooltip. */
export function describeCounts(counts: StatusCounts): string {
  const parts = STATUS_ORDER.filter((status) => counts[status] > 0).map((status) => `${counts[status]} ${STATUS_LABEL[status].toLowerCase()}`);
  return parts.length === 0 ? 'no tags' : parts.join(', ');
}

export interface TagRow {
  /** Unique in a report: repository and tag. */
  key: string;
  repository: RepositoryAudit;
  tag: TagAudit;
}

export function tagRows(report: AuditReport): TagRow[] {
  return report.repositories.flatMap((repository) => repository.tags.map((tag) => ({ key: `${repository.repository}:${tag.tag}`, repository, tag })));
}

/** Docker's name for tags only the repository's own key signed. */
export const REPO_ADMIN = 'Repo Admin';

/** Every signer named in the report, in alphabetical order. */
export function signerNames(report: AuditReport): string[] {
  const names = new Set<string>();
  for (const repository of report.repositories) {
    for (const signer of repository.signers) names.add(signer.name);
    for (const tag of repository.tags) for (const name of tag.signers) names.add(name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

export interface AuditFilters {
  /** Statuses shown; empty shows every status. */
  statuses: readonly TagStatus[];
  /** A registry repository name, or undefined for all. */
  repository?: string;
  /** A signer name, or undefined for any. */
  signer?: string;
  /** Part of a tag, a digest or a reason. */
  text: string;
}

export const NO_FILTERS: AuditFilters = { statuses: [], text: '' };

export function isFiltered(filters: AuditFilters): boolean {
  return filters.statuses.length > 0 || filters.repository !== undefined || filters.signer !== undefined || filters.text.trim() !== '';
}

export function filterRows(rows: readonly TagRow[], filters: AuditFilters): TagRow[] {
  const needle = filters.text.trim().toLowerCase();
  return rows.filter(({ repository, tag }) => {
    if (filters.statuses.length > 0 && !filters.statuses.includes(tag.status)) return false;
    if (filters.repository !== undefined && repository.repository !== filters.repository) return false;
    if (filters.signer !== undefined && !tag.signers.includes(filters.signer)) return false;
    if (needle === '') return true;
    return [tag.tag, tag.registryDigest, tag.signedDigest ?? '', tag.reason].some((field) => field.toLowerCase().includes(needle));
  });
}

export function toggleStatus(filters: AuditFilters, status: TagStatus): AuditFilters {
  const statuses = filters.statuses.includes(status) ? filters.statuses.filter((s) => s !== status) : [...filters.statuses, status];
  return { ...filters, statuses };
}

/** Repositories whose trust data can go into an evidence archive: there is some, and it verified just now. */
export function archivable(repository: RepositoryAudit): boolean {
  return repository.trust === 'verified';
}

/** Why a repository's numbers may not tell the whole story, in one sentence; undefined when they do. */
export function repositoryProblem(repository: RepositoryAudit): string | undefined {
  if (repository.registryError !== undefined) return `The registry could not be read: ${repository.registryError.message}`;
  if (repository.trust === 'unreachable') {
    const why = repository.unreadable === undefined ? '' : ` (${repository.unreadable})`;
    return `The trust data could not be read${why}: ${repository.trustError?.message ?? 'unknown error'}`;
  }
  if (repository.trust === 'failed') return `The trust data did not verify: ${repository.trustError?.message ?? 'unknown error'}`;
  if (repository.trust === 'stale') {
    return `The notary server could not be reached; this uses trust data verified ${repository.verifiedAt ?? 'earlier'}.`;
  }
  return undefined;
}
