// Turns verified metadata into the RepositoryView every front end shows. Only a TrustedSet can
// be turned into a view, so nothing that failed verification can reach the UI or the CLI.
import type { KeyView, RepositoryView, RoleView, SignedTagView, SignerView } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/errors';
import { certificateInfo } from '../crypto/certificate';
import { canonicalKeyIdOf } from '../crypto/key-id';
import { targetDigestProblem } from '../tuf/checks';
import type { Envelope, FileMeta, PublicKeyJson, TargetsSigned } from '../tuf/metadata';
import type { TrustedSet } from '../tuf/trusted-set';
import type { DelegationFailure } from '../tuf/updater';
import { sortNatural } from '../../../shared/reference';

/** docker's name for tags signed by the targets key itself (or only into targets/releases). */
export const REPO_ADMIN = 'Repo Admin';
const RELEASES = 'targets/releases';

export interface ViewContext {
  server: string;
  source: RepositoryView['source'];
  verifiedAt: string;
  stale?: RepositoryView['stale'];
}

export function buildRepositoryView(set: TrustedSet, failures: readonly DelegationFailure[], context: ViewContext): RepositoryView {
  const targetRoles = verifiedTargetRoles(set);
  const declared = declaredDelegations(set);
  const tags = taggedTargets(targetRoles);
  const view: RepositoryView = {
    gun: set.gun,
    server: context.server,
    verifiedAt: context.verifiedAt,
    source: context.source,
    roles: roleViews(set, declared, failures),
    keys: keyViews(set),
    signedTags: tags.signed,
    unpulledTags: tags.unpulled,
    signers: signers(declared),
    administrativeKeys: {
      root: [...set.root.signed.roles.root.keyids],
      repository: [...set.root.signed.roles.targets.keyids],
    },
    warnings: [...failures.map((f) => f.error), ...tags.leftOut],
  };
  if (context.stale) view.stale = context.stale;
  return view;
}

/** targets first, then each verified delegation in the order it was walked. */
function verifiedTargetRoles(set: TrustedSet): [string, Envelope<TargetsSigned>][] {
  const out: [string, Envelope<TargetsSigned>][] = [];
  if (set.targets) out.push(['targets', set.targets]);
  for (const entry of set.delegations) out.push(entry);
  return out;
}

interface DeclaredDelegation {
  name: string;
  keyIds: string[];
  keys: Record<string, PublicKeyJson>;
  threshold: number;
  paths: string[];
}

/** Every delegation a verified parent declares, whether or not its own metadata verified. */
function declaredDelegations(set: TrustedSet): DeclaredDelegation[] {
  const out: DeclaredDelegation[] = [];
  for (const [, envelope] of verifiedTargetRoles(set)) {
    const delegations = envelope.signed.delegations;
    if (!delegations) continue;
    for (const role of delegations.roles) {
      const keys: Record<string, PublicKeyJson> = {};
      for (const id of role.keyids) {
        const key = delegations.keys[id];
        if (key) keys[id] = key;
      }
      out.push({ name: role.name, keyIds: role.keyids, keys, threshold: role.threshold, paths: role.paths ?? [] });
    }
  }
  return out;
}

function isReleaseRole(role: string): boolean {
  return role === 'targets' || role === RELEASES;
}

/**
 * Rows by tag, each with its digest still as the base64 the metadata stores until `finishRows`:
 * tags are the parsed JSON's own property names, so looking them up costs no new string, and most
 * tags have one digest (a second one turns the entry into a list).
 */
type RowsByTag = Map<string, SignedTagView | SignedTagView[]>;

function rowWithDigest(rows: RowsByTag, tag: string, sha256: string | undefined): SignedTagView | undefined {
  const held = rows.get(tag);
  if (held === undefined || sha256 === undefined) return undefined;
  if (!Array.isArray(held)) return held.digest === sha256 ? held : undefined;
  return held.find((row) => row.digest === sha256);
}

function addRow(rows: RowsByTag, row: SignedTagView): void {
  const held = rows.get(row.tag);
  if (held === undefined) rows.set(row.tag, row);
  else if (Array.isArray(held)) held.push(row);
  else rows.set(row.tag, [held, row]);
}

