// `countersign delegation add|remove|list`: notary's delegation commands over the write path, with
// docker trust's publishing habit (at once, unless --stage). Key IDs are canonical, as notary and
// docker print them.
import { resolve } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import { listDelegations, planDelegationRemoval, stageDelegationAdd } from '../../core/publish/delegations';
import { showPath } from '../../core/publish/delegations-apply';
import { readDelegationKeyFiles } from '../../core/publish/delegations-keys';
import { stagingArea } from '../../core/publish/stage';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { delegationAddSpec, delegationRemoveSpec, delegationListSpec } from './specs';
import type { CliContext } from '../context';
import { formatTable } from '../table';
import { requireConfirmation } from '../confirm';
import { repositoryFor, stageAndFinish, type Repository } from './publish';

const delegationAddCommand: Command = {
  ...delegationAddSpec,
  async run(cli, args) {
    const { repo, role } = repositoryAndRole(cli, args, 'delegation add');
    const keyFiles = stringsOption(args, 'key');
    const keys = keyFiles.length > 0 ? await readDelegationKeyFiles(keyFiles.map((file) => resolve(file))) : [];
    const threshold = thresholdOption(args);
    return stageAndFinish(cli, args, repo, () =>
      stageDelegationAdd(repo.context, role, {
        keys,
        paths: stringsOption(args, 'paths'),
        allPaths: flag(args, 'all-paths'),
        ...(threshold === undefined ? {} : { threshold }),
      }),
    );
  },
};

const delegationRemoveCommand: Command = {
  ...delegationRemoveSpec,
  async run(cli, args) {
    const { repo, role } = repositoryAndRole(cli, args, 'delegation remove');
    const removed: { keyIds: string[] } = { keyIds: [] };
    return stageAndFinish(
      cli,
      args,
      repo,
      async () => {
        const plan = await planDelegationRemoval(repo.context, role, { keyIds: stringsOption(args, 'key'), paths: stringsOption(args, 'paths'), allPaths: flag(args, 'all-paths') });
        const risk = plan.removesRole ? `Remove ${role} from ${repo.gun} with all its keys, paths and signed tags` : plan.unverifiable;
        if (risk) await requireConfirmation(args, 'yes', `${risk}. Continue?`, `not changing ${role}: ${risk}`, { role });
        if (plan.unsignable) cli.err.write(`warning: ${plan.unsignable}\n`);
        removed.keyIds = plan.removedKeyIds;
        return stagingArea(repo.context).stage(plan.changes, repo.context.now?.());
      },
      { removedKeyIds: removed.keyIds },
    );
  },
};

const delegationListCommand: Command = {
  ...delegationListSpec,
  async run(cli, args) {
    const repo = repositoryFor(cli, args, 'delegation list', 'none');
    const delegations = await listDelegations(repo.context);
    if (cli.json) {
      cli.out.write(`${JSON.stringify({ gun: repo.gun, delegations }, null, 2)}\n`);
    } else if (delegations.length === 0) {
      cli.out.write(`No delegations in ${repo.gun}.\n`);
    } else {
      // notary's layout: one line per role, further paths and keys on continuation lines.
      const rows = delegations.flatMap((d) => {
        const lines = Math.max(1, d.paths.length, d.keyIds.length);
        const status = d.status === 'verified' ? `until ${d.expires?.slice(0, 10) ?? '-'}` : `FAILED: ${d.error?.code ?? ''}`;
        return Array.from({ length: lines }, (_, i) => [i === 0 ? d.role : '', d.paths[i] === undefined ? '' : showPath(d.paths[i]!), d.keyIds[i] ?? '', i === 0 ? String(d.threshold) : '', i === 0 ? status : '']);
      });
      cli.out.write(formatTable([['ROLE', 'PATHS', 'KEY IDS', 'THRESHOLD', 'STATUS'], ...rows]));
    }
    return 0;
  },
};

/** GUN ROLE: the repository as publish commands take it, and the delegated role. */
function repositoryAndRole(cli: CliContext, args: ParsedArgs, command: string): { repo: Repository; role: string } {
  const [gun, role, ...extra] = args.positionals;
  if (gun === undefined || role === undefined || extra.length > 0) throw new CountersignError('invalid-input', `${command} takes a repository and a role (targets/NAME)`);
  return { repo: repositoryFor(cli, { ...args, positionals: [gun] }, command, 'none'), role };
}

function thresholdOption(args: ParsedArgs): number | undefined {
  const value = stringOption(args, 'threshold');
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,2}$/.test(value)) throw new CountersignError('invalid-input', '--threshold needs a whole number of signatures, at least 1');
  return Number(value);
}

export const delegationCommands: readonly Command[] = [delegationAddCommand, delegationRemoveCommand, delegationListCommand];
