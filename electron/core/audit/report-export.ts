// The report as files a security team keeps or feeds elsewhere (JSON, CSV), and the pipeline policy
// that turns it into a pass or a fail. Both formats are written as the audit goes (a writer is an
// AuditSink), so the CLI never holds a report of 10,000 repositories; a whole report goes through
// the same writers, so the app's export and the CLI's output are the same bytes.
import type { AuditPolicyCategory, AuditReport, RepositoryAudit, TagAudit, TagStatus } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import type { AuditReportSummary, AuditSink } from './audit-registry';

/** A streamed report: the sink takes the header and the repositories, `end` the summary. */
export interface ReportWriter extends AuditSink {
  end(summary: AuditReportSummary): void;
}

/** Writes a report through a writer, whole. */
function written(report: AuditReport, make: (write: (text: string) => void) => ReportWriter): string {
  const parts: string[] = [];
  const writer = make((text) => parts.push(text));
  const { repositories, finishedAt, totals, incomplete, ...header } = report;
  writer.begin(header);
  for (const repository of repositories) writer.repository(repository);
  writer.end({ finishedAt, totals, incomplete });
  return parts.join('');
}

export function reportToJson(report: AuditReport): string {
  return written(report, jsonReportWriter);
}

/**
 * JSON.stringify(report, null, 2) as it would read, but for the order of the summary's keys, which
 * come after the repositories (they are known only then): one object, written a repository at a time.
 */
export function jsonReportWriter(write: (text: string) => void): ReportWriter {
  let count = 0;
  // The members of an object as JSON.stringify(…, null, 2) writes them, without the braces.
  const members = (value: object): string => JSON.stringify(value, null, 2).slice(2, -2);
  return {
    begin: (header) => write(`{\n${members(header)},\n  "repositories": [`),
    repository(audit) {
      write(`${count === 0 ? '' : ','}\n    ${JSON.stringify(audit, null, 2).replaceAll('\n', '\n    ')}`);
      count += 1;
    },
    end: (summary) => write(`${count === 0 ? '' : '\n  '}],\n${members(summary)}\n}\n`),
  };
}

const CSV_COLUMNS = [
  'repository',
  'gun',
  'tag',
  'status',
  'registry_digest',
  'signed_digest',
  'signers',
  'roles',
  'failed_role',
  'first_expiry',
  'first_expiry_of',
  'days_left',
  'trust',
  'unreadable',
  'reason',
] as const;

/** Added at the end, and only when the audit was given a cosign key, so DCT-only reports keep their shape. */
const COSIGN_CSV_COLUMNS = ['cosign', 'cosign_detail'] as const;

function hasCosignColumn(report: AuditReport): boolean {
  return report.repositories.some((repository) => repository.tags.some((tag) => tag.cosign !== undefined));
}

/**
 * One row per tag (RFC 4180, CRLF). A repository that could not be audited gets one row with no tag
 * and no status, its reason saying why, so that it cannot vanish from a spreadsheet unnoticed.
 */
export function reportToCsv(report: AuditReport): string {
  return written(report, (write) => csvReportWriter(write, { cosign: hasCosignColumn(report) }));
}

/** The CSV a repository at a time; `cosign`: the two cosign columns (an audit given a cosign key). */
export function csvReportWriter(write: (text: string) => void, options: { cosign: boolean }): ReportWriter {
  const extra = (cells: string[]): string[] => (options.cosign ? [...cells] : []);
  const writeRow = (row: string[]): void => write(`${row.map(csvCell).join(',')}\r\n`);
  return {
    begin: () => writeRow([...CSV_COLUMNS, ...extra([...COSIGN_CSV_COLUMNS])]),
    repository(repository) {
      for (const tag of repository.tags) writeRow([...tagRow(repository, tag), ...extra([tag.cosign?.state ?? '', tag.cosign?.reason ?? ''])]);
      if (repository.registryError) {
        const { code, message } = repository.registryError;
        writeRow([...repositoryRow(repository, `the registry could not be read: ${code}: ${message}`), ...extra(['', ''])]);
      } else if (repository.tags.length === 0) {
        writeRow([...repositoryRow(repository, 'the registry lists no tags'), ...extra(['', ''])]);
      }
    },
    end: () => undefined,
  };
}

