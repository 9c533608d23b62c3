// The per-repository half of the review: who may sign (and whether they still can), which keys
// exist and how old they are, and when each role expires.
import type { KeyAudit, RoleAudit, SignerAudit, SignerState } from '../../../shared/audit';
import type { RepositoryView, RoleView } from '../../../shared/domain';
import type { FailedRole } from './failed-roles';
import { daysUntil } from './tag-rules';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A delegation its parent declares but that has never been published signs nothing yet. */
function isUnpublished(role: RoleView): boolean {
  return role.status === 'verified' && role.version === undefined && role.name.startsWith('targets/');
}

export function roleAudits(view: RepositoryView, failed: ReadonlyMap<string, FailedRole>, now: Date): RoleAudit[] {
  return view.roles.map((role) => {
    const audit: RoleAudit = {
      name: role.name,
      status: role.status === 'failed' ? 'failed' : isUnpublished(role) ? 'unpublished' : 'verified',
      keyIds: [...(role.keyIds ?? [])],
    };
    if (role.version !== undefined) audit.version = role.version;
    if (role.expires !== undefined) {
      audit.expires = role.expires;
      audit.daysLeft = daysUntil(role.expires, now);
    }
    if (role.threshold !== undefined) audit.threshold = role.threshold;
    const failure = failed.get(role.name);
    if (failure) audit.revoked = failure.revoked;
    if (role.error) audit.error = role.error;
    return audit;
  });
}

export function signerAudits(view: RepositoryView, failed: ReadonlyMap<string, FailedRole>): SignerAudit[] {
  const roles = new Map(view.roles.map((role) => [role.name, role]));
  return view.signers.map((signer) => {
    const role = `targets/${signer.name}`;
    const roleView = roles.get(role);
    const failure = failed.get(role);
    const tags = [...new Set(view.signedTags.filter((row) => row.signers.includes(signer.name)).map((row) => row.tag))];
    const audit: SignerAudit = { name: signer.name, role, state: signerState(roleView, failure), keyIds: [...signer.keyIds], tags };
    if (failure) audit.error = failure.error;
    return audit;
  });
}

function signerState(role: RoleView | undefined, failure: FailedRole | undefined): SignerState {
  if (failure) return failure.revoked ? 'revoked' : 'invalid';
  // A signer whose last key was removed but who never published fails no check, yet can sign nothing.
  if (role && (role.keyIds ?? []).length === 0) return 'revoked';
  if (role && isUnpublished(role)) return 'unpublished';
  return 'active';
}

export function keyAudits(view: RepositoryView, now: Date): KeyAudit[] {
  return view.keys.map((key) => {
    const audit: KeyAudit = {
      id: key.id,
      keytype: key.keytype,
      roles: view.roles.filter((role) => (role.keyIds ?? []).includes(key.id)).map((role) => role.name),
    };
    if (key.canonicalId !== undefined) audit.canonicalId = key.canonicalId;
    if (key.certificateNotBefore !== undefined) {
      audit.notBefore = key.certificateNotBefore;
      audit.ageDays = Math.floor((now.getTime() - Date.parse(key.certificateNotBefore)) / DAY_MS);
    }
    if (key.certificateExpires !== undefined) audit.notAfter = key.certificateExpires;
    return audit;
  });
}
