// The write commands: init, sign, revoke (docker trust's semantics), and publish, status, reset for
// the staged changes behind them. Like docker trust, init, sign and revoke publish at once; --stage
// keeps the change staged (notary's default) until `countersign publish GUN` sends everything staged.
// Each command is a core job (electron/core/jobs), the same one the app runs; this file only reads
// the options and prints what the job found on the server.
import { digestHex, isKeyId } from '../../../shared/names';
import { CountersignError } from '../../../shared/errors';
import { waitingForEarlierStaged, withRetried } from '../../../shared/earlier-staged';
import type { FlowProgress, FlowSummary, RepositoryRef } from '../../../shared/schemas/flows';
import { createJobs } from '../../core/jobs';
import type { JobContext } from '../../core/jobs/environment';
import { finishOwn, openForWrite, type EarlierStaged } from '../../core/jobs/open';
import { describeChange, type StagedChange } from '../../core/publish/changes';
import { emptyOutcome, publishedOutcome } from '../../core/jobs/run';
import { vaultSigningKeys } from '../../core/publish/signing';
import { stagingArea, type StageContext } from '../../core/publish/stage';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { initSpec, signSpec, revokeSpec, publishSpec, statusSpec, resetSpec } from './specs';
import { gunOf, type CliContext } from '../context';
import { cliJobEnvironment, cliRepositoryRef } from '../job-environment';
import { printSummary } from '../outcome';
import { formatTable } from '../table';
import { confirmOnTerminal, requireConfirmation } from '../confirm';
import { runPlan, wantsPlan } from '../plan';
import { openVault } from './key';

/** What the options say about changes staged earlier; at a terminal the job asks when they say nothing. */
export function earlierStagedOption(args: ParsedArgs): EarlierStaged {
  if (flag(args, 'include-staged') && flag(args, 'leave-staged')) throw new CountersignError('invalid-input', '--include-staged and --leave-staged contradict each other');
  if (flag(args, 'include-staged') || flag(args, 'stage')) return 'include';
  return flag(args, 'leave-staged') ? 'leave' : 'refuse';
}

/**
 * Runs a job; when it refuses because changes were staged earlier and the options said nothing, a
 * terminal user is shown them and asked (without a terminal the refusal stands, naming the options).
 * Ctrl-C or SIGTERM cancels: the job then finds out what the server has before it answers.
 */
export async function runJob<S extends FlowSummary>(
  cli: CliContext,
  args: ParsedArgs,
  /** `only`: when asked again, just these repositories (the ones that were waiting for the answer). */
  job: (earlier: EarlierStaged, context: JobContext<FlowProgress>, only?: readonly RepositoryRef[]) => Promise<S>,
  extra: object | ((summary: S) => object) = {},
): Promise<number> {
  // Ctrl-C and SIGTERM abort cli.signal (stop-signals.ts); the job then finds out what the server has.
  const context: JobContext<FlowProgress> = { signal: cli.signal, progress: (event) => progressLine(cli, event) };
  const policy = earlierStagedOption(args);
  let summary = await job(policy, context);
  const waiting = waitingForEarlierStaged(summary);
  const pending = summary.outcomes.find((outcome) => outcome.error?.code === 'staged-changes-pending');
  if (pending?.error !== undefined && policy === 'refuse' && process.stdin.isTTY) {
    cli.err.write(`${pending.error.message}\n`);
    const include = await confirmOnTerminal('Publish them too? (yes: publish them with this change; no: leave them staged) ');
    summary = withRetried(summary, await job(include ? 'include' : 'leave', context, waiting));
  }
  return printSummary(cli, summary, typeof extra === 'function' ? extra(summary) : extra);
}

function progressLine(cli: CliContext, event: FlowProgress): void {
  if (cli.err.isTTY === true && event.current !== undefined) cli.err.write(`${event.current.gun}: ${event.current.step}...\n`);
}

export interface Repository {
  gun: string;
  tag: string | undefined;
  context: StageContext & { vault: ReturnType<typeof openVault> };
}

/** The repository argument; `tag` says whether GUN:TAG is wanted, allowed or refused. */
export function repositoryFor(cli: CliContext, args: ParsedArgs, command: string, tag: 'required' | 'optional' | 'none'): Repository {
  const input = args.positionals[0];
  if (input === undefined || args.positionals.length > 1) throw new CountersignError('invalid-input', `${command} takes exactly one repository`);
  const parsed = gunOf(input);
  if (tag === 'required' && parsed.tag === undefined) throw new CountersignError('invalid-input', `${command} needs GUN:TAG`);
  if (tag === 'none' && parsed.tag !== undefined) throw new CountersignError('invalid-input', `${command} takes a repository, not a tag`);
  const notary = cli.notary(cli.serverFor(parsed.gun));
  const vault = openVault(cli);
  return { gun: parsed.gun, tag: parsed.tag, context: { home: cli.home, notary, gun: parsed.gun, vault, keys: vaultSigningKeys(vault) } };
}

