// The write commands: init, sign, revoke (docker trust's semantics), and publish, status, reset for
// the staged changes behind them. Like docker trust, init, sign and revoke publish at once; --stage
// keeps the change staged (notary's default) until `countersign publish GUN` sends everything staged.
import { CountersignError } from '../../../shared/errors';
import { describeChange, type StagedChange, type TargetMeta } from '../../core/publish/changes';
import { confirmRegistryServes, registryTarget } from '../../core/publish/digest-guard';
import { publishStaged, type PublishResult } from '../../core/publish/publish';
import { vaultSigningKeys } from '../../core/publish/signing';
import { stageInit, stageRevocation, stageSignature, stagingArea, type StageContext } from '../../core/publish/stage';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { initSpec, signSpec, revokeSpec, publishSpec, statusSpec, resetSpec } from './specs';
import { gunOf, type CliContext } from '../context';
import { formatTable } from '../table';
import { requireConfirmation } from '../confirm';
import { openVault } from './key';

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

/** Publishes unless --stage; prints what was staged, and what was published. */
export async function stagedThenPublished(cli: CliContext, args: ParsedArgs, repo: Repository, staged: StagedChange[], extra: object = {}): Promise<number> {
  if (flag(args, 'stage')) {
    const text = `${staged.map((change) => `Staged: ${describeChange(change)}\n`).join('')}Publish with: countersign publish ${repo.gun}\n`;
    cli.out.write(cli.json ? `${JSON.stringify({ gun: repo.gun, staged, ...extra }, null, 2)}\n` : text);
    return 0;
  }
  return printPublished(cli, await publishStaged(repo.context), extra);
}

export function printPublished(cli: CliContext, result: PublishResult, extra: object = {}): number {
  if (cli.json) {
    cli.out.write(`${JSON.stringify({ ...result, ...extra }, null, 2)}\n`);
    return 0;
  }
  const lines = result.changes.map((change) => `  ${describeChange(change)}\n`);
  if (result.changes.length === 0) {
    cli.out.write(`Nothing is staged for ${result.gun}.\n`);
  } else if (!result.published) {
    cli.out.write(`Already in ${result.gun} on the server; dropped the staged changes:\n${lines.join('')}`);
  } else {
    const versions = Object.entries(result.versions).map(([role, version]) => `${role} v${version}`);
    const server = result.serverSigned.length > 0 ? ` (${result.serverSigned.join(' and ')} signed by the server)` : '';
    const retried = result.attempts > 1 ? ` after ${result.attempts - 1} conflict(s) with other publishers` : '';
    cli.out.write(`Published ${result.gun}: ${versions.join(', ')}${server}${retried}\n${lines.join('')}`);
  }
  return 0;
}

const initCommand: Command = {
  ...initSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'init', 'none');
    const rootKeyId = stringOption(args, 'root-key');
    const staged = await stageInit(repo.context, { serverManagedSnapshot: flag(args, 'server-managed-snapshot'), ...(rootKeyId ? { rootKeyId } : {}) });
    return stagedThenPublished(cli, args, repo, staged);
  },
};

const signCommand: Command = {
  ...signSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'sign', 'required');
    const target = await guardedTarget(cli, args, repo.gun, repo.tag!);
    const staged = await stageSignature(repo.context, repo.tag!, target, stringsOption(args, 'role'));
    return stagedThenPublished(cli, args, repo, staged);
  },
};

/** The digest to sign: as given, checked against the registry when one is named; or read from it. */
async function guardedTarget(cli: CliContext, args: ParsedArgs, gun: string, tag: string): Promise<TargetMeta> {
  const registryUrl = stringOption(args, 'registry');
  if (registryUrl === undefined) return targetMeta(args);
  const registry = cli.registry(registryUrl, stringOption(args, 'registry-ca'));
  if (stringOption(args, 'digest') === undefined) return registryTarget(registry, gun, tag);
  const target = targetMeta(args);
  await confirmRegistryServes(registry, gun, tag, target);
  return target;
}

function targetMeta(args: ParsedArgs): TargetMeta {
  const digest = /^sha256:([0-9a-f]{64})$/.exec(stringOption(args, 'digest') ?? '');
  if (!digest) throw new CountersignError('invalid-input', 'sign needs --digest sha256:<64 hex digits>');
  const size = stringOption(args, 'size') ?? '';
  if (!/^\d{1,15}$/.test(size)) throw new CountersignError('invalid-input', 'sign needs --size with the manifest size in bytes');
  return { length: Number(size), hashes: { sha256: Buffer.from(digest[1]!, 'hex').toString('base64') } };
}

const revokeCommand: Command = {
  ...revokeSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'revoke', 'optional');
    if (repo.tag === undefined) await requireConfirmation(args, 'yes', `Remove all signature data for ${repo.gun}?`, `not revoking every tag of ${repo.gun}`);
    const plan = await stageRevocation(repo.context, repo.tag);
    for (const { role, names } of plan.kept) {
      cli.err.write(`warning: ${role} still signs ${names.length === 1 ? names[0] : `${names.length} tags`}: the vault holds none of its keys\n`);
    }
    return stagedThenPublished(cli, args, repo, plan.staged, { kept: plan.kept });
  },
};

const publishCommand: Command = {
  ...publishSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'publish', 'none');
    return printPublished(cli, await publishStaged(repo.context));
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
    const staging = stagingArea(repo.context);
    let dropped: number;
    if (ids.length > 0) {
      dropped = (await staging.drop(ids)).length;
    } else {
      // By file, so that a damaged file (which list() refuses to read) goes too.
      dropped = (await staging.list().catch(() => [])).length;
      await staging.dropAll();
    }
    cli.out.write(cli.json ? `${JSON.stringify({ gun: repo.gun, dropped })}\n` : `Dropped ${dropped} staged change(s) of ${repo.gun}.\n`);
    return 0;
  },
};

export const publishCommands: readonly Command[] = [initCommand, signCommand, revokeCommand, publishCommand, statusCommand, resetCommand];
