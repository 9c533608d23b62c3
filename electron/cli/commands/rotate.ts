// `countersign rotate GUN root|targets|snapshot|timestamp [--server-managed]` (notary key rotate). The
// new key is in the keychain (or on the server) before the rotation is staged; published at once
// unless --stage; the old key leaves the vault only after the server accepted the new root, and only
// when nothing we know still trusts it (old root keys are always kept). See core/publish/rotate.ts.
import { CountersignError } from '../../../shared/errors';
import { publishStaged } from '../../core/publish/publish';
import { vaultSigningKeys } from '../../core/publish/signing';
import { retireRotatedKeys, ROTATABLE_ROLES, stageKeyRotation, type RotatableRole, type RotationPlan, type RetiredKeys } from '../../core/publish/rotate';
import { flag } from '../args';
import type { Command } from '../command';
import { rotateSpec } from './specs';
import type { CliContext } from '../context';
import { printPublished, repositoryFor, stagedThenPublished } from './publish';

export const rotateCommand: Command = {
  ...rotateSpec,
  async run(cli, args) {
    const [gun, role, ...extra] = args.positionals;
    if (gun === undefined || role === undefined || extra.length > 0) throw new CountersignError('invalid-input', 'rotate takes a repository and a role: root, targets, snapshot or timestamp');
    if (!(ROTATABLE_ROLES as readonly string[]).includes(role)) throw new CountersignError('invalid-input', `"${role}" cannot be rotated: root, targets, snapshot or timestamp`);
    const repo = repositoryFor(cli, { ...args, positionals: [gun] }, 'rotate', 'none');
    const plan = await stageKeyRotation(repo.context, role as RotatableRole, { serverManaged: flag(args, 'server-managed') });
    const rotation = { role: plan.role, serverManaged: plan.serverManaged, newKeyIds: plan.newKeyIds, oldKeyIds: plan.oldKeyIds };
    if (flag(args, 'stage')) {
      await stagedThenPublished(cli, args, repo, plan.staged, { rotation });
      if (!cli.json) cli.out.write(`The old ${plan.role} key stays in the vault; once published, remove it with countersign key remove.\n`);
      return 0;
    }
    let result;
    try {
      // A new SigningKeys: the one the rotation staged with was made before the new key existed.
      result = await publishStaged({ ...repo.context, keys: vaultSigningKeys(repo.context.vault) });
    } catch (error) {
      cli.err.write(`The new ${plan.role} key ${describeNewKey(plan)} and the old one are kept; the rotation stays staged: countersign publish ${repo.gun} retries it.\n`);
      throw error;
    }
    const retired = await retireRotatedKeys({ home: cli.home, vault: repo.context.vault }, plan, { keep: flag(args, 'keep-old-key') });
    printPublished(cli, result, { rotation, retired });
    if (!cli.json) printKeys(cli, plan, retired);
    return 0;
  },
};

function describeNewKey(plan: RotationPlan): string {
  return `${plan.newKeyIds.join(', ')} (${plan.serverManaged ? 'held by the server' : 'in the keychain'})`;
}

function printKeys(cli: CliContext, plan: RotationPlan, retired: RetiredKeys): void {
  cli.out.write(`New ${plan.role} key: ${describeNewKey(plan)}\n`);
  for (const id of retired.removed) cli.out.write(`Removed the old ${plan.role} key ${id} from the vault.\n`);
  for (const { id, reason } of retired.kept) cli.out.write(`Kept the old ${plan.role} key ${id}: ${reason}.\n`);
}
