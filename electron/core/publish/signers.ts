// `signer add` and `signer remove` with docker trust's semantics (cli/command/trust/signer_add.go,
// signer_remove.go), in two staging steps the CLI publishes:
// - add: the repository is created first when it does not exist (as docker does: the vault's root key
//   if it has one, the snapshot key on the server); then targets/NAME with every path and the keys,
//   and the same keys added to targets/releases (created with every path when missing).
// - remove: the signer's keys leave targets/releases and targets/NAME goes. (docker 28 silently does
//   nothing here unless the signer is the last one; this is what it means to do.) When targets/releases
//   would be left unsignable or its signed tags untrusted, the caller must confirm first, as docker
//   asks; when releases keeps no key at all it is removed with the signer, so that the repository
//   can be signed again (by the admin into targets, or by signers added later) instead of being stuck
//   with a role nobody can sign.
import { isSignerName } from '../../../shared/names';
import { CountersignError } from '../../../shared/errors';
import type { KeyVault } from '../keys/vault';
import type { Envelope, TargetsSigned } from '../tuf/metadata';
import { applyChanges } from './apply-changes';
import type { Change, DelegationUpdateChange, StagedChange } from './changes';
import { checkPublishable, delegationIn, removalInputs, witnessToKeepVerifying } from './delegations';
import { canonicalKeyIdsOf } from './delegations-apply';
import { stagedDelegationKey, type DelegationKey } from './delegations-keys';
import type { RepositoryDraft } from './draft';
import { holdsKeyFor } from './signing';
import { plannedDraft, stageInit, stagingArea, type StageContext } from './stage';

export const RELEASES_ROLE = 'targets/releases';

export type SignerContext = StageContext & { vault: Pick<KeyVault, 'generate' | 'get' | 'getSigner' | 'list'> };

export function checkSignerName(name: string): void {
  if (!isSignerName(name)) {
    throw new CountersignError('invalid-input', `signer name "${name}" must start with a lowercase letter or digit and may contain lowercase letters, digits, "-" and "_"`);
  }
  if (name === 'releases') throw new CountersignError('invalid-input', 'releases is a reserved name: choose another signer name');
}

export interface SignerAddResult {
  staged: StagedChange[];
  /** True when creating the repository was staged first. */
  initialized: boolean;
  /**
   * The vault holds the snapshot key: signers publishing on their own (docker trust sign) need it too,
   * since the server only completes updates whose snapshot it can sign (rotate snapshot --server-managed).
   */
  snapshotKeyHeldHere: boolean;
}

export async function stageSignerAdd(context: SignerContext, name: string, keys: readonly DelegationKey[]): Promise<SignerAddResult> {
  checkSignerName(name);
  if (keys.length === 0) throw new CountersignError('invalid-input', "give the signer's public key with --key FILE");
  const init = (await repositoryPlanned(context)) ? [] : await stageInit(context, { serverManagedSnapshot: true, ...(await firstRootKey(context.vault)) });
  try {
    const changes = signerAddChanges(name, keys);
    const planned = await checkPublishable(context, changes);
    const staged = await stagingArea(context).stage(changes, context.now?.());
    return { staged: [...init, ...staged], initialized: init.length > 0, snapshotKeyHeldHere: await holdsKeyFor(planned.signingKeys('snapshot'), context.keys) };
  } catch (error) {
    // Creating the repository was only staged for this signer.
    await stagingArea(context).drop(init.map((change) => change.id));
    throw error;
  }
}

/** docker's addStagedSigner: targets/NAME and targets/releases, each with every path and the signer's keys. */
export function signerAddChanges(name: string, keys: readonly DelegationKey[]): DelegationUpdateChange[] {
  checkSignerName(name);
  const addKeys = keys.map(stagedDelegationKey);
  const grant = (role: string): DelegationUpdateChange => ({ kind: 'delegation-update', role, addKeys, removeKeyIds: [], addPaths: [''], removePaths: [], clearPaths: false });
  return [grant(`targets/${name}`), grant(RELEASES_ROLE)];
}

/** True when the repository exists, or creating it is staged. */
async function repositoryPlanned(context: StageContext): Promise<boolean> {
  try {
    await plannedDraft(context);
    return true;
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'repository-not-found') return false;
    throw error;
  }
}

