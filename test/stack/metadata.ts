// Just enough reading of notary's JSON metadata for fixtures to report facts (key IDs, delegations)
// and for signLikeDocker to choose roles. No verification: the stack reads what the real server
// serves right after the real tools wrote it. Every accessor checks the shape it relies on and
// throws with the path it expected, instead of casting.
import type { TufPublicKey } from './keys';

export interface DelegatedRole {
  name: string;
  keyids: string[];
  threshold: number;
  paths: string[];
  pathHashPrefixes: string[];
}

export interface Delegations {
  keys: Record<string, TufPublicKey>;
  roles: DelegatedRole[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new Error(`metadata: expected an object at ${path}`);
  return value;
}

function stringsAt(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error(`metadata: expected an array of strings at ${path}`);
  }
  return value;
}

function signedOf(metadata: unknown): JsonObject {
  return objectAt(objectAt(metadata, '$')['signed'], 'signed');
}

export function versionOf(metadata: unknown): number {
  const version = signedOf(metadata)['version'];
  if (typeof version !== 'number') throw new Error('metadata: expected a number at signed.version');
  return version;
}

/** Key IDs a root.json lists for one top-level role ("root", "targets", "snapshot", "timestamp"). */
export function rootRoleKeyIds(root: unknown, role: string): string[] {
  const roles = objectAt(signedOf(root)['roles'], 'signed.roles');
  return stringsAt(objectAt(roles[role], `signed.roles.${role}`)['keyids'], `signed.roles.${role}.keyids`);
}

/** The key root.json declares under an ID. */
export function rootKey(root: unknown, keyId: string): TufPublicKey {
  return tufKeyAt(objectAt(signedOf(root)['keys'], 'signed.keys')[keyId], `signed.keys.${keyId}`);
}

/** The delegations block of a targets (or delegated targets) file; empty when there is none. */
export function delegationsOf(targets: unknown): Delegations {
  const block = signedOf(targets)['delegations'];
  if (block === undefined) return { keys: {}, roles: [] };
  const delegations = objectAt(block, 'signed.delegations');
  const keys: Record<string, TufPublicKey> = {};
  for (const [id, key] of Object.entries(objectAt(delegations['keys'] ?? {}, 'signed.delegations.keys'))) {
    keys[id] = tufKeyAt(key, `signed.delegations.keys.${id}`);
  }
  const rawRoles = delegations['roles'] ?? [];
  if (!Array.isArray(rawRoles)) throw new Error('metadata: expected an array at signed.delegations.roles');
  const roles = rawRoles.map((raw: unknown, i): DelegatedRole => {
    const path = `signed.delegations.roles[${i}]`;
    const role = objectAt(raw, path);
    if (typeof role['name'] !== 'string' || typeof role['threshold'] !== 'number') {
      throw new Error(`metadata: expected name and threshold at ${path}`);
    }
    return {
      name: role['name'],
      threshold: role['threshold'],
      keyids: stringsAt(role['keyids'], `${path}.keyids`),
      paths: stringsAt(role['paths'], `${path}.paths`),
      pathHashPrefixes: stringsAt(role['path_hash_prefixes'], `${path}.path_hash_prefixes`),
    };
  });
  return { keys, roles };
}

/** Target names a targets file lists, with their hex SHA-256 and length. */
export function targetsOf(targets: unknown): Record<string, { sha256: string; length: number }> {
  const out: Record<string, { sha256: string; length: number }> = {};
  for (const [name, raw] of Object.entries(objectAt(signedOf(targets)['targets'] ?? {}, 'signed.targets'))) {
    const entry = objectAt(raw, `signed.targets.${name}`);
    const hashes = objectAt(entry['hashes'], `signed.targets.${name}.hashes`);
    if (typeof hashes['sha256'] !== 'string' || typeof entry['length'] !== 'number') {
      throw new Error(`metadata: expected hashes.sha256 and length at signed.targets.${name}`);
    }
    out[name] = { sha256: Buffer.from(hashes['sha256'], 'base64').toString('hex'), length: entry['length'] };
  }
  return out;
}

function tufKeyAt(value: unknown, path: string): TufPublicKey {
  const key = objectAt(value, path);
  const keyval = objectAt(key['keyval'], `${path}.keyval`);
  if (typeof key['keytype'] !== 'string' || typeof keyval['public'] !== 'string') {
    throw new Error(`metadata: expected keytype and keyval.public at ${path}`);
  }
  return { keytype: key['keytype'], keyval: { public: keyval['public'] } };
}
