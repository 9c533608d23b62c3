// The one object that owns trust in a repository's metadata. It takes untrusted bytes in the
// order of the client workflow — root, timestamp, snapshot, targets, delegations — and either
// stores them verified or throws a CountersignError naming the failed check and the role.
//
// Loading rules (TUF client workflow, notary flavour):
// - It starts from a root we already trust (pinned on first use, or cached after verification).
// - A new root must be exactly the next version and be signed by a threshold of the old root's
//   root keys and of its own; root keys are certificates for this GUN (notary's rule).
// - Timestamp, snapshot and targets are signed by the keys root names for them; snapshot and
//   targets must match the length and hashes that timestamp and snapshot vouch for.
// - No role's version may go below the version trusted in an earlier refresh (delegations too,
//   which notary does not remember).
// - Everything must be unexpired at the one `now` read at the start of the refresh.
// - A delegation is signed by the keys its parent delegates to it, and may only list targets
//   inside its paths as restricted by every ancestor's.
// - Every name a targets file delegates to is a valid notary role name and a direct child of that
//   file's role, listed once, with keys the file includes: checked when the file is admitted, so no
//   request is ever made for a name that is not.
// - Timestamp vouches for snapshot, and snapshot for root and targets, by sha256; every listed hash
//   has its algorithm's length. Root keys are certificates notary accepts (see checks.ts).
// The rules against notary's, one by one: README.md in this folder.
// It does no I/O: fetching, caching and the retry on root rotation are the updater's job.
import { CountersignError } from '../../../shared/errors';
import {
  checkDelegationsOf,
  checkFileMeta,
  checkFileMetaHashes,
  checkKeyIds,
  checkNotExpired,
  checkRootCertificates,
  checkRootStructure,
  checkThreshold,
  checkVersionAtLeastOne,
  checkVersionNotBelow,
  usableRootKey,
} from './checks';
import {
  parseEnvelope,
  type DelegatedRole,
  type Envelope,
  type FileMeta,
  type PublicKeyJson,
  type RoleKeys,
  type RootSigned,
  type SignedByKind,
  type SnapshotSigned,
  type TargetsSigned,
  type TimestampSigned,
} from './metadata';

export interface TrustedSetOptions {
  gun: string;
  /** Read once per refresh, so every check sees the same clock. */
  now: Date;
  /** Versions trusted in earlier refreshes, per role (rollback protection across runs). */
  trustedVersions?: Readonly<Record<string, number>>;
  /** Hex sha256 of byte arrays already hashed (by the cache as it read them), so none is hashed twice. */
  knownDigests?: WeakMap<Uint8Array, string>;
}

/** A delegation as its parent grants it, with the path limits of all its ancestors. */
export interface DelegationGrant {
  role: DelegatedRole;
  parent: string;
  keys: Readonly<Record<string, PublicKeyJson>>;
  /** Path limits of every ancestor delegation; a target must satisfy all of them and its own. */
  ancestorLimits: DelegatedRole[];
}

export class TrustedSet {
  readonly gun: string;
  readonly now: Date;
  private readonly trustedVersions: Readonly<Record<string, number>>;
  private rootEnvelope: Envelope<RootSigned>;
  private timestampEnvelope: Envelope<TimestampSigned> | undefined;
  private snapshotEnvelope: Envelope<SnapshotSigned> | undefined;
  private targetsEnvelope: Envelope<TargetsSigned> | undefined;
  private readonly delegationEnvelopes = new Map<string, Envelope<TargetsSigned>>();
  private readonly knownDigests: WeakMap<Uint8Array, string> | undefined;
  /** Hex sha256 of the byte arrays the hash checks computed, keyed by the array itself. */
  private readonly digests = new WeakMap<Uint8Array, string>();

