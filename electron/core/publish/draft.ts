// A working copy of a repository's metadata: copies of the verified `signed` objects (unknown fields
// included), which staged changes edit and mark dirty. Nothing here signs or talks to the server;
// build-update.ts turns a draft into files (in notary's form: see notary-form.ts for why).
import { CountersignError, type ErrorInfo } from '../../../shared/errors';
import type { DelegatedRole, PublicKeyJson, RootSigned, SnapshotSigned, TargetsSigned } from '../tuf/metadata';
import type { TrustedSet } from '../tuf/trusted-set';
import type { DelegationFailure } from '../tuf/updater';

/** The keys that must sign a role, as its parent (root, or the delegating targets role) lists them. */
export interface RoleKeyRequirement {
  role: string;
  keyids: readonly string[];
  threshold: number;
  keys: Readonly<Record<string, PublicKeyJson>>;
}

interface DraftTargets {
  signed: TargetsSigned;
  dirty: boolean;
}

export class RepositoryDraft {
  private rootSigned: RootSigned;
  private rootChanged: boolean;
  private readonly targetsRoles = new Map<string, DraftTargets>();
  private readonly deletedRoles = new Set<string>();

  private constructor(
    readonly gun: string,
    root: RootSigned,
    /** The root role the server trusts now: a new root must be signed by it too. Undefined for a new repository. */
    readonly trustedRoot: RoleKeyRequirement | undefined,
    /** The snapshot served now (a copy), if any: the next one starts from it. */
    readonly snapshot: SnapshotSigned | undefined,
    private readonly failures: ReadonlyMap<string, ErrorInfo>,
  ) {
    this.rootSigned = root;
    this.rootChanged = trustedRoot === undefined;
  }

  /** A draft over what was just verified. Delegations that failed verification cannot be edited. */
  static fromVerified(set: TrustedSet, failedDelegations: readonly DelegationFailure[] = []): RepositoryDraft {
    const root = structuredClone(set.root.signed);
    const trustedRoot = { role: 'root', ...root.roles.root, keys: root.keys };
    const snapshot = set.snapshot ? structuredClone(set.snapshot.signed) : undefined;
    const draft = new RepositoryDraft(set.gun, root, structuredClone(trustedRoot), snapshot, new Map(failedDelegations.map((f) => [f.role, f.error])));
    const targets = set.targets;
    if (!targets) throw new CountersignError('internal', 'a draft needs verified targets');
    draft.targetsRoles.set('targets', { signed: structuredClone(targets.signed), dirty: false });
    for (const [name, envelope] of set.delegations) draft.targetsRoles.set(name, { signed: structuredClone(envelope.signed), dirty: false });
    return draft;
  }

  /** A repository that does not exist yet (notary init): root and targets are new and dirty, versions 0. */
  static create(gun: string, root: RootSigned, targets: TargetsSigned): RepositoryDraft {
    const draft = new RepositoryDraft(gun, root, undefined, undefined, new Map());
    draft.targetsRoles.set('targets', { signed: targets, dirty: true });
    return draft;
  }

  get isNew(): boolean {
    return this.trustedRoot === undefined;
  }

  get root(): Readonly<RootSigned> {
    return this.rootSigned;
  }

  get rootDirty(): boolean {
    return this.rootChanged;
  }

  /** The root to edit (a key rotation): it will be re-signed with the old and the new root keys. */
  editRoot(): RootSigned {
    this.rootChanged = true;
    return this.rootSigned;
  }

  /**
   * A targets role to read, or undefined when it has no metadata yet (delegated but never published,
   * or not delegated at all). A role that failed verification is an error: nothing may build on it.
   */
  existingTargets(role: string): Readonly<TargetsSigned> | undefined {
    this.refuseFailed(role);
    return this.targetsRoles.get(role)?.signed;
  }

  /**
   * A targets role to edit: marked dirty (re-signed with version + 1). A role that is delegated but
   * never published starts empty, as notary does; a role nobody delegates is `role-missing`.
   */
  editTargets(role: string): TargetsSigned {
    this.refuseFailed(role);
    let entry = this.targetsRoles.get(role);
    if (!entry) {
      this.delegation(role); // throws unless the parent delegates it
      entry = { signed: emptyTargets(), dirty: false };
      this.targetsRoles.set(role, entry);
      this.deletedRoles.delete(role);
    }
    entry.dirty = true;
    return entry.signed;
  }

  /** Every targets role with metadata (verified or created in this draft), parents before children. */
  targetsRoleNames(): string[] {
    return [...this.targetsRoles.keys()].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  }

  dirtyTargetsRoles(): string[] {
    return this.targetsRoleNames().filter((name) => this.targetsRoles.get(name)!.dirty);
  }

  /** A delegation as its parent (in this draft) grants it; `role-missing` when the parent does not. */
  delegation(role: string): { grant: DelegatedRole; keys: Readonly<Record<string, PublicKeyJson>>; parent: string } {
    const parent = parentOf(role);
    if (parent === undefined) throw new CountersignError('invalid-input', `"${role}" is not a delegated role`);
    const delegations = this.existingTargets(parent)?.delegations;
    const grant = delegations?.roles.find((r) => r.name === role);
    if (!delegations || !grant) throw new CountersignError('role-missing', `${parent} does not delegate ${role}`, { role });
    return { grant, keys: delegations.keys, parent };
  }

  /** The delegations from targets down to `role` (empty for targets itself): each limits the paths it may sign. */
  delegationChain(role: string): DelegatedRole[] {
    const chain: DelegatedRole[] = [];
    for (let name: string | undefined = role; name !== undefined && name !== 'targets'; name = parentOf(name)) {
      chain.unshift(this.delegation(name).grant);
    }
    return chain;
  }

  /** Who must sign a role: root's keys for the top-level roles, the parent's grant for a delegation. */
  signingKeys(role: string): RoleKeyRequirement {
    if (role === 'root' || role === 'targets' || role === 'snapshot' || role === 'timestamp') {
      return { role, ...this.rootSigned.roles[role], keys: this.rootSigned.keys };
    }
    const { grant, keys } = this.delegation(role);
    return { role, keyids: grant.keyids, threshold: grant.threshold, keys };
  }

  /** Removes a delegated role's metadata (its parent must stop delegating it in the same publish). */
  deleteRole(role: string): void {
    if (parentOf(role) === undefined) throw new CountersignError('invalid-input', `${role} cannot be deleted`);
    this.targetsRoles.delete(role);
    this.deletedRoles.add(role);
  }

  get deleted(): ReadonlySet<string> {
    return this.deletedRoles;
  }

  private refuseFailed(role: string): void {
    const failure = this.failures.get(role);
    if (failure) {
      throw new CountersignError(failure.code, `${role} failed verification, so nothing can be changed in it: ${failure.message}`, { role });
    }
  }
}

/** "targets/a/b" -> "targets/a"; "targets" and other top-level roles -> undefined. */
export function parentOf(role: string): string | undefined {
  const at = role.lastIndexOf('/');
  return at === -1 ? undefined : role.slice(0, at);
}

/** What notary's InitTargets makes: no targets, no delegations, version 0 (the first signature makes it 1). */
export function emptyTargets(): TargetsSigned {
  return { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: '1970-01-01T00:00:00Z', targets: {}, version: 0 };
}
