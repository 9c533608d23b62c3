// `countersign audit`: the security review of a whole registry for pipelines and people. The exit
// code follows the --fail-on policy; an audit that could not read some repository also fails, since
// a review with holes must not pass a pipeline.
import type { AuditPolicyCategory, AuditProgress, AuditReport, RepositoryAudit } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import {
  auditRegistry,
  DEFAULT_AUDIT_CONCURRENCY,
  DEFAULT_EXPIRING_WITHIN_DAYS,
  parsePolicy,
  policyViolations,
  reportToCsv,
  reportToJson,
  RetryingHttpClient,
} from '../../core/audit';
import { NotaryClient } from '../../core/notary/notary-client';
import { dockerCredentialLookup, RegistryClient, registryOrigin } from '../../core/registry';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { auditSpec } from './specs';
import { dockerTlsCa, readCa, type CliContext, type Output } from '../context';
import { formatTable } from '../table';

const MAX_CONCURRENCY = 256;

export const auditCommand: Command = {
  ...auditSpec,
  async run(context, args) {
    const registryUrl = stringOption(args, 'registry');
    if (registryUrl === undefined) throw new CountersignError('invalid-input', 'audit needs --registry URL');
    if (args.positionals.length > 0) throw new CountersignError('invalid-input', `audit takes no arguments (use --repo): ${args.positionals.join(' ')}`);
    if (context.json && flag(args, 'csv')) throw new CountersignError('invalid-input', '--json and --csv cannot be combined');
    const policy = parsePolicy(stringsOption(args, 'fail-on'));
    const concurrency = integerOption(args, 'concurrency', DEFAULT_AUDIT_CONCURRENCY, 1, MAX_CONCURRENCY);
    const expiringWithinDays = integerOption(args, 'expiring-days', DEFAULT_EXPIRING_WITHIN_DAYS, 0, 36_500);
    const repositories = stringsOption(args, 'repo');

    const gunHost = stringOption(args, 'gun-host');
    const clients = auditClients(context, args, registryUrl, gunHost, concurrency);
    const progress = progressLine(context.err);
    let report: AuditReport;
    try {
      report = await auditRegistry({
        registry: clients.registry,
        notary: clients.notary,
        gunHost: clients.gunHost,
        home: context.home,
        concurrency,
        expiringWithinDays,
        ...(repositories.length > 0 ? { repositories } : {}),
        ...(progress ? { onProgress: progress.update } : {}),
      });
    } finally {
      progress?.clear();
      clients.close();
    }

    if (context.json) context.out.write(reportToJson(report));
    else if (flag(args, 'csv')) context.out.write(reportToCsv(report));
    else context.out.write(humanReport(report));
    return verdict(context, report, policy);
  },
};

function auditClients(context: CliContext, args: ParsedArgs, registryUrl: string, gunHost: string | undefined, concurrency: number) {
  const origin = registryOrigin(registryUrl);
  const server = context.serverFor(`${gunHost ?? origin.host}/audit`);
  const credentials = dockerCredentialLookup({ env: context.env });
  // Enough sockets for every repository in flight, each with a few manifest lookups.
  const maxSockets = Math.max(16, concurrency * 2);
  const registryCaFile = stringOption(args, 'registry-ca');
  const registryCa = registryCaFile !== undefined ? readCa(registryCaFile) : dockerTlsCa(origin.origin, context.env);
  const serverCaFile = stringOption(args, 'tls-ca');
  const serverCa = serverCaFile !== undefined ? readCa(serverCaFile) : dockerTlsCa(server, context.env);
  const clientTrusting = (ca: string | undefined) => new RetryingHttpClient({ credentials, maxSockets, ...(ca ? { ca } : {}) });
  // One client when both trust the same CA: its TLS context (every system root parsed) is built once.
  const registryHttp = clientTrusting(registryCa);
  const notaryHttp = serverCa === registryCa ? registryHttp : clientTrusting(serverCa);
  return {
    registry: new RegistryClient({ url: origin.origin, http: registryHttp }),
    gunHost: gunHost ?? origin.host,
    notary: new NotaryClient(server, notaryHttp),
    close() {
      registryHttp.close();
      notaryHttp.close();
    },
  };
}

function integerOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new CountersignError('invalid-input', `--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** "audit: 120/500 repositories" redrawn in place on a terminal; nothing at all on a pipe. */
function progressLine(err: Output): { update: (progress: AuditProgress) => void; clear: () => void } | undefined {
  if (err.isTTY !== true) return undefined;
  return {
    update(progress) {
      const text = progress.phase === 'listing' ? 'audit: listing repositories…' : `audit: ${progress.done}/${progress.total} repositories`;
      err.write(`\r\x1b[K${text}`);
    },
    clear: () => err.write('\r\x1b[K'),
  };
}

function verdict(context: CliContext, report: AuditReport, policy: ReadonlySet<AuditPolicyCategory>): number {
  let code = 0;
  for (const repository of report.repositories) {
    const problem = repositoryProblem(repository);
    if (problem) context.err.write(`warning: ${repository.repository}: ${problem}\n`);
  }
  if (report.incomplete > 0) {
    context.err.write(`countersign: the audit is incomplete: ${report.incomplete} repositories could not be read\n`);
    code = 1;
  }
  const violations = policyViolations(report, policy);
  if (violations.length > 0) {
    const shown = violations.slice(0, 10).map((v) => `${v.repository}:${v.tag} (${v.status})`);
    const more = violations.length > shown.length ? `, and ${violations.length - shown.length} more` : '';
    context.err.write(`countersign: --fail-on ${[...policy].join(',')}: ${violations.length} tag(s) fail the policy: ${shown.join(', ')}${more}\n`);
    code = 1;
  }
  return code;
}

function repositoryProblem(repository: RepositoryAudit): string | undefined {
  if (repository.registryError) return `the registry could not be read (${repository.registryError.code}: ${repository.registryError.message})`;
  const error = repository.trustError;
  if (repository.trust === 'unreachable' && error) return `the trust data could not be read (${error.code}: ${error.message})`;
  if (repository.trust === 'stale' && error) return `the notary server could not be reached; using trust data verified at ${repository.verifiedAt ?? '?'} (${error.message})`;
  return undefined;
}

function humanReport(report: AuditReport): string {
  const rows = report.repositories.flatMap((repository) =>
    repository.tags.map((tag) => [repository.repository, tag.tag, tag.status, tag.signers.join(', '), tag.reason]),
  );
  const parts: string[] = [];
  parts.push(`Audit of ${report.registry} against ${report.server} at ${report.auditedAt}\n\n`);
  parts.push(rows.length > 0 ? formatTable([['REPOSITORY', 'TAG', 'STATUS', 'SIGNERS', 'DETAIL'], ...rows]) : 'No tags.\n');
  const revoked = report.repositories.flatMap((repository) =>
    repository.signers.filter((signer) => signer.state !== 'active').map((signer) => [repository.repository, signer.name, signer.state]),
  );
  if (revoked.length > 0) parts.push(`\nSigners that cannot sign\n\n${formatTable([['REPOSITORY', 'SIGNER', 'STATE'], ...revoked])}`);
  const totals = Object.entries(report.totals)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  parts.push(`\n${report.repositories.length} repositories, ${totals.length > 0 ? totals.join(', ') : 'no tags'}\n`);
  return parts.join('');
}
