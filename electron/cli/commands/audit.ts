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
} from '../../core/audit';
import { readCaFile } from '../../core/connect';
import { addCosignColumn, readCosignPublicKey } from '../../core/migrate';
import { registryOrigin, type RegistryClient } from '../../core/registry';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { auditSpec } from './specs';
import { readTextFile, type CliContext, type Output } from '../context';
import { formatTable } from '../table';
import { REDRAW_LINE } from '../visible-output';

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
    const cosignKeyFile = stringOption(args, 'cosign-key');
    if (policy.has('cosign') && cosignKeyFile === undefined) throw new CountersignError('invalid-input', '--fail-on cosign needs --cosign-key FILE');
    const cosignKey = cosignKeyFile === undefined ? undefined : readCosignPublicKey(readTextFile(cosignKeyFile), cosignKeyFile);

    const gunHost = stringOption(args, 'gun-host');
    const clients = auditClients(context, args, registryUrl, gunHost, concurrency);
    const progress = progressLine(context.err);
    let report: AuditReport;
    try {
      const listed = repositories.length > 0 ? repositories : await catalogOrHint(clients.registry);
      report = await auditRegistry({
        registry: clients.registry,
        notary: clients.notary,
        gunHost: clients.gunHost,
        home: context.home,
        concurrency,
        expiringWithinDays,
        repositories: listed,
        ...(progress ? { onProgress: progress.update } : {}),
      });
      if (cosignKey) await addCosignColumn(report, { registry: clients.registry, key: cosignKey });
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

/** The registry and notary clients of a registry-wide command (audit, migrate), sharing one CA's TLS context. */
export function auditClients(context: CliContext, args: ParsedArgs, registryUrl: string, gunHost: string | undefined, concurrency: number) {
  const origin = registryOrigin(registryUrl);
  const server = context.serverFor(`${gunHost ?? origin.host}/audit`);
  // Enough sockets for every repository in flight, each with a few manifest lookups.
  const connections = context.connections({ retry: {}, maxSockets: Math.max(16, concurrency * 2) });
  const caPem = (option: string): { caPem?: string } => {
    const file = stringOption(args, option);
    return file === undefined ? {} : { caPem: readCaFile(file) };
  };
  return {
    registry: connections.registry({ url: origin.origin, ...caPem('registry-ca') }),
    gunHost: gunHost ?? origin.host,
    notary: connections.notary({ url: server, ...caPem('tls-ca') }),
    close: () => connections.close(),
  };
}

/** A catalog the registry refuses (Harbor lets only admins list it) is worth a hint: name the repositories. */
async function catalogOrHint(registry: RegistryClient): Promise<string[]> {
  try {
    return await registry.catalog();
  } catch (error) {
    if (error instanceof CountersignError && (error.code === 'auth-required' || error.code === 'auth-failed' || error.code === 'access-denied')) {
      throw new CountersignError(error.code, `${error.message}. Listing every repository needs rights many registries give only to admins; name the repositories instead: --repo team/app (repeatable)`);
    }
    throw error;
  }
}

export function integerOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new CountersignError('invalid-input', `--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** "audit: 120/500 repositories" redrawn in place on a terminal; nothing at all on a pipe. */
export function progressLine(err: Output): { update: (progress: AuditProgress) => void; clear: () => void } | undefined {
  if (err.isTTY !== true) return undefined;
  return {
    update(progress) {
      const text = progress.phase === 'listing' ? 'audit: listing repositories…' : `audit: ${progress.done}/${progress.total} repositories`;
      err.write(`${REDRAW_LINE}${text}`);
    },
    clear: () => err.write(REDRAW_LINE),
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
  if (repository.trust === 'unreachable' && error) return `trust data unreadable: ${repository.unreadable ?? 'unreachable'} (${error.code}: ${error.message})`;
  if (repository.trust === 'stale' && error) return `the notary server could not be reached; using trust data verified at ${repository.verifiedAt ?? '?'} (${error.message})`;
  return undefined;
}

function humanReport(report: AuditReport): string {
  // The cosign column sits beside the DCT status, and only when a cosign key was given.
  const cosign = report.repositories.some((repository) => repository.tags.some((tag) => tag.cosign !== undefined));
  const rows = report.repositories.flatMap((repository) =>
    repository.tags.map((tag) => [repository.repository, tag.tag, tag.status, ...(cosign ? [tag.cosign?.state ?? ''] : []), tag.signers.join(', '), tag.reason]),
  );
  const parts: string[] = [];
  parts.push(`Audit of ${report.registry} against ${report.server} at ${report.auditedAt}\n\n`);
  const header = ['REPOSITORY', 'TAG', 'STATUS', ...(cosign ? ['COSIGN'] : []), 'SIGNERS', 'DETAIL'];
  parts.push(rows.length > 0 ? formatTable([header, ...rows]) : 'No tags.\n');
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
