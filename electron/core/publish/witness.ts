// `witness GUN ROLE...`: re-sign roles as they are (notary witness). This is also how a role is renewed
// before it expires: every signature gives it notary's default lifetime again (3 years for targets
// roles, 10 for root). The snapshot needs no witness of its own: it is signed again (when we hold its
// key) with every publish, so witnessing any role renews it too; the server renews the timestamp.
import { CountersignError } from '../../../shared/errors';
import type { StagedChange, WitnessChange } from './changes';
import { stageIfPublishable } from './delegations';
import { defaultExpiry } from './expiry';
import { plannedDraft, type StageContext } from './stage';

export async function stageWitness(context: StageContext, roles: readonly string[]): Promise<StagedChange[]> {
  if (roles.length === 0) throw new CountersignError('invalid-input', 'name the roles to re-sign (targets, targets/NAME, root)');
  const draft = await plannedDraft(context);
  const now = context.now?.() ?? new Date();
  const changes: WitnessChange[] = [];
  for (const role of new Set(roles)) {
    if (role === 'snapshot') throw new CountersignError('invalid-input', 'the snapshot is signed again with every publish: witness targets (or any role) to renew it');
    if (role === 'timestamp') throw new CountersignError('invalid-input', 'the notary server signs the timestamp and renews it itself');
    if (role !== 'root' && role !== 'targets') {
      if (!role.startsWith('targets/')) throw new CountersignError('invalid-input', `"${role}" is not a role: root, targets or targets/NAME`);
      draft.delegation(role); // role-missing unless delegated
      if (!draft.existingTargets(role)) throw new CountersignError('not-found', `${role} has never been signed: there is nothing to re-sign`, { role });
    }
    changes.push({ kind: 'witness', role, until: defaultExpiry(role, now) });
  }
  return stageIfPublishable(context, changes);
}
