// Notary's flavour of TUF metadata, as typed views over untrusted JSON. Objects are loose: unknown
// fields are kept, so that re-signing a role we did not write leaves it byte-faithful.
//
// The shapes are checked by small hand-written guards rather than a schema library: this runs on
// every file of every refresh (a 15,000-target repository on each `inspect`), and a schema
// library's generic walk and its load at start-up were a measurable part of that. Each guard
// returns a fresh copy of what it checked (as a schema's parse did), never the parsed JSON itself,
// so a caller editing a view cannot change `signedJson`, the object the signatures cover; the one
// exception is a targets map, which is checked by a plain loop and shared, as it always was.
import { CountersignError } from '../../../shared/errors';
import { existingUtcTime } from '../../../shared/utc-time';
import { isDelegationName } from './role-names';
import { parseStrictJsonWithMembers } from './strict-json';

export { TOP_LEVEL_ROLES, type TopLevelRole } from './role-names';

export type KeyType = 'ecdsa' | 'ecdsa-x509' | 'ed25519' | 'rsa' | 'rsa-x509';

export interface PublicKeyJson {
  keytype: KeyType;
  keyval: { public: string; private?: string | null | undefined; [field: string]: unknown };
  [field: string]: unknown;
}

export interface RoleKeys {
  keyids: string[];
  threshold: number;
  [field: string]: unknown;
}

export interface Signature {
  keyid: string;
  method: string;
  sig: string;
  [field: string]: unknown;
}

export interface FileMeta {
  hashes: { sha256?: string | undefined; sha512?: string | undefined; [algorithm: string]: unknown };
  length: number;
  custom?: unknown;
  [field: string]: unknown;
}

interface SignedCommon {
  _type: string;
  version: number;
  expires: string;
  [field: string]: unknown;
}

export interface RootSigned extends SignedCommon {
  consistent_snapshot?: boolean | undefined;
  keys: Record<string, PublicKeyJson>;
  roles: { root: RoleKeys; targets: RoleKeys; snapshot: RoleKeys; timestamp: RoleKeys; [role: string]: unknown };
}

export interface DelegatedRole extends RoleKeys {
  /** Any string here: whether it is a valid role name is the named check checkDelegationsOf. */
  name: string;
  paths?: string[] | undefined;
  path_hash_prefixes?: string[] | undefined;
}

export interface TargetsSigned extends SignedCommon {
  targets: Record<string, FileMeta>;
  delegations?: { keys: Record<string, PublicKeyJson>; roles: DelegatedRole[]; [field: string]: unknown } | undefined;
}

export interface SnapshotSigned extends SignedCommon {
  meta: Record<string, FileMeta>;
}

export interface TimestampSigned extends SignedCommon {
  meta: { snapshot: FileMeta; [file: string]: unknown };
}

