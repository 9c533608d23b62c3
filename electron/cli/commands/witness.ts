// `countersign witness GUN ROLE...`: re-sign roles as they are (notary witness). This is how a role is
// renewed before it expires (each signature gives it notary's default lifetime again: 3 years for
// targets and delegations, 10 for root); the snapshot is renewed with every publish, the timestamp by
// the server.
import { CountersignError } from '../../../shared/errors';
import { stageWitness } from '../../core/publish/witness';
import type { Command } from '../command';
import { witnessSpec } from './specs';
import { repositoryFor, stageAndFinish } from './publish';
import { runPlan, wantsPlan } from '../plan';

export const witnessCommand: Command = {
  ...witnessSpec,
  async run(cli, args) {
    const [gun, ...roles] = args.positionals;
    if (gun === undefined || roles.length === 0) throw new CountersignError('invalid-input', 'witness takes a repository and the roles to re-sign');
    const repo = repositoryFor(cli, { ...args, positionals: [gun] }, 'witness', 'none');
    // The app's expiry job re-signs the same way (witnessChange): its plan is this command's.
    if (wantsPlan(args)) return runPlan(cli, [repo.gun], { kind: 'expiry', roles });
    return stageAndFinish(cli, args, repo, () => stageWitness(repo.context, roles));
  },
};
