// Witnessing: re-signing a role as it is, which renews its expiry (and repairs a role whose signatures
// no longer meet its keys, e.g. after a signer was removed). The change names the expiry it is for:
// a role that already expires that late was re-signed after the witness was staged (by this publish
// that got through unrecorded, or by someone else), so applying it again changes nothing.
import type { WitnessChange } from './changes';
import type { RepositoryDraft } from './draft';

export function applyWitness(draft: RepositoryDraft, change: WitnessChange): void {
  const expires = change.role === 'root' ? draft.root.expires : draft.existingTargets(change.role)?.expires;
  if (expires !== undefined && Date.parse(expires) >= Date.parse(change.until)) return;
  if (change.role === 'root') draft.editRoot();
  else draft.editTargets(change.role);
}

export function describeWitness(change: WitnessChange): string {
  return `re-sign ${change.role} as it is (valid until at least ${change.until.slice(0, 10)})`;
}