/** A shape problem: where (a dotted path) and what. Caught by parseEnvelope and turned into metadata-malformed. */
class Malformed extends Error {
  constructor(
    readonly at: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(at: string, message: string): never {
  throw new Malformed(at, message);
}

const within = (at: string, key: string | number): string => (at === '' ? String(key) : `${at}.${key}`);

type Json = Record<string, unknown>;

function object(value: unknown, at: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'expected an object');
  return value as Json;
}

/**
 * notary decodes these objects into Go structs, and Go's encoding/json matches a struct's field names
 * regardless of case, 'ſ' (U+017F) reading as 's' and the Kelvin sign as 'k'; of two keys it reads
 * as one field, the later wins. So {"targets": A, "targetſ": B} is A to a plain parser and B to
 * notary, both under one signature. Refused: a key that Go would read as one of `fields` must be it.
 */
function struct(value: unknown, at: string, fields: readonly string[]): Json {
  const json = object(value, at);
  for (const key in json) {
    if (!fields.includes(key) && fields.includes(goFieldFold(key))) {
      fail(within(at, key), `notary reads this key as "${goFieldFold(key)}" (Go matches field names regardless of case): refused as a second "${goFieldFold(key)}"`);
    }
  }
  return json;
}

/** The TUF field name (all lower-case ASCII) Go's encoding/json would match `key` to, or close enough to refuse. */
function goFieldFold(key: string): string {
  return key.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();
}

const FIELDS = {
  envelope: ['signed', 'signatures'],
  signature: ['keyid', 'method', 'sig'],
  key: ['keytype', 'keyval'],
  keyval: ['public', 'private'],
  roleKeys: ['keyids', 'threshold'],
  delegatedRole: ['keyids', 'name', 'paths', 'path_hash_prefixes', 'threshold'],
  fileMeta: ['hashes', 'length', 'custom'],
  root: ['_type', 'consistent_snapshot', 'expires', 'keys', 'roles', 'version'],
  targets: ['_type', 'delegations', 'expires', 'targets', 'version'],
  delegations: ['keys', 'roles'],
  snapshot: ['_type', 'expires', 'meta', 'version'],
  timestamp: ['_type', 'expires', 'meta', 'version'],
} satisfies Record<string, readonly string[]>;

function string(value: unknown, at: string): string {
  if (typeof value !== 'string') fail(at, 'expected a string');
  return value;
}

function matching(value: unknown, pattern: RegExp | ((text: string) => boolean), what: string, at: string): string {
  const text = string(value, at);
  if (!(typeof pattern === 'function' ? pattern(text) : pattern.test(text))) fail(at, `expected ${what}`);
  return text;
}

function integer(value: unknown, min: number, at: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(at, 'expected an integer');
  if (value < min) fail(at, `expected at least ${min}`);
  return value;
}

function array<T>(value: unknown, at: string, item: (element: unknown, at: string) => T): T[] {
  if (!Array.isArray(value)) fail(at, 'expected an array');
  return value.map((element, i) => item(element, within(at, i)));
}

/** A map with checked keys; built with fromEntries so that a key like "__proto__" stays a plain key. */
function record<T>(value: unknown, at: string, key: (name: string, at: string) => void, item: (element: unknown, at: string) => T): Record<string, T> {
  const entries = Object.entries(object(value, at)).map(([name, element]): [string, T] => {
    key(name, at);
    return [name, item(element, within(at, name))];
  });
  return Object.fromEntries(entries);
}

const KEY_TYPES: ReadonlySet<string> = new Set<KeyType>(['ecdsa', 'ecdsa-x509', 'ed25519', 'rsa', 'rsa-x509']);
// RFC 3339 with a zone; Go writes a variable number of fractional digits.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const HEX_KEY_ID = /^[0-9a-f]{64}$/;
const BASE64_CHARACTERS = /^[A-Za-z0-9+/]*={0,2}$/;
/**
 * Base64 as Go's []byte fields decode it (StdEncoding): padded to a multiple of four. A value Go
 * cannot decode fails notary's decoding of the whole file, so it fails ours; Go also skips \r and
 * \n inside, which notary never writes and we refuse. With the padding only at the end, a multiple
 * of four characters is exactly the padded form, and costs half of one regex saying all of it.
 */
function isBase64(value: string): boolean {
  return value.length % 4 === 0 && BASE64_CHARACTERS.test(value);
}

/**
 * An RFC 3339 time that exists. Date.parse rolls 30 February over into March and 24:00 into the next
 * day; Go's time parser, which notary decodes expiry with, refuses them, so such a file is refused.
 */
function rfc3339(value: unknown, at: string): string {
  const text = matching(value, RFC3339, 'an RFC 3339 time', at);
  const [year, month, day, hour, minute, second] = text.slice(0, 19).split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
  // Date.parse refuses a zone offset that does not exist (+24:00), which the fields do not include.
  if (existingUtcTime(year, month, day, hour, minute, second) === undefined || Number.isNaN(Date.parse(text))) fail(at, `expected an RFC 3339 time that exists, not ${JSON.stringify(text)}`);
  return text;
}

function hexKeyId(name: string, at: string): void {
  if (!HEX_KEY_ID.test(name)) fail(within(at, name), 'expected a hex SHA-256 key ID');
}

function anyKey(): void {}

function publicKeyAt(value: unknown, at: string): PublicKeyJson {
  const key = struct(value, at, FIELDS.key);
  if (typeof key['keytype'] !== 'string' || !KEY_TYPES.has(key['keytype'])) fail(within(at, 'keytype'), `expected one of ${[...KEY_TYPES].join(', ')}`);
  const keyvalAt = within(at, 'keyval');
  const keyval = { ...struct(key['keyval'], keyvalAt, FIELDS.keyval) };
  matching(keyval['public'], isBase64, 'base64', within(keyvalAt, 'public'));
  const secret = keyval['private'];
  if (secret !== undefined && secret !== null) matching(secret, isBase64, 'base64', within(keyvalAt, 'private'));
  return { ...key, keyval } as PublicKeyJson;
}

/** A public key as notary serves and embeds it, or undefined when it is not one. */
export function parsePublicKey(value: unknown): PublicKeyJson | undefined {
  try {
    return publicKeyAt(value, '');
  } catch (error) {
    if (error instanceof Malformed) return undefined;
    throw error;
  }
}

function roleKeysAt(value: unknown, at: string, fields: readonly string[] = FIELDS.roleKeys): RoleKeys {
  const role = struct(value, at, fields);
  return {
    ...role,
    keyids: array(role['keyids'], within(at, 'keyids'), (id, idAt) => matching(id, HEX_KEY_ID, 'a hex SHA-256 key ID', idAt)),
    threshold: integer(role['threshold'], 1, within(at, 'threshold')),
  };
}

function stringsAt(value: unknown, at: string): string[] {
  return array(value, at, string);
}

function delegatedRoleAt(value: unknown, at: string): DelegatedRole {
  const role = struct(value, at, FIELDS.delegatedRole);
  // notary writes a delegation whose last key was removed as "keyids": null (a nil Go slice). Such a
  // role has no keys, so nothing it signs can ever meet its threshold; docker still lists it as a signer.
  const keys = roleKeysAt(role['keyids'] === null ? { ...role, keyids: [] } : role, at, FIELDS.delegatedRole);
  const out: DelegatedRole = { ...keys, name: string(role['name'], within(at, 'name')) };
  if (role['paths'] !== undefined) out.paths = stringsAt(role['paths'], within(at, 'paths'));
  if (role['path_hash_prefixes'] !== undefined) out.path_hash_prefixes = stringsAt(role['path_hash_prefixes'], within(at, 'path_hash_prefixes'));
  return out;
}

function fileMetaAt(value: unknown, at: string): FileMeta {
  const meta = struct(value, at, FIELDS.fileMeta);
  const hashesAt = within(at, 'hashes');
  const hashes = { ...object(meta['hashes'], hashesAt) };
  // Every algorithm's value, known or not: Go decodes the whole map into bytes.
  for (const algorithm in hashes) matching(hashes[algorithm], isBase64, 'base64', within(hashesAt, algorithm));
  return { ...meta, hashes, length: integer(meta['length'], 0, within(at, 'length')) } as FileMeta;
}

/** The fields every role has: _type (compared by parseEnvelope), version and expiry. */
function commonAt(signed: Json): SignedCommon {
  return {
    ...signed,
    _type: string(signed['_type'], '_type'),
    version: integer(signed['version'], 0, 'version'),
    expires: rfc3339(signed['expires'], 'expires'),
  };
}

function rootAt(signed: Json): RootSigned {
  const common = commonAt(struct(signed, '', FIELDS.root));
  if (signed['consistent_snapshot'] !== undefined && typeof signed['consistent_snapshot'] !== 'boolean') fail('consistent_snapshot', 'expected a boolean');
  const keys = record(signed['keys'], 'keys', hexKeyId, publicKeyAt);
  const roles = object(signed['roles'], 'roles');
  return {
    ...common,
    keys,
    roles: {
      ...roles,
      root: roleKeysAt(roles['root'], 'roles.root'),
      targets: roleKeysAt(roles['targets'], 'roles.targets'),
      snapshot: roleKeysAt(roles['snapshot'], 'roles.snapshot'),
      timestamp: roleKeysAt(roles['timestamp'], 'roles.timestamp'),
    },
  };
}

function targetsAt(signed: Json): TargetsSigned {
  const common = commonAt(struct(signed, '', FIELDS.targets));
  // A targets file may hold tens of thousands of entries: they are checked by a plain loop, in place
  // (no copy per entry, which would dominate the time of a large refresh).
  if (!isFileMetaMap(signed['targets'])) fail('targets', 'expected a map of target name to {hashes, length}');
  const out: TargetsSigned = { ...common, targets: signed['targets'] as Record<string, FileMeta> };
  if (signed['delegations'] !== undefined) {
    const delegations = struct(signed['delegations'], 'delegations', FIELDS.delegations);
    out.delegations = {
      ...delegations,
      keys: record(delegations['keys'], 'delegations.keys', hexKeyId, publicKeyAt),
      roles: array(delegations['roles'], 'delegations.roles', delegatedRoleAt),
    };
  }
  return out;
}

function snapshotAt(signed: Json): SnapshotSigned {
  return { ...commonAt(struct(signed, '', FIELDS.snapshot)), meta: record(signed['meta'], 'meta', anyKey, fileMetaAt) };
}

function timestampAt(signed: Json): TimestampSigned {
  const common = commonAt(struct(signed, '', FIELDS.timestamp));
  const meta = object(signed['meta'], 'meta');
  return { ...common, meta: { ...meta, snapshot: fileMetaAt(meta['snapshot'], 'meta.snapshot') } };
}

function isFileMetaMap(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const meta of Object.values(value as Record<string, unknown>)) {
    if (typeof meta !== 'object' || meta === null) return false;
    const { length, hashes } = meta as { length?: unknown; hashes?: unknown };
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) return false;
    if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return false;
    // fileMetaAt's field rule, inline: a target is usually just {hashes, length}, so this costs one
    // comparison or two per key and no call.
    for (const field in meta) if (field !== 'length' && field !== 'hashes' && field !== 'custom' && FIELDS.fileMeta.includes(goFieldFold(field))) return false;
    // for-in, not Object.values: no array per target (tens of thousands of them in a large targets file).
    for (const algorithm in hashes) {
      const value = (hashes as Record<string, unknown>)[algorithm];
      if (typeof value !== 'string' || !isBase64(value)) return false;
    }
  }
  return true;
}