/**
 * For the commands that stage with a core rule of their own (signer, delegation, witness): the
 * repository opened for writing as every job opens it (verified with the pins; earlier staged changes
 * settled by the options), then `stage` makes this command's changes, published unless --stage.
 */
export async function stageAndFinish(cli: CliContext, args: ParsedArgs, repo: Repository, stage: () => Promise<StagedChange[]>, extra: object = {}): Promise<number> {
  const ref = cliRepositoryRef(cli, repo.gun);
  return runJob(
    cli,
    args,
    async (earlier, context) => {
      repo.context.signal = context.signal;
      try {
        await openForWrite(repo.context, earlier);
      } catch (error) {
        if (error instanceof CountersignError && error.code === 'staged-changes-pending') return { outcomes: [{ ...emptyOutcome(ref, 'failed'), error: error.toInfo() }] };
        throw error;
      }
      const result = await finishOwn(repo.context, await stage(), () => context.signal.throwIfAborted(), flag(args, 'stage'));
      return { outcomes: [publishedOutcome(ref, result)] };
    },
    extra,
  );
}

const initCommand: Command = {
  ...initSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'init', 'none');
    const rootKeyId = stringOption(args, 'root-key');
    if (wantsPlan(args)) {
      // The plan shows the root key the job makes; one picked from the vault is not planned (yet).
      if (rootKeyId !== undefined) throw new CountersignError('invalid-input', 'init --plan plans a new root key: leave out --root-key');
      return runPlan(cli, [repo.gun], { kind: 'init', serverManagedSnapshot: flag(args, 'server-managed-snapshot') });
    }
    const jobs = createJobs(cliJobEnvironment(cli));
    return runJob(cli, args, (earlierStaged, context) =>
      jobs.init.repository(
        { ...cliRepositoryRef(cli, repo.gun), serverManagedSnapshot: flag(args, 'server-managed-snapshot'), ...(rootKeyId ? { rootKeyId } : {}), earlierStaged, stageOnly: flag(args, 'stage') },
        context,
      ),
    );
  },
};

const signCommand: Command = {
  ...signSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'sign', 'required');
    // Which keys sign does not depend on the digest: the plan needs neither --digest nor the registry.
    if (wantsPlan(args)) return runPlan(cli, [repo.gun], { kind: 'sign', tag: repo.tag!, roles: stringsOption(args, 'role') });
    const registryUrl = stringOption(args, 'registry');
    const target = stringOption(args, 'digest') === undefined && registryUrl !== undefined ? undefined : targetOption(args);
    const registryCa = stringOption(args, 'registry-ca');
    const jobs = createJobs(cliJobEnvironment(cli, registryCa === undefined ? {} : { registryCaFile: registryCa }));
    return runJob(cli, args, (earlierStaged, context) =>
      jobs.sign.tag(
        { ...cliRepositoryRef(cli, repo.gun), tag: repo.tag!, target, roles: stringsOption(args, 'role'), guard: registryUrl === undefined ? undefined : { url: registryUrl }, earlierStaged, stageOnly: flag(args, 'stage') },
        context,
      ),
    );
  },
};

/** --digest and --size, checked: what to sign when the registry is not asked for it. */
function targetOption(args: ParsedArgs): { digest: string; size: number } {
  const digest = stringOption(args, 'digest') ?? '';
  if (digestHex(digest) === undefined) throw new CountersignError('invalid-input', 'sign needs --digest sha256:<64 hex digits>');
  const size = stringOption(args, 'size') ?? '';
  if (!/^\d{1,15}$/.test(size)) throw new CountersignError('invalid-input', 'sign needs --size with the manifest size in bytes');
  return { digest, size: Number(size) };
}

const revokeCommand: Command = {
  ...revokeSpec,
  async run(cli, args) {
    const keyId = stringOption(args, 'key');
    if (keyId !== undefined && wantsPlan(args)) throw new CountersignError('invalid-input', 'revoke --key has no --plan: without --yes it lists the tags that lose their signatures and asks first');
    const jobs = createJobs(cliJobEnvironment(cli));
    if (keyId !== undefined) return revokeKey(cli, args, keyId, jobs);
    const repo = repositoryFor(cli, args, 'revoke', 'optional');
    // Nothing is removed by a plan, so revoking every tag needs no confirmation to be planned.
    if (wantsPlan(args)) return runPlan(cli, [repo.gun], { kind: 'revoke', ...(repo.tag === undefined ? {} : { tag: repo.tag }) });
    if (repo.tag === undefined) await requireConfirmation(args, 'yes', `Remove all signature data for ${repo.gun}?`, `not revoking every tag of ${repo.gun}`);
    return runJob(cli, args, (earlierStaged, context) =>
      jobs.revoke.tags({ ...cliRepositoryRef(cli, repo.gun), ...(repo.tag === undefined ? {} : { tag: repo.tag }), confirmAll: true, earlierStaged, stageOnly: flag(args, 'stage') }, context),
    );
  },
};

