// Notary's flavour of TUF metadata, as typed views over untrusted JSON. Schemas are loose objects:
// unknown fields are kept, so that re-signing a role we did not write leaves it byte-faithful.
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { isDelegationName } from './role-names';
import { parseStrictJsonWithMembers } from './strict-json';

export { TOP_LEVEL_ROLES, type TopLevelRole } from './role-names';

const keyTypeSchema = z.enum(['ecdsa', 'ecdsa-x509', 'ed25519', 'rsa', 'rsa-x509']);
// RFC 3339 with a zone; Go writes a variable number of fractional digits.
const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'RFC 3339 time');
const hexKeyId = z.string().regex(/^[0-9a-f]{64}$/, 'hex SHA-256 key ID');
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const version = z.number().int().min(0);

export const publicKeySchema = z.looseObject({
  keytype: keyTypeSchema,
  keyval: z.looseObject({ public: base64, private: z.string().nullable().optional() }),
});

const roleKeysSchema = z.looseObject({
  keyids: z.array(hexKeyId),
  threshold: z.number().int().min(1),
});

export const signatureSchema = z.looseObject({
  keyid: hexKeyId,
  method: z.string(),
  sig: base64,
});

const fileMetaSchema = z.looseObject({
  hashes: z.looseObject({ sha256: base64.optional(), sha512: base64.optional() }),
  length: z.number().int().min(0),
  custom: z.unknown().optional(),
});

export const rootSignedSchema = z.looseObject({
  _type: z.string(),
  version,
  expires: rfc3339,
  consistent_snapshot: z.boolean().optional(),
  keys: z.record(hexKeyId, publicKeySchema),
  roles: z.looseObject({
    root: roleKeysSchema,
    targets: roleKeysSchema,
    snapshot: roleKeysSchema,
    timestamp: roleKeysSchema,
  }),
});

export const delegatedRoleSchema = roleKeysSchema.extend({
  // notary writes a delegation whose last key was removed as "keyids": null (a nil Go slice). Such a
  // role has no keys, so nothing it signs can ever meet its threshold; docker still lists it as a signer.
  keyids: z
    .array(hexKeyId)
    .nullable()
    .transform((ids) => ids ?? []),
  // Any string here: whether it is a valid role name is the named check checkDelegationsOf.
  name: z.string(),
  paths: z.array(z.string()).optional(),
  path_hash_prefixes: z.array(z.string()).optional(),
});

// A targets file may hold tens of thousands of entries: they are checked by a plain loop rather than
// a schema per entry, which would copy every object and dominate the time of a large refresh.
const targetMapSchema = z.custom<Record<string, FileMeta>>(isFileMetaMap, 'a map of target name to {hashes, length}');

export const targetsSignedSchema = z.looseObject({
  _type: z.string(),
  version,
  expires: rfc3339,
  targets: targetMapSchema,
  delegations: z
    .looseObject({
      keys: z.record(hexKeyId, publicKeySchema),
      roles: z.array(delegatedRoleSchema),
    })
    .optional(),
});

export const snapshotSignedSchema = z.looseObject({
  _type: z.string(),
  version,
  expires: rfc3339,
  meta: z.record(z.string(), fileMetaSchema),
});

export const timestampSignedSchema = z.looseObject({
  _type: z.string(),
  version,
  expires: rfc3339,
  meta: z.looseObject({ snapshot: fileMetaSchema }),
});

function isFileMetaMap(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const meta of Object.values(value as Record<string, unknown>)) {
    if (typeof meta !== 'object' || meta === null) return false;
    const { length, hashes } = meta as { length?: unknown; hashes?: unknown };
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) return false;
    if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return false;
    for (const hash of Object.values(hashes as Record<string, unknown>)) if (typeof hash !== 'string') return false;
  }
  return true;
}

export type PublicKeyJson = z.infer<typeof publicKeySchema>;
export type RoleKeys = z.infer<typeof roleKeysSchema>;
export type Signature = z.infer<typeof signatureSchema>;
export type FileMeta = z.infer<typeof fileMetaSchema>;
export type RootSigned = z.infer<typeof rootSignedSchema>;
export type DelegatedRole = z.infer<typeof delegatedRoleSchema>;
export type TargetsSigned = z.infer<typeof targetsSignedSchema>;
export type SnapshotSigned = z.infer<typeof snapshotSignedSchema>;
export type TimestampSigned = z.infer<typeof timestampSignedSchema>;

export interface SignedByKind {
  root: RootSigned;
  targets: TargetsSigned;
  snapshot: SnapshotSigned;
  timestamp: TimestampSigned;
}
export type MetadataKind = keyof SignedByKind;

const signedSchemas: { [K in MetadataKind]: z.ZodType<SignedByKind[K]> } = {
  root: rootSignedSchema,
  targets: targetsSignedSchema,
  snapshot: snapshotSignedSchema,
  timestamp: timestampSignedSchema,
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

const envelopeSchema = z.object({ signed: z.record(z.string(), z.unknown()), signatures: z.array(signatureSchema) });

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
  const { value: json, memberBytes } = parseStrictJsonWithMembers(bytes, `${role}.json`, role);
  const outer = envelopeSchema.safeParse(json);
  if (!outer.success) {
    throw new CountersignError('metadata-malformed', `${role}.json is not a signed metadata file: ${describe(outer.error)}`, { role });
  }
  // Checked before the full schema so that e.g. a snapshot served as timestamp says so plainly.
  const type = outer.data.signed['_type'];
  // Exactly as notary writes and compares it (ValidTUFType): "Targets", never "targets" or "TARGETS".
  if (type !== capitalise(kind)) {
    throw new CountersignError('metadata-wrong-type', `${role}.json has _type ${JSON.stringify(type)}, expected ${capitalise(kind)}`, { role });
  }
  const signed = signedSchemas[kind].safeParse(outer.data.signed);
  if (!signed.success) {
    throw new CountersignError('metadata-malformed', `${role}.json: ${describe(signed.error)}`, { role });
  }
  const signedJson = (json as { signed: unknown }).signed;
  const signedBytes = memberBytes.get('signed') ?? new Uint8Array();
  return { role, signed: signed.data, signedJson, signedBytes, signatures: outer.data.signatures, bytes };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : '(top)';
  return `${path}: ${issue.message}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