export interface SignedByKind {
  root: RootSigned;
  targets: TargetsSigned;
  snapshot: SnapshotSigned;
  timestamp: TimestampSigned;
}
export type MetadataKind = keyof SignedByKind;

const signedGuards: { [K in MetadataKind]: (signed: Json) => SignedByKind[K] } = {
  root: rootAt,
  targets: targetsAt,
  snapshot: snapshotAt,
  timestamp: timestampAt,
};

/** A parsed metadata file: the exact `signed` object the signatures are checked against, and its bytes. */
export interface Envelope<S> {
  role: string;
  signed: S;
  /** The `signed` object exactly as parsed (with unknown fields), for canonical encoding. */
  signedJson: unknown;
  /** The bytes of `signed` as served: notary writes them canonically, so signatures usually verify over them directly. */
  signedBytes: Uint8Array;
  signatures: Signature[];
  bytes: Uint8Array;
}

function signatureAt(value: unknown, at: string): Signature {
  const signature = struct(value, at, FIELDS.signature);
  return {
    ...signature,
    keyid: matching(signature['keyid'], HEX_KEY_ID, 'a hex SHA-256 key ID', within(at, 'keyid')),
    method: string(signature['method'], within(at, 'method')),
    sig: matching(signature['sig'], isBase64, 'base64', within(at, 'sig')),
  };
}