  /**
   * Starts from a root that is already trusted (a pin or a verified cache). It must still be
   * well formed and signed by its own keys: a corrupted cache must not become the trust anchor.
   * Its expiry and its certificates' validity in time are checked after any rotation, by
   * checkRootFresh, since a root that expired (or whose certificate did) may be superseded by a new
   * one it signed — notary lets a root rotate away from an expired certificate too.
   */
  constructor(trustedRootBytes: Uint8Array, options: TrustedSetOptions) {
    this.gun = options.gun;
    this.now = options.now;
    this.trustedVersions = options.trustedVersions ?? {};
    this.knownDigests = options.knownDigests;
    const root = parseEnvelope('root', 'root', trustedRootBytes);
    checkRootStructure(root.signed);
    checkKeyIds(root.signed.keys, Object.keys(root.signed.keys), 'root');
    checkRootCertificates(root.signed, this.gun, undefined);
    checkThreshold(root, root.signed.roles.root, root.signed.keys, 'root', usableRootKey(this.gun, undefined));
    checkVersionNotBelow(root.signed.version, this.trustedVersions['root'], 'root');
    this.rootEnvelope = root;
  }

  get root(): Envelope<RootSigned> {
    return this.rootEnvelope;
  }
  get timestamp(): Envelope<TimestampSigned> | undefined {
    return this.timestampEnvelope;
  }
  get snapshot(): Envelope<SnapshotSigned> | undefined {
    return this.snapshotEnvelope;
  }
  get targets(): Envelope<TargetsSigned> | undefined {
    return this.targetsEnvelope;
  }
  get delegations(): ReadonlyMap<string, Envelope<TargetsSigned>> {
    return this.delegationEnvelopes;
  }

  /** Root rotation: the next version, signed by a threshold of the old root keys and of its own. */
  updateRoot(bytes: Uint8Array): void {
    if (this.timestampEnvelope) throw misuse('updateRoot after timestamp');
    const old = this.rootEnvelope.signed;
    const next = parseEnvelope('root', 'root', bytes);
    // An older root offered as the next one is a replay, not a broken chain: say so.
    checkVersionNotBelow(next.signed.version, old.version, 'root');
    if (next.signed.version !== old.version + 1) {
      throw new CountersignError('root-rotation', `root version ${next.signed.version} does not follow the trusted version ${old.version}`, {
        role: 'root',
      });
    }
    checkRootStructure(next.signed);
    checkKeyIds(next.signed.keys, Object.keys(next.signed.keys), 'root');
    try {
      // notary counts the previous root's signatures only from its usable certificates (for this
      // GUN, not SHA-1, RSA >= 2048 bits), expired ones included: a bare key listed beside them is not one.
      checkThreshold(next, old.roles.root, old.keys, 'root', usableRootKey(this.gun, undefined));
    } catch (error) {
      throw new CountersignError('root-rotation', `root version ${next.signed.version} is not signed by the previous root's keys: ${(error as Error).message}`, {
        role: 'root',
        cause: error,
      });
    }
    checkRootCertificates(next.signed, this.gun, this.now);
    checkThreshold(next, next.signed.roles.root, next.signed.keys, 'root', usableRootKey(this.gun, this.now));
    this.rootEnvelope = next;
  }

  /** After the last rotation: an expired root, or one without a valid certificate now, means nothing signed under it can be trusted. */
  checkRootFresh(): void {
    const root = this.rootEnvelope;
    checkNotExpired(root.signed.expires, this.now, 'root');
    checkRootCertificates(root.signed, this.gun, this.now);
    // Listing enough valid certificates is not enough: as in notary's ValidateRoot, the threshold of
    // signatures must come from certificates valid now, not from one that has expired since it signed.
    checkThreshold(root, root.signed.roles.root, root.signed.keys, 'root', usableRootKey(this.gun, this.now));
  }

  /** True when snapshot vouches for exactly the root we trust; false means a rotation happened. */
  rootMatchesSnapshot(): boolean {
    const meta = this.requireSnapshot().signed.meta['root'];
    if (!meta) throw misuse('rootMatchesSnapshot with a snapshot that lists no root'); // updateSnapshot refuses those
    try {
      this.checkBytes(this.rootEnvelope.bytes, meta, 'root');
      return true;
    } catch {
      return false;
    }
  }

