// `countersign audit`: the security review of a whole registry for pipelines and people. The exit
// code follows the --fail-on policy; an audit that could not read some repository also fails, since
// a review with holes must not pass a pipeline.
import type { AuditPolicyCategory, AuditProgress, AuditReport, RepositoryAudit } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import {
  auditRegistry,
  auditRegistryStreamed,
  csvReportWriter,
  DEFAULT_AUDIT_CONCURRENCY,
  DEFAULT_EXPIRING_WITHIN_DAYS,
  jsonReportWriter,
  parsePolicy,
  repositoryViolations,
  type AuditOptions,
} from '../../core/audit';
import { readCaFile } from '../../core/connect';
import { addCosignToRepositories, readCosignPublicKey } from '../../core/migrate';
import { registryOrigin, type RegistryClient } from '../../core/registry';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { auditSpec } from './specs';
import { readTextFile, type CliContext, type Output } from '../context';
import { formatTable } from '../table';
import { cliViewCacheKey } from '../view-cache-key';
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
    // Warnings go out as the repositories come; the progress line is redrawn after each.
    const tally = new VerdictTally(policy, (text) => {
      progress?.clear();
      context.err.write(text);
    });
    const write = (text: string): void => context.out.write(text);
    // JSON and CSV are written a repository at a time (memory stays flat however big the registry);
    // the human table needs every row for its column widths.
    const writer = context.json ? jsonReportWriter(write) : flag(args, 'csv') ? csvReportWriter(write, { cosign: cosignKey !== undefined }) : undefined;
    try {
      const listed = repositories.length > 0 ? repositories : await catalogOrHint(clients.registry);
      const options: AuditOptions = {
        registry: clients.registry,
        notary: clients.notary,
        gunHost: clients.gunHost,
        home: context.home,
        concurrency,
        expiringWithinDays,
        repositories: listed,
        viewCacheKey: cliViewCacheKey(),
        ...(progress ? { onProgress: progress.update } : {}),
        ...(cosignKey ? { extend: (audit: RepositoryAudit, signal: AbortSignal) => addCosignToRepositories([audit], { registry: clients.registry, key: cosignKey, signal }) } : {}),
      };
      if (writer) {
        const summary = await auditRegistryStreamed(options, {
          begin: (header) => writer.begin(header),
          repository(audit) {
            tally.add(audit);
            writer.repository(audit);
          },
        });
        writer.end(summary);
      } else {
        const report = await auditRegistry(options);
        for (const audit of report.repositories) tally.add(audit);
        write(humanReport(report));
      }
    } finally {
      progress?.clear();
      clients.close();
    }
    return tally.verdict(context.err);
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

/** The exit code's facts, gathered a repository at a time: what could not be read, what the policy refuses. */
class VerdictTally {
  private incomplete = 0;
  private violations = 0;
  /** The first few refused tags, named in the message. */
  private readonly shown: string[] = [];

  constructor(private readonly policy: ReadonlySet<AuditPolicyCategory>, private readonly warn: (text: string) => void) {}

  add(repository: RepositoryAudit): void {
    const problem = repositoryProblem(repository);
    if (problem) this.warn(`warning: ${repository.repository}: ${problem}\n`);
    if (repository.registryError !== undefined || repository.trust === 'unreachable') this.incomplete += 1;
    for (const violation of repositoryViolations(repository, this.policy)) {
      this.violations += 1;
      if (this.shown.length < SHOWN_VIOLATIONS) this.shown.push(`${violation.repository}:${violation.tag} (${violation.status})`);
    }
  }

  verdict(err: Output): number {
    let code = 0;
    if (this.incomplete > 0) {
      err.write(`countersign: the audit is incomplete: ${this.incomplete} repositories could not be read\n`);
      code = 1;
    }
    if (this.violations > 0) {
      const more = this.violations > this.shown.length ? `, and ${this.violations - this.shown.length} more` : '';
      err.write(`countersign: --fail-on ${[...this.policy].join(',')}: ${this.violations} tag(s) fail the policy: ${this.shown.join(', ')}${more}\n`);
      code = 1;
    }
    return code;
  }
}

const SHOWN_VIOLATIONS = 10;

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
