// `countersign signer add|remove NAME GUN...`: docker trust's signer commands over the write path.
// Like docker, several repositories may be named; each is done on its own, a failure is reported and
// the others go on, and the exit status says whether all of them succeeded. Like init, sign and
// revoke, each publishes at once unless --stage.
import { resolve } from 'node:path';
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import { readDelegationKeyFiles } from '../../core/publish/delegations-keys';
import { checkSignerName, planSignerRemoval, stageSignerAdd } from '../../core/publish/signers';
import { stagingArea } from '../../core/publish/stage';
import { stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { signerAddSpec, signerRemoveSpec } from './specs';
import type { CliContext } from '../context';
import { requireConfirmation } from '../confirm';
import { repositoryFor, stageAndFinish, type Repository } from './publish';
import { runPlan, wantsPlan } from '../plan';

const signerAddCommand: Command = {
  ...signerAddSpec,
  async run(cli, args) {
    const [name, ...guns] = namesAndRepositories(args.positionals, 'signer add');
    checkSignerName(name);
    // The plan names the targets key that delegates to the signer; its keys are read only to add it.
    if (wantsPlan(args)) return runPlan(cli, guns.map((input) => repositoryFor(cli, { ...args, positionals: [input] }, 'signer add', 'none').gun), { kind: 'delegate', name });
    const keys = await readDelegationKeyFiles(stringsOption(args, 'key').map((file) => resolve(file)));
    return forEachRepository(cli, args, guns, 'signer add', 'failed to add signer to', async (repo) => {
      progress(cli, `Adding signer "${name}" to ${repo.gun}...\n`);
      return stageAndFinish(
        cli,
        args,
        repo,
        async () => {
          const added = await stageSignerAdd(repo.context, name, keys);
          if (added.initialized) progress(cli, `Initializing signed repository for ${repo.gun} (the server holds its snapshot key)...\n`);
          if (added.snapshotKeyHeldHere) {
            cli.err.write(`warning: you hold the snapshot key of ${repo.gun}: "${name}" can sign with docker trust only with it too, or after countersign rotate ${repo.gun} snapshot --server-managed\n`);
          }
          return added.staged;
        },
        { signer: name },
      );
    });
  },
};

const signerRemoveCommand: Command = {
  ...signerRemoveSpec,
  async run(cli, args) {
    const [name, ...guns] = namesAndRepositories(args.positionals, 'signer remove');
    return forEachRepository(cli, args, guns, 'signer remove', 'failed to remove signer from', async (repo) => {
      progress(cli, `Removing signer "${name}" from ${repo.gun}...\n`);
      return stageAndFinish(
        cli,
        args,
        repo,
        async () => {
          const plan = await planSignerRemoval(repo.context, name);
          if (plan.confirm) await requireConfirmation(args, 'force', `${plan.confirm}.\nRemove "${name}" from ${repo.gun}?`, `not removing "${name}" from ${repo.gun}: ${plan.confirm}`);
          if (plan.releasesResigned) progress(cli, `targets/releases is re-signed with your key, so that its tags stay trusted.\n`);
          return stagingArea(repo.context).stage(plan.changes, repo.context.now?.());
        },
        { signer: name },
      );
    });
  },
};

function namesAndRepositories(positionals: readonly string[], command: string): [string, ...string[]] {
  const [name, ...guns] = positionals;
  if (name === undefined || guns.length === 0) throw new CountersignError('invalid-input', `${command} needs a signer NAME and at least one repository`);
  return [name, ...guns];
}

/** Human progress lines go to stderr with --json, so stdout stays one JSON document per repository. */
function progress(cli: CliContext, text: string): void {
  (cli.json ? cli.err : cli.out).write(text);
}

/**
 * Runs `task` for each repository; a failure is printed and the others go on (as docker does). One
 * failure is rethrown as it is; several become one error naming them all.
 */
async function forEachRepository(cli: CliContext, args: ParsedArgs, inputs: readonly string[], command: string, failedWhat: string, task: (repo: Repository) => Promise<number>): Promise<number> {
  const failures: { gun: string; error: unknown }[] = [];
  for (const input of inputs) {
    try {
      // The outcome (what the server has, what stays staged) was printed; a non-zero status is a failure.
      if ((await task(repositoryFor(cli, { ...args, positionals: [input] }, command, 'none'))) !== 0) {
        throw new CountersignError('publish-rejected', `${command} did not reach the server for ${input}`);
      }
    } catch (error) {
      failures.push({ gun: input, error });
      if (inputs.length > 1) {
        const info = toErrorInfo(error);
        cli.err.write(`countersign: ${input}: ${info.code}: ${info.message}\n`);
      }
    }
  }
  if (failures.length === 0) return 0;
  if (inputs.length === 1) throw failures[0]!.error;
  throw new CountersignError(toErrorInfo(failures[0]!.error).code, `${failedWhat}: ${failures.map((f) => f.gun).join(', ')}`);
}

export const signerCommands: readonly Command[] = [signerAddCommand, signerRemoveCommand];
