// Turns verified metadata into the RepositoryView every front end shows. Only a TrustedSet can
// be turned into a view, so nothing that failed verification can reach the UI or the CLI.
import type { KeyView, RepositoryView, RoleView, SignedTagView, SignerView } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/errors';
import { certificateInfo } from '../crypto/certificate';
import { canonicalKeyIdOf } from '../crypto/key-id';
import { targetDigestProblem } from '../tuf/checks';
import type { Envelope, PublicKeyJson, TargetsSigned } from '../tuf/metadata';
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
  const tags = signedTags(targetRoles);
  const view: RepositoryView = {
    gun: set.gun,
    server: context.server,
    verifiedAt: context.verifiedAt,
    source: context.source,
    roles: roleViews(set, declared, failures),
    keys: keyViews(set),
    signedTags: tags.rows,
    unpulledTags: unpulledTags(targetRoles),
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

/**
 * docker's rule: a tag is signed when targets or targets/releases holds it; its signers are the
 * other roles holding the same tag with the same digest ("Repo Admin" when there are none).
 */
function signedTags(roles: [string, Envelope<TargetsSigned>][]): { rows: SignedTagView[]; leftOut: ErrorInfo[] } {
  // Keyed by tag and base64 digest as stored: converting to hex only for the rows shown keeps a
  // 15,000-target repository cheap.
  const released = new Map<string, { row: SignedTagView; sha256: string }>();
  const keyOf = (tag: string, sha256: string | undefined) => `${tag}\u0000${sha256 ?? ''}`;
  const leftOut: ErrorInfo[] = [];
  for (const [role, envelope] of roles) {
    if (role !== 'targets' && role !== RELEASES) continue;
    const unpullable: string[] = [];
    for (const [tag, meta] of Object.entries(envelope.signed.targets)) {
      if (targetDigestProblem(meta) !== undefined) {
        unpullable.push(tag);
        continue;
      }
      const key = keyOf(tag, meta.hashes.sha256);
      const entry = released.get(key) ?? { row: { tag, digest: '', size: meta.length, signers: [], roles: [] }, sha256: meta.hashes.sha256 ?? '' };
      entry.row.roles.push(role);
      released.set(key, entry);
    }
    if (unpullable.length > 0) leftOut.push(leftOutWarning(role, unpullable, envelope));
  }
  for (const [role, envelope] of roles) {
    if (role === 'targets' || role === RELEASES) continue;
    const signer = role.slice('targets/'.length);
    for (const [tag, meta] of Object.entries(envelope.signed.targets)) {
      const entry = released.get(keyOf(tag, meta.hashes.sha256));
      if (!entry) continue;
      entry.row.roles.push(role);
      entry.row.signers.push(signer);
    }
  }
  const rows: SignedTagView[] = [];
  for (const { row, sha256 } of released.values()) {
    row.digest = hex(sha256);
    if (row.signers.length === 0) row.signers.push(REPO_ADMIN);
    rows.push(row);
  }
  return { rows: sortNatural(rows, (row) => row.tag), leftOut };
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

/**
 * Every verified tag that neither targets nor targets/releases holds (with any digest): docker pull
 * would not find it. Listed with the roles that sign it, so a reviewer sees it exists and why it is not pulled.
 */
function unpulledTags(roles: [string, Envelope<TargetsSigned>][]): SignedTagView[] {
  const pulled = new Set<string>();
  for (const [role, envelope] of roles) if (role === 'targets' || role === RELEASES) for (const tag of Object.keys(envelope.signed.targets)) pulled.add(tag);
  const rows = new Map<string, SignedTagView>();
  for (const [role, envelope] of roles) {
    if (role === 'targets' || role === RELEASES) continue;
    for (const [tag, meta] of Object.entries(envelope.signed.targets)) {
      // Without sha256 it is no signed tag at all (the view warns about it instead).
      if (pulled.has(tag) || targetDigestProblem(meta) !== undefined) continue;
      const digest = hex(meta.hashes.sha256);
      const key = `${tag}\u0000${digest}`;
      const row = rows.get(key) ?? { tag, digest, size: meta.length, signers: [], roles: [] };
      row.roles.push(role);
      row.signers.push(role.slice('targets/'.length));
      rows.set(key, row);
    }
  }
  return sortNatural([...rows.values()], (row) => row.tag);
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

function hex(base64: string | undefined): string {
  return base64 ? Buffer.from(base64, 'base64').toString('hex') : '';
}