function tagRow(repository: RepositoryAudit, tag: TagAudit): string[] {
  return [
    repository.repository,
    repository.gun,
    tag.tag,
    tag.status,
    tag.registryDigest,
    tag.signedDigest ?? '',
    tag.signers.join(' '),
    tag.roles.join(' '),
    tag.failedRole ?? '',
    tag.firstExpiry?.expires ?? '',
    tag.firstExpiry?.what ?? '',
    tag.firstExpiry === undefined ? '' : String(tag.firstExpiry.daysLeft),
    repository.trust,
    repository.unreadable ?? '',
    tag.reason,
  ];
}

function repositoryRow(repository: RepositoryAudit, reason: string): string[] {
  return CSV_COLUMNS.map((column) => {
    if (column === 'repository') return repository.repository;
    if (column === 'gun') return repository.gun;
    if (column === 'trust') return repository.trust;
    if (column === 'unreadable') return repository.unreadable ?? '';
    return column === 'reason' ? reason : '';
  });
}

/**
 * Quotes what needs quoting, and defuses cells a spreadsheet would run as a formula: reasons can
 * carry text a server sent.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

// ---------------------------------------------------------------------------------------------
// Policy

/** Which statuses each `--fail-on` word refuses. */
export const POLICY_STATUSES: Record<AuditPolicyCategory, readonly TagStatus[]> = {
  unsigned: ['unsigned'],
  mismatch: ['digest-mismatch'],
  // A revoked signer's signature no longer counts either: "invalid" must not let it pass.
  invalid: ['signature-invalid', 'revoked-signer'],
  revoked: ['revoked-signer'],
  expiring: ['expiring-soon'],
  // Not a DCT status: refuses tags whose cosign column is anything but verified (see policyViolations).
  cosign: [],
  unreadable: ['trust-unreadable'],
};

export const POLICY_CATEGORIES = Object.keys(POLICY_STATUSES) as AuditPolicyCategory[];
/** What "all" means: every DCT category; the cosign requirement is asked for by name. */
const ALL_DCT_CATEGORIES = POLICY_CATEGORIES.filter((category) => category !== 'cosign');

/** "unsigned,mismatch" (any number of comma lists; "all" for every category) as a set of categories. */
export function parsePolicy(values: readonly string[]): Set<AuditPolicyCategory> {
  const categories = new Set<AuditPolicyCategory>();
  for (const word of values.flatMap((value) => value.split(',')).map((part) => part.trim()).filter(Boolean)) {
    if (word === 'all') ALL_DCT_CATEGORIES.forEach((category) => categories.add(category));
    else if (isCategory(word)) categories.add(word);
    else throw new CountersignError('invalid-input', `--fail-on: unknown category "${word}" (use ${POLICY_CATEGORIES.join(', ')} or all)`);
  }
  return categories;
}

function isCategory(word: string): word is AuditPolicyCategory {
  return Object.hasOwn(POLICY_STATUSES, word);
}

export interface PolicyViolation {
  repository: string;
  tag: string;
  /** The DCT status, or "cosign <state>" for a tag refused by the cosign requirement. */
  status: TagStatus | `cosign ${string}`;
}

export function policyViolations(report: AuditReport, categories: ReadonlySet<AuditPolicyCategory>): PolicyViolation[] {
  return report.repositories.flatMap((repository) => repositoryViolations(repository, categories));
}

/** The tags of one repository that the policy refuses (a streamed audit judges each as it comes). */
export function repositoryViolations(repository: RepositoryAudit, categories: ReadonlySet<AuditPolicyCategory>): PolicyViolation[] {
  const refused = new Set([...categories].flatMap((category) => POLICY_STATUSES[category]));
  const requireCosign = categories.has('cosign');
  return repository.tags.flatMap((tag): PolicyViolation[] => {
    if (refused.has(tag.status)) return [{ repository: repository.repository, tag: tag.tag, status: tag.status }];
    // Without a cosign column there is nothing verified: the requirement fails closed.
    if (requireCosign && tag.cosign?.state !== 'verified') return [{ repository: repository.repository, tag: tag.tag, status: `cosign ${tag.cosign?.state ?? 'not checked'}` }];
    return [];
  });
}