/**
 * docker's rule: a tag is signed when targets or targets/releases holds it; its signers are the
 * other roles holding the same tag with the same digest ("Repo Admin" when there are none). A tag
 * only other roles hold is unpulled: docker pull would not find it. Each target's digest is checked
 * once, and each delegation's targets are read in one pass for both.
 */
function taggedTargets(roles: [string, Envelope<TargetsSigned>][]): { signed: SignedTagView[]; unpulled: SignedTagView[]; leftOut: ErrorInfo[] } {
  const released: RowsByTag = new Map();
  // Tags targets or targets/releases hold without a usable sha256: not signed, but not unpulled either.
  const heldUnusable = new Set<string>();
  const leftOut: ErrorInfo[] = [];
  for (const [role, envelope] of roles) {
    if (!isReleaseRole(role)) continue;
    const unpullable = releaseTargets(role, envelope.signed.targets, released);
    for (const tag of unpullable) heldUnusable.add(tag);
    if (unpullable.length > 0) leftOut.push(leftOutWarning(role, unpullable, envelope));
  }
  const unpulled: RowsByTag = new Map();
  for (const [role, envelope] of roles) {
    if (isReleaseRole(role)) continue;
    delegatedTargets(role, envelope.signed.targets, released, heldUnusable, unpulled);
  }
  return { signed: finishRows(released, true), unpulled: finishRows(unpulled, false), leftOut };
}

/** Adds the role's signed tags to `released`; returns the targets it holds without a usable sha256. */
function releaseTargets(role: string, targets: Record<string, FileMeta>, released: RowsByTag): string[] {
  const unpullable: string[] = [];
  for (const tag of Object.keys(targets)) {
    const meta = targets[tag]!;
    if (targetDigestProblem(meta) !== undefined) {
      unpullable.push(tag);
      continue;
    }
    const sha256 = meta.hashes.sha256!;
    const row = rowWithDigest(released, tag, sha256);
    if (row) row.roles.push(role);
    else addRow(released, { tag, digest: sha256, size: meta.length, signers: [], roles: [role] });
  }
  return unpullable;
}

/**
 * A delegation's target signs the released row of the same tag and digest; one whose tag neither
 * targets nor targets/releases holds (with any digest) is an unpulled row, listed with the roles that
 * sign it so a reviewer sees it exists and why it is not pulled.
 */
function delegatedTargets(role: string, targets: Record<string, FileMeta>, released: RowsByTag, heldUnusable: ReadonlySet<string>, unpulled: RowsByTag): void {
  const signer = role.slice('targets/'.length);
  for (const tag of Object.keys(targets)) {
    const meta = targets[tag]!;
    const sha256 = meta.hashes.sha256;
    if (released.has(tag) || heldUnusable.has(tag)) {
      const row = rowWithDigest(released, tag, sha256);
      if (row) {
        row.roles.push(role);
        row.signers.push(signer);
      }
      continue;
    }
    // Without a usable sha256 it is no signed tag at all (the view warns about it instead).
    if (targetDigestProblem(meta) !== undefined) continue;
    const row = rowWithDigest(unpulled, tag, sha256);
    if (row) {
      row.roles.push(role);
      row.signers.push(signer);
    } else addRow(unpulled, { tag, digest: sha256!, size: meta.length, signers: [signer], roles: [role] });
  }
}

/** The rows in natural tag order, digests turned from base64 into hex (all in one decode). */
function finishRows(rows: RowsByTag, released: boolean): SignedTagView[] {
  const list: SignedTagView[] = [];
  for (const held of rows.values()) {
    if (Array.isArray(held)) list.push(...held);
    else list.push(held);
  }
  hexDigests(list);
  if (released) for (const row of list) if (row.signers.length === 0) row.signers = [REPO_ADMIN];
  return sortNatural(list, (row) => row.tag);
}

const SHA256_BYTES = 32;
/**
 * Every digest passed targetDigestProblem, so each is canonical base64 of exactly 32 bytes: they are
 * decoded side by side into one buffer and hex-encoded once, each row keeping its 64-character slice
 * (instead of a Buffer and two strings per row for 15,000 rows).
 */