  updateTimestamp(bytes: Uint8Array): void {
    if (this.snapshotEnvelope) throw misuse('updateTimestamp after snapshot');
    const root = this.rootEnvelope.signed;
    const timestamp = this.admit('timestamp', 'timestamp', bytes, { role: root.roles.timestamp, keys: root.keys });
    checkFileMetaHashes(timestamp.signed.meta.snapshot, 'snapshot', 'timestamp', true);
    this.timestampEnvelope = timestamp;
  }

  /** What timestamp says snapshot must be: the updater uses it to fetch by hash and cap the size. */
  snapshotMeta(): FileMeta {
    const timestamp = this.timestampEnvelope;
    if (!timestamp) throw misuse('snapshotMeta before timestamp');
    return timestamp.signed.meta.snapshot;
  }

  updateSnapshot(bytes: Uint8Array): void {
    if (this.targetsEnvelope) throw misuse('updateSnapshot after targets');
    const root = this.rootEnvelope.signed;
    const snapshot = this.admit('snapshot', 'snapshot', bytes, { role: root.roles.snapshot, keys: root.keys, meta: this.snapshotMeta() });
    checkSnapshotMeta(snapshot.signed);
    this.snapshotEnvelope = snapshot;
  }

  /** The length and hashes snapshot lists for a targets or delegation role, if it lists it. */
  metaFor(role: string): FileMeta | undefined {
    return this.requireSnapshot().signed.meta[role];
  }

  updateTargets(bytes: Uint8Array): void {
    const root = this.rootEnvelope.signed;
    const targets = this.admit('targets', 'targets', bytes, { role: root.roles.targets, keys: root.keys, meta: this.requireMeta('targets') });
    checkDelegationsOf(targets.signed, 'targets');
    this.targetsEnvelope = targets;
  }

  /** The delegations a verified targets role grants, in its priority order. */
  grantsOf(parent: string, ancestorLimits: DelegatedRole[] = []): DelegationGrant[] {
    const envelope = parent === 'targets' ? this.targetsEnvelope : this.delegationEnvelopes.get(parent);
    if (!envelope) throw misuse(`grantsOf(${parent}) before it was verified`);
    const delegations = envelope.signed.delegations;
    if (!delegations) return [];
    return delegations.roles.map((role) => ({ role, parent, keys: delegations.keys, ancestorLimits }));
  }

  updateDelegation(grant: DelegationGrant, bytes: Uint8Array): void {
    const name = grant.role.name;
    // The name was checked (valid, a direct child of its parent) when the parent was admitted.
    const delegation = this.admit(name, 'targets', bytes, { role: grant.role, keys: grant.keys, meta: this.requireMeta(name) });
    checkDelegationsOf(delegation.signed, name);
    // notary ignores such targets; we refuse the role that lists them, so that nothing outside its
    // paths is ever shown as signed by it, and the warning says why.
    const allowed = effectivePaths([...grant.ancestorLimits, grant.role]);
    for (const target of Object.keys(delegation.signed.targets)) {
      if (!allowed.some((prefix) => target.startsWith(prefix))) {
        throw new CountersignError('delegation-path', `${name} lists "${target}", outside the paths delegated to it (within its parents' paths)`, { role: name });
      }
    }
    this.delegationEnvelopes.set(name, delegation);
  }

  /** Versions of everything verified, to be remembered for the next refresh's rollback checks. */
  versions(): Record<string, number> {
    const out: Record<string, number> = { ...this.trustedVersions, root: this.rootEnvelope.signed.version };
    if (this.timestampEnvelope) out['timestamp'] = this.timestampEnvelope.signed.version;
    if (this.snapshotEnvelope) out['snapshot'] = this.snapshotEnvelope.signed.version;
    if (this.targetsEnvelope) out['targets'] = this.targetsEnvelope.signed.version;
    for (const [name, envelope] of this.delegationEnvelopes) out[name] = envelope.signed.version;
    return out;
  }

