// Applies staged changes to a draft, in staging order. Each change is written so that applying it
// again to metadata that already contains it changes nothing: after a publish that got through but
// was not recorded (a killed process), or a conflict, the same changes are simply applied again.
import { CountersignError } from '../../../shared/errors';
import { canonicalString } from '../tuf/canonical';
import { pathAllowed } from '../tuf/trusted-set';
import type { Change, RepositoryInitChange, TargetMeta } from './changes';
import { applyDelegationDelete, applyDelegationUpdate } from './delegations-apply';
import type { RepositoryDraft } from './draft';
import { rootCertificateKeyId } from './new-repository';
import { applyKeyRotation } from './rotate-apply';
import { applyWitness } from './witness-apply';

export function applyChanges(draft: RepositoryDraft, changes: readonly Change[]): void {
  for (const change of changes) applyChange(draft, change);
}

function applyChange(draft: RepositoryDraft, change: Change): void {
  switch (change.kind) {
    case 'target-add':
      return addTarget(draft, change.role, change.name, change.meta);
    case 'target-remove':
      return removeTarget(draft, change.role, change.name);
    case 'repository-init':
      return checkCreatedBy(draft, change);
    case 'delegation-update':
      return applyDelegationUpdate(draft, change);
    case 'delegation-delete':
      return applyDelegationDelete(draft, change);
    case 'witness':
      return applyWitness(draft, change);
    case 'key-rotation':
      return applyKeyRotation(draft, change);
  }
}

/** notary's AddTargets: the role and every delegation above it must allow the name. */
function addTarget(draft: RepositoryDraft, role: string, name: string, meta: TargetMeta): void {
  const outside = draft.delegationChain(role).find((grant) => !pathAllowed(grant, name));
  if (outside) throw new CountersignError('delegation-path', `${role} may not sign "${name}": it is outside the paths delegated to ${outside.name}`, { role });
  const current = draft.existingTargets(role)?.targets[name];
  if (current && canonicalString(current) === canonicalString(meta)) return;
  draft.editTargets(role).targets[name] = structuredClone(meta);
}

/** A role that no longer exists, or does not list the name, already does not sign it. */
function removeTarget(draft: RepositoryDraft, role: string, name: string): void {
  if (role !== 'targets' && !isDelegated(draft, role)) return;
  if (draft.existingTargets(role)?.targets[name] === undefined) return;
  delete draft.editTargets(role).targets[name];
}

function isDelegated(draft: RepositoryDraft, role: string): boolean {
  try {
    draft.delegationChain(role);
    return true;
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'role-missing') return false;
    throw error;
  }
}

/**
 * A staged init meets a repository that exists: fine when its root is ours (our earlier publish got
 * through), refused otherwise — someone else owns this name on the server.
 */
function checkCreatedBy(draft: RepositoryDraft, init: RepositoryInitChange): void {
  if (draft.isNew) return;
  if (draft.root.roles.root.keyids.includes(rootCertificateKeyId(init))) return;
  throw new CountersignError('publish-rejected', `${draft.gun} already exists on the server with another root key; drop the staged init with countersign reset`, { role: 'root' });
}