/** docker reuses the first root key it holds for every repository it creates. */
async function firstRootKey(vault: SignerContext['vault']): Promise<{ rootKeyId?: string }> {
  const root = (await vault.list()).find((record) => record.role === 'root' && record.location === 'keychain');
  return root ? { rootKeyId: root.id } : {};
}

export interface SignerRemovalPlan {
  gun: string;
  name: string;
  changes: Change[];
  /** Canonical IDs of the signer's keys. */
  keyIds: string[];
  /** Why the caller must confirm first (docker asks too); undefined when nothing is lost. */
  confirm?: string;
  /** targets/releases is removed too: the signer held its last keys. */
  releasesRemoved: boolean;
  /** targets/releases is re-signed in the same publish, so that its tags stay trusted. */
  releasesResigned: boolean;
}

/** Plans removing a signer and checks it can be published; nothing is staged yet. */
export async function planSignerRemoval(context: StageContext, name: string): Promise<SignerRemovalPlan> {
  const inputs = await removalInputs(context);
  const plan = signerRemovalPlan({ ...inputs, served: inputs.served?.trusted.delegations.get(RELEASES_ROLE), name });
  await checkPublishable(context, plan.changes);
  return plan;
}

/**
 * The changes that remove a signer from `draft` (the repository as planned; this edits it), given
 * targets/releases as served and verified and the canonical IDs of the keys we hold.
 */
export function signerRemovalPlan(input: { draft: RepositoryDraft; served: Envelope<TargetsSigned> | undefined; held: ReadonlySet<string>; name: string; now: Date }): SignerRemovalPlan {
  const { draft, name } = input;
  if (name === 'releases') throw new CountersignError('invalid-input', 'releases is a reserved name and cannot be removed');
  const role = `targets/${name}`;
  const signer = name.includes('/') ? undefined : delegationIn(draft, role);
  if (!signer) throw new CountersignError('not-found', `no signer ${name} for repository ${draft.gun}`);
  const keyIds = canonicalKeyIdsOf(signer.grant, signer.keys);
  const plan: SignerRemovalPlan = { gun: draft.gun, name, changes: [], keyIds, releasesRemoved: false, releasesResigned: false };

  const releases = delegationIn(draft, RELEASES_ROLE);
  if (releases) {
    const releasesIds = canonicalKeyIdsOf(releases.grant, releases.keys);
    const remaining = releasesIds.filter((id) => !keyIds.includes(id));
    const tags = Object.keys(draft.existingTargets(RELEASES_ROLE)?.targets ?? {}).length;
    if (remaining.length === 0) {
      plan.changes.push({ kind: 'delegation-delete', role: RELEASES_ROLE });
      plan.releasesRemoved = true;
      plan.confirm = `"${name}" holds the last keys of ${RELEASES_ROLE}: removing it removes ${RELEASES_ROLE} and its ${tags} signed tag(s), and no signer can sign ${draft.gun} until one is added`;
    } else if (remaining.length < releasesIds.length) {
      const update: DelegationUpdateChange = {
        kind: 'delegation-update',
        role: RELEASES_ROLE,
        addKeys: [],
        removeKeyIds: releasesIds.filter((id) => keyIds.includes(id)),
        addPaths: [],
        removePaths: [],
        clearPaths: false,
      };
      plan.changes.push(update);
      if (remaining.length < releases.grant.threshold) {
        plan.confirm = `${RELEASES_ROLE} would keep ${remaining.length} key(s) but needs ${releases.grant.threshold} signatures: nobody can sign ${draft.gun} as a signer until keys are added`;
      } else {
        applyChanges(draft, [update]);
        const { witness, unverifiable } = witnessToKeepVerifying(draft, input.served, input.held, RELEASES_ROLE, input.now);
        if (witness) plan.changes.push(witness);
        plan.releasesResigned = witness !== undefined;
        if (unverifiable) plan.confirm = `the signer "${name}" signed the last released version of ${draft.gun}: ${unverifiable}`;
      }
    }
  }
  plan.changes.push({ kind: 'delegation-delete', role });
  return plan;
}