  /**
   * The checks every non-root role passes, in order: the bytes are what the parent vouched for
   * (mix-and-match), the shape and _type are right, the signing keys are what they claim to be, a
   * threshold of them signed (arbitrary software), the version did not go back (rollback) and the
   * role has not expired (freeze).
   */
  private admit<K extends 'timestamp' | 'snapshot' | 'targets'>(
    name: string,
    kind: K,
    bytes: Uint8Array,
    trust: { role: RoleKeys; keys: Readonly<Record<string, PublicKeyJson>>; meta?: FileMeta },
  ): Envelope<SignedByKind[K]> {
    if (trust.meta) this.checkBytes(bytes, trust.meta, name);
    const envelope = parseEnvelope(name, kind, bytes);
    checkKeyIds(trust.keys, trust.role.keyids, name);
    checkThreshold(envelope, trust.role, trust.keys, name);
    checkVersionAtLeastOne(envelope.signed.version, name);
    checkVersionNotBelow(envelope.signed.version, this.trustedVersions[name], name);
    checkNotExpired(envelope.signed.expires, this.now, name);
    return envelope;
  }

  /** The hex sha256 of bytes this set checked against a parent's hashes (what the cache files them under). */
  sha256Of(bytes: Uint8Array): string | undefined {
    return this.digests.get(bytes) ?? this.knownDigests?.get(bytes);
  }

  private checkBytes(bytes: Uint8Array, meta: FileMeta, name: string): void {
    const sha256 = checkFileMeta(bytes, meta, name, this.sha256Of(bytes));
    if (sha256 !== undefined) this.digests.set(bytes, sha256);
  }

  private requireMeta(name: string): FileMeta {
    const meta = this.metaFor(name);
    if (!meta) throw new CountersignError('role-missing', `snapshot does not list ${name}`, { role: name });
    return meta;
  }

  private requireSnapshot(): Envelope<SnapshotSigned> {
    if (!this.snapshotEnvelope) throw misuse('snapshot not yet verified');
    return this.snapshotEnvelope;
  }
}

/**
 * Snapshot must vouch for root and targets by sha256 (notary: IsValidSnapshotStructure), and every
 * hash it lists must have its algorithm's length, or the bytes it vouches for are not pinned at all.
 */
function checkSnapshotMeta(snapshot: SnapshotSigned): void {
  checkFileMetaHashes(snapshot.meta['root'], 'root', 'snapshot', true);
  checkFileMetaHashes(snapshot.meta['targets'], 'targets', 'snapshot', true);
  for (const [name, meta] of Object.entries(snapshot.meta)) checkFileMetaHashes(meta, name, 'snapshot', false);
}

/**
 * notary's rule (tuf/data/roles.go checkPaths): a target is inside a role's paths when it starts
 * with one of them. path_hash_prefixes is a TUF field notary does not know: it widens nothing.
 */
export function pathAllowed(role: DelegatedRole, target: string): boolean {
  return (role.paths ?? []).some((prefix) => target.startsWith(prefix));
}

/**
 * Delegation path escape (notary: DelegationRole.Restrict, RestrictDelegationPathPrefixes): a
 * delegation's paths count only where they lie inside its parent's, level by level, so a child that
 * claims "" under a parent limited to "team/" gets nothing, not "team/". The effective paths of the
 * chain, from targets (all paths) down to the last role.
 */
export function effectivePaths(chain: readonly DelegatedRole[]): string[] {
  let paths = [''];
  for (const role of chain) {
    const parent = paths;
    paths = (role.paths ?? []).filter((path) => parent.some((prefix) => path.startsWith(prefix)));
  }
  return paths;
}

/** Calling the set out of order is a programming error, not bad data. */
function misuse(what: string): CountersignError {
  return new CountersignError('internal', `trusted set used out of order: ${what}`);
}