/** Delegated roles ("targets/x") are Targets metadata. */
export function kindOfRole(role: string): MetadataKind {
  if (role === 'root' || role === 'snapshot' || role === 'timestamp' || role === 'targets') return role;
  if (isDelegationName(role)) return 'targets';
  throw new CountersignError('invalid-input', `"${role}" is not a TUF role name`);
}

/**
 * Parses untrusted bytes into an envelope of the role's kind. Checks only shape and _type;
 * signatures, versions and expiry are the trusted set's job.
 */
export function parseEnvelope<K extends MetadataKind>(role: string, kind: K, bytes: Uint8Array): Envelope<SignedByKind[K]> {
  const { value: json, memberBytes, nonIntegerNumber } = parseStrictJsonWithMembers(bytes, `${role}.json`, role);
  // JSON.parse reads 1.0 and 1e0 as 1; Go's decoder, notary's, refuses them for an integer field, and
  // TUF metadata has no other numbers. One lexical form each, or two clients read two files.
  if (nonIntegerNumber) {
    throw new CountersignError('metadata-malformed', `${role}.json writes a number with a fraction or an exponent; notary reads integers only`, { role });
  }
  let signedObject: Json;
  let signatures: Signature[];
  try {
    const outer = struct(json, '', FIELDS.envelope);
    signedObject = object(outer['signed'], 'signed');
    signatures = array(outer['signatures'], 'signatures', signatureAt);
  } catch (error) {
    throw new CountersignError('metadata-malformed', `${role}.json is not a signed metadata file: ${describe(error)}`, { role });
  }
  // Checked before the full shape so that e.g. a snapshot served as timestamp says so plainly.
  const type = signedObject['_type'];
  // Exactly as notary writes and compares it (ValidTUFType): "Targets", never "targets" or "TARGETS".
  if (type !== capitalise(kind)) {
    throw new CountersignError('metadata-wrong-type', `${role}.json has _type ${JSON.stringify(type)}, expected ${capitalise(kind)}`, { role });
  }
  let signed: SignedByKind[K];
  try {
    signed = signedGuards[kind](signedObject);
  } catch (error) {
    throw new CountersignError('metadata-malformed', `${role}.json: ${describe(error)}`, { role });
  }
  const signedBytes = memberBytes.get('signed') ?? new Uint8Array();
  return { role, signed, signedJson: signedObject, signedBytes, signatures, bytes };
}

/** "path: what" of a shape problem; anything else is a bug and propagates. */
function describe(error: unknown): string {
  if (!(error instanceof Malformed)) throw error;
  return `${error.at === '' ? '(top)' : error.at}: ${error.message}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