/**
 * A compromised key: removed from every delegation of the repositories named, with the app's preview
 * of which tags lose their signatures (docker's rule); --resign ROLE signs those tags again into ROLE.
 */
async function revokeKey(cli: CliContext, args: ParsedArgs, keyIdOrPrefix: string, jobs: ReturnType<typeof createJobs>): Promise<number> {
  if (args.positionals.length === 0) throw new CountersignError('invalid-input', 'revoke --key ID needs the repositories to remove it from');
  const refs = args.positionals.map((input) => cliRepositoryRef(cli, gunOf(input).gun));
  const keyId = await fullKeyId(cli, keyIdOrPrefix);
  const previews = await jobs.revoke.keyPreview(keyId, refs, { signal: new AbortController().signal, progress: () => undefined });
  for (const preview of previews) {
    if (preview.error !== undefined) continue;
    for (const tag of preview.losing) cli.err.write(`${preview.gun}: ${tag.tag} loses its valid signatures (signed by ${tag.roles.join(', ')})\n`);
  }
  await requireConfirmation(args, 'yes', `Remove key ${keyId.slice(0, 12)} from every delegation of ${refs.map((r) => r.gun).join(', ')}?`, `not removing key ${keyId.slice(0, 12)}`);
  const resignRole = stringOption(args, 'resign');
  const targets = refs.map((ref) => {
    const losing = previews.find((p) => p.gun === ref.gun)?.losing ?? [];
    return resignRole === undefined || losing.length === 0 ? ref : { ...ref, resign: { role: resignRole, tags: losing.map((t) => t.tag) } };
  });
  const onlyThese = (only: readonly RepositoryRef[] | undefined) => (only === undefined ? targets : targets.filter((target) => only.some((ref) => ref.gun === target.gun && ref.serverId === target.serverId)));
  return runJob(cli, args, (earlierStaged, context, only) => jobs.revoke.key(keyId, onlyThese(only), context, earlierStaged), { keyId, previews });
}

/** The 64-hex ID of a key given by a prefix of it (as `key list` shows 12 characters). */
async function fullKeyId(cli: CliContext, prefix: string): Promise<string> {
  if (isKeyId(prefix)) return prefix;
  if (!/^[0-9a-f]{6,63}$/.test(prefix)) throw new CountersignError('invalid-input', `"${prefix}" is not a key ID (hex, at least 6 digits)`);
  const matches = (await openVault(cli).list()).map((key) => key.id).filter((id) => id.startsWith(prefix));
  if (matches.length === 1) return matches[0]!;
  throw new CountersignError('invalid-input', matches.length === 0 ? `no key in the vault starts with ${prefix}: give the full 64-digit key ID` : `${prefix} matches ${matches.length} keys: give more digits`);
}

const publishCommand: Command = {
  ...publishSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'publish', 'none');
    const jobs = createJobs(cliJobEnvironment(cli));
    return runJob(cli, args, (_earlier, context) => jobs.publish.run([cliRepositoryRef(cli, repo.gun)], context));
  },
};

const statusCommand: Command = {
  ...statusSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'status', 'none');
    const staged = await stagingArea(repo.context).list();
    if (cli.json) {
      cli.out.write(`${JSON.stringify({ gun: repo.gun, server: repo.context.notary.serverUrl, staged }, null, 2)}\n`);
    } else if (staged.length === 0) {
      cli.out.write(`No staged changes for ${repo.gun}.\n`);
    } else {
      cli.out.write(`Staged changes for ${repo.gun} on ${repo.context.notary.serverUrl}:\n\n`);
      cli.out.write(formatTable([['ID', 'STAGED', 'CHANGE'], ...staged.map((c) => [c.id, c.stagedAt, describeChange(c)])]));
    }
    return 0;
  },
};

const resetCommand: Command = {
  ...resetSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'reset', 'none');
    const ids = stringsOption(args, 'id');
    const jobs = createJobs(cliJobEnvironment(cli));
    const { dropped, unreadableFiles } = await jobs.publish.discard({ ...cliRepositoryRef(cli, repo.gun), ...(ids.length > 0 ? { ids } : {}) }, cli.signal);
    const damaged = unreadableFiles === 0 ? '' : ` and ${unreadableFiles} damaged file(s) of staged changes that could not be read`;
    cli.out.write(cli.json ? `${JSON.stringify({ gun: repo.gun, dropped, unreadableFiles })}\n` : `Dropped ${dropped} staged change(s)${damaged} of ${repo.gun}.\n`);
    return 0;
  },
};

export const publishCommands: readonly Command[] = [initCommand, signCommand, revokeCommand, publishCommand, statusCommand, resetCommand];