function hexDigests(rows: SignedTagView[]): void {
  const bytes = Buffer.allocUnsafe(rows.length * SHA256_BYTES);
  for (let i = 0; i < rows.length; i++) bytes.write(rows[i]!.digest, i * SHA256_BYTES, SHA256_BYTES, 'base64');
  const hex = bytes.toString('hex');
  for (let i = 0; i < rows.length; i++) rows[i]!.digest = hex.slice(i * 2 * SHA256_BYTES, (i + 1) * 2 * SHA256_BYTES);
}

/** One warning per role for the targets that are not signed tags, naming a few and why. */
function leftOutWarning(role: string, tags: string[], envelope: Envelope<TargetsSigned>): ErrorInfo {
  const sorted = sortNatural(tags, (tag) => tag);
  const named = sorted.slice(0, 5).map((tag) => JSON.stringify(tag)).join(', ');
  const more = sorted.length > 5 ? ` and ${sorted.length - 5} more` : '';
  const why = targetDigestProblem(envelope.signed.targets[sorted[0]!]!) ?? '';
  return {
    code: 'target-without-sha256',
    message: `${role} signs ${named}${more} without a usable sha256 (${why}): not shown as signed tags`,
    role,
  };
}

/** docker lists every delegation but targets/releases, with canonical (bare public key) IDs. */
function signers(declared: DeclaredDelegation[]): SignerView[] {
  const byName = new Map<string, SignerView>();
  for (const delegation of declared) {
    if (delegation.name === RELEASES) continue;
    const keyIds = delegation.keyIds.map((id) => {
      const key = delegation.keys[id];
      // A certificate that does not parse has no canonical ID: show the ID it is listed under.
      if (!key) return id;
      try {
        return canonicalKeyIdOf(key);
      } catch {
        return id;
      }
    });
    byName.set(delegation.name.slice('targets/'.length), { name: delegation.name.slice('targets/'.length), keyIds });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

function roleViews(set: TrustedSet, declared: DeclaredDelegation[], failures: readonly DelegationFailure[]): RoleView[] {
  const root = set.root.signed;
  const out: RoleView[] = [
    { name: 'root', status: 'verified', version: root.version, expires: root.expires, threshold: root.roles.root.threshold, keyIds: root.roles.root.keyids },
  ];
  for (const name of ['targets', 'snapshot', 'timestamp'] as const) {
    const envelope = set[name];
    const role = root.roles[name];
    const view: RoleView = { name, status: 'verified', threshold: role.threshold, keyIds: role.keyids };
    if (envelope) {
      view.version = envelope.signed.version;
      view.expires = envelope.signed.expires;
    }
    if (name === 'timestamp') view.serverManaged = true;
    out.push(view);
  }
  const failed = new Map(failures.map((f) => [f.role, f.error] as [string, ErrorInfo]));
  for (const delegation of declared) {
    const envelope = set.delegations.get(delegation.name);
    const error = failed.get(delegation.name);
    const view: RoleView = {
      name: delegation.name,
      status: error ? 'failed' : 'verified',
      threshold: delegation.threshold,
      keyIds: delegation.keyIds,
      paths: delegation.paths,
    };
    if (error) view.error = error;
    if (envelope) {
      view.version = envelope.signed.version;
      view.expires = envelope.signed.expires;
    }
    out.push(view);
  }
  return out;
}

function keyViews(set: TrustedSet): KeyView[] {
  const seen = new Map<string, KeyView>();
  const add = (id: string, key: PublicKeyJson) => {
    if (seen.has(id)) return;
    const view: KeyView = { id, keytype: key.keytype };
    if (key.keytype === 'ecdsa-x509' || key.keytype === 'rsa-x509') {
      try {
        view.canonicalId = canonicalKeyIdOf(key);
        const certificate = certificateInfo(Buffer.from(key.keyval.public, 'base64').toString('utf8'));
        view.certificateExpires = certificate.notAfter.toISOString();
        view.certificateNotBefore = certificate.notBefore.toISOString();
      } catch {
        // A certificate that does not parse cannot have verified anything; show the key without a date or canonical ID.
      }
    }
    seen.set(id, view);
  };
  for (const [id, key] of Object.entries(set.root.signed.keys)) add(id, key);
  for (const [, envelope] of verifiedTargetRoles(set)) {
    for (const [id, key] of Object.entries(envelope.signed.delegations?.keys ?? {})) add(id, key);
  }
  return [...seen.values()];
}
