// `countersign inspect`: docker trust inspect, verified by Countersign's stricter engine.
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import { naturalCompare } from '../../../shared/reference';
import { countersignExtras, formatDockerJson, toDockerInspect } from '../../core/trust/docker-inspect';
import { loadRepository, type LoadedRepository } from '../../core/trust/load-repository';
import { REPO_ADMIN } from '../../core/trust/repository-view';
import { flag } from '../args';
import type { Command } from '../command';
import { inspectSpec } from './specs';
import { gunOf, type CliContext } from '../context';
import { formatTable } from '../table';
import { cliViewCacheKey } from '../view-cache-key';

export const inspectCommand: Command = {
  ...inspectSpec,
  async run(context, args) {
    if (args.positionals.length === 0) throw new CountersignError('invalid-input', 'inspect needs at least one repository');
    const strict = flag(args, 'strict');
    if (flag(args, 'pretty') && !context.json) return inspectPretty(context, args.positionals, strict);
    const items: object[] = [];
    let failed = false;
    for (const input of args.positionals) {
      try {
        const { gun, tag } = gunOf(input);
        const { view, signedTagsJson } = await verifiedView(context, gun, strict);
        items.push({ ...toDockerInspect(input, view, tag, signedTagsJson), ...countersignExtras(view) });
      } catch (error) {
        failed = true;
        reportError(context, input, toErrorInfo(error));
      }
    }
    context.out.write(formatDockerJson(items));
    return failed ? 1 : 0;
  },
};

/** The verified view, and docker's SignedTags of it as printed when asked for (JSON output). */
async function verifiedView(context: CliContext, gun: string, strict: boolean, printed = true): Promise<Pick<LoadedRepository, 'view' | 'signedTagsJson'>> {
  const server = context.serverFor(gun);
  const notary = context.notary(server);
  const loaded = await loadRepository({
    home: context.home,
    server: notary.serverUrl,
    gun,
    fetcher: notary.fetcher(gun),
    viewCacheKey: cliViewCacheKey(),
    withSignedTagsJson: printed,
    // Neither docker's JSON nor --pretty shows it.
    withTrustAnchor: false,
  });
  const { view } = loaded;
  for (const warning of view.warnings) context.err.write(`warning: ${gun}: ${describeWarning(warning)}\n`);
  if (view.stale) {
    context.err.write(`warning: ${gun}: ${view.stale.reason.message}; showing the data verified at ${view.verifiedAt}\n`);
  }
  if (strict && view.warnings.length > 0) {
    const first = view.warnings[0]!;
    throw new CountersignError(first.code, `--strict: ${describeWarning(first)}`, first.role ? { role: first.role } : {});
  }
  if (strict && view.stale) throw new CountersignError(view.stale.reason.code, `--strict: the server could not be reached: ${view.stale.reason.message}`);
  return loaded;
}

/** A failed delegation is left out whole; a target without a sha256 is left out of the signed tags. */
function describeWarning(warning: ErrorInfo): string {
  if (warning.code === 'target-without-sha256') return `${warning.code}: ${warning.message}`;
  return `${warning.role ?? 'a delegation'} failed verification and is left out (${warning.code}: ${warning.message})`;
}

function reportError(context: CliContext, input: string, error: ErrorInfo): void {
  const role = error.role ? ` [${error.role}]` : '';
  context.err.write(`error: ${input}: ${error.code}${role}: ${error.message}\n`);
}

/** Mirrors docker trust inspect --pretty, including stopping at the first repository that fails. */
async function inspectPretty(context: CliContext, inputs: string[], strict: boolean): Promise<number> {
  for (const [index, input] of inputs.entries()) {
    let view: RepositoryView;
    let tag: string | undefined;
    try {
      const parsed = gunOf(input);
      tag = parsed.tag;
      ({ view } = await verifiedView(context, parsed.gun, strict, false));
    } catch (error) {
      reportError(context, input, toErrorInfo(error));
      return 1;
    }
    context.out.write(prettyText(input, view, tag));
    if (index < inputs.length - 1) context.out.write('\n\n');
  }
  return 0;
}

export function prettyText(input: string, view: RepositoryView, tag?: string): string {
  const parts: string[] = [];
  const rows = tag === undefined ? view.signedTags : view.signedTags.filter((row) => row.tag === tag);
  if (rows.length > 0) {
    parts.push(`\nSignatures for ${input}\n\n`);
    const table = rows.map((row) => {
      const signers = row.signers[0] === REPO_ADMIN && row.signers.length === 1 ? [`(${REPO_ADMIN})`] : [...row.signers].sort();
      return [row.tag, row.digest, signers.join(', ')];
    });
    parts.push(formatTable([['SIGNED TAG', 'DIGEST', 'SIGNERS'], ...table]));
  } else {
    parts.push(`\nNo signatures for ${input}\n\n`);
  }
  if (view.signers.length > 0) {
    parts.push(`\nList of signers and their keys for ${input}\n\n`);
    const signers = [...view.signers].sort((a, b) => naturalCompare(a.name, b.name));
    const table = signers.map((s) => [s.name, [...s.keyIds].sort().map((id) => id.slice(0, 12)).join(', ')]);
    parts.push(formatTable([['SIGNER', 'KEYS'], ...table]));
  }
  parts.push(`\nAdministrative keys for ${input}\n\n`);
  parts.push(`  Repository Key:\t${[...view.administrativeKeys.repository].sort().join(', ')}\n`);
  parts.push(`  Root Key:\t${[...view.administrativeKeys.root].sort().join(', ')}\n`);
  return parts.join('');
}
