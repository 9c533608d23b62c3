// `witness GUN ROLE...`: re-sign roles as they are (notary witness). This is also how a role is renewed
// before it expires: every signature gives it notary's default lifetime again (3 years for targets
// roles, 10 for root). The snapshot needs no witness of its own: it is signed again (when we hold its
// key) with every publish, so witnessing any role renews it too; the server renews the timestamp.
import { CountersignError } from '../../../shared/errors';
import type { StagedChange, WitnessChange } from './changes';
import { stageIfPublishable } from './delegations';
import type { RepositoryDraft } from './draft';
import { defaultExpiry } from './expiry';
import { plannedDraft, type StageContext } from './stage';

export async function stageWitness(context: StageContext, roles: readonly string[]): Promise<StagedChange[]> {
  if (roles.length === 0) throw new CountersignError('invalid-input', 'name the roles to re-sign (targets, targets/NAME, root)');
  const draft = await plannedDraft(context);
  const now = context.now?.() ?? new Date();
  return stageIfPublishable(context, [...new Set(roles)].map((role) => witnessChange(draft, role, now)));
}

/**
 * The roles to witness so that `roles` are renewed: the snapshot by re-signing targets, since every
 * publish signs it again. The expiry job and its plan (jobs/plan.ts) both go through here.
 */
export function rolesToWitness(roles: readonly string[]): string[] {
  return [...new Set(roles.map((role) => (role === 'snapshot' ? 'targets' : role)))];
}

/** Re-signing `role` as it is, or why it cannot be: not a role we sign, no longer delegated, never signed, failed verification. */
export function witnessChange(draft: RepositoryDraft, role: string, now: Date): WitnessChange {
  if (role === 'snapshot') throw new CountersignError('invalid-input', 'the snapshot is signed again with every publish: witness targets (or any role) to renew it');
  if (role === 'timestamp') throw new CountersignError('invalid-input', 'the notary server signs the timestamp and renews it itself');
  if (role !== 'root' && role !== 'targets') {
    if (!role.startsWith('targets/')) throw new CountersignError('invalid-input', `"${role}" is not a role: root, targets or targets/NAME`);
    draft.delegation(role); // role-missing unless delegated
    // A role that failed verification throws here: nothing may build on it.
    if (!draft.existingTargets(role)) throw new CountersignError('not-found', `${role} has never been signed: there is nothing to re-sign`, { role });
  }
  return { kind: 'witness', role, until: defaultExpiry(role, now) };
}
