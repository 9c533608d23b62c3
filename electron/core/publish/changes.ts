// The changes Countersign stages before publishing, like notary's changelist: each is a small,
// self-contained instruction that can be applied again to newer metadata (after someone else
// published), so a conflict costs a re-apply, not the user's work.
//
// Adding a kind of change: a schema here (added to `changeSchema`), and its case in apply-changes.ts.
// Changes are data on disk that outlive this version of the program: never change what an existing
// kind means, add a new kind instead.
import { z } from 'zod';
import { DELEGATION_ROLE_PATTERN, isSafeRoleName, KEY_ID_PATTERN } from '../../../shared/names';
import { describeDelegationDelete, describeDelegationUpdate } from './delegations-apply';
import { describeKeyRotation } from './rotate-apply';
import { describeWitness } from './witness-apply';

const roleName = z
  .string()
  .regex(/^targets(\/[^/\s]+)*$/, 'a targets role ("targets" or "targets/NAME")')
  .refine(isSafeRoleName, 'a role name without control characters, "\\", ".." or empty segments, at most 255 characters');
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const hexKeyId = z.string().regex(KEY_ID_PATTERN, 'hex SHA-256 key ID');

/** A target's entry in a targets file: what `notary addhash` and `docker trust sign` write. */
export const targetMetaSchema = z.object({
  length: z.number().int().min(0),
  hashes: z.object({ sha256: base64 }).catchall(base64),
  custom: z.unknown().optional(),
});
export type TargetMeta = z.infer<typeof targetMetaSchema>;

/** Sign a target (a tag) into one targets role; the same entry again changes nothing. */
export const targetAddSchema = z.object({
  kind: z.literal('target-add'),
  role: roleName,
  name: z.string().min(1),
  meta: targetMetaSchema,
});

/** Remove a target from one targets role; removing an absent one changes nothing. */
export const targetRemoveSchema = z.object({
  kind: z.literal('target-remove'),
  role: roleName,
  name: z.string().min(1),
});

/**
 * Create the repository (notary init). The keys are in the vault before this is staged; the
 * certificate is kept here because it is made once (random serial) and root.json must name exactly it.
 * Applying it to a repository that exists is a no-op when that repository's root is this one (an
 * earlier publish got through but was not recorded), and an error otherwise.
 */
export const repositoryInitSchema = z.object({
  kind: z.literal('repository-init'),
  /** Canonical ID of the root key in the vault. */
  rootKeyId: hexKeyId,
  /** root.json's key for it: a certificate (CN = GUN) around the root key, base64 of the PEM. */
  rootCertificate: base64,
  rootKeyType: z.enum(['ecdsa-x509', 'rsa-x509']),
  targetsKeyId: hexKeyId,
  /** undefined: the server holds the snapshot key (as docker trust signer add sets repositories up). */
  snapshotKeyId: hexKeyId.optional(),
});

// Delegations (notary's changelist TUFDelegation), witness and key rotation: see delegations-apply.ts,
// witness-apply.ts and rotate-apply.ts for what applying them means.
const delegatedRoleName = z.string().max(255).regex(DELEGATION_ROLE_PATTERN, 'a delegated role ("targets/NAME", lowercase letters, digits, "-", "_")');
const delegationKey = z.object({
  keytype: z.enum(['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509']),
  keyval: z.object({ private: z.null(), public: base64 }),
});
const rotatedKey = z.object({
  keytype: z.enum(['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519']),
  keyval: z.object({ private: z.null(), public: base64 }),
});

/** Create or change a delegation (notary delegation add/remove of keys and paths; docker trust signer add). */
export const delegationUpdateSchema = z.object({
  kind: z.literal('delegation-update'),
  role: delegatedRoleName,
  addKeys: z.array(delegationKey),
  /** Canonical key IDs (as notary and docker show them) or the IDs the metadata lists. */
  removeKeyIds: z.array(hexKeyId),
  /** Path prefixes; "" allows every path. */
  addPaths: z.array(z.string()),
  removePaths: z.array(z.string()),
  clearPaths: z.boolean(),
  threshold: z.number().int().min(1).optional(),
});

/** Stop delegating a role (notary delegation remove of the whole role; docker trust signer remove). */
export const delegationDeleteSchema = z.object({ kind: z.literal('delegation-delete'), role: delegatedRoleName });

/** Re-sign a role as it is (notary witness), so that it stays valid at least until `until`. */
export const witnessSchema = z.object({
  kind: z.literal('witness'),
  role: z.union([z.literal('root'), roleName]),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'RFC 3339 time'),
});

/** Replace the keys of a top-level role (notary key rotate). New keys are in the vault or on the server before this is staged. */
export const keyRotationSchema = z.object({
  kind: z.literal('key-rotation'),
  role: z.enum(['root', 'targets', 'snapshot', 'timestamp']),
  /** As root.json will list them: certificates for root. */
  keys: z.array(rotatedKey).min(1),
  serverManaged: z.boolean(),
});

export const changeSchema = z.discriminatedUnion('kind', [
  targetAddSchema,
  targetRemoveSchema,
  repositoryInitSchema,
  delegationUpdateSchema,
  delegationDeleteSchema,
  witnessSchema,
  keyRotationSchema,
]);
export type Change = z.infer<typeof changeSchema>;
export type ChangeKind = Change['kind'];
export type RepositoryInitChange = z.infer<typeof repositoryInitSchema>;
export type DelegationUpdateChange = z.infer<typeof delegationUpdateSchema>;
export type DelegationDeleteChange = z.infer<typeof delegationDeleteSchema>;
export type WitnessChange = z.infer<typeof witnessSchema>;
export type KeyRotationChange = z.infer<typeof keyRotationSchema>;

/** A change as it sits in the staging area. */
export type StagedChange = Change & {
  /** Unique within the repository's staging area; `reset --id` drops one. */
  id: string;
  /** RFC 3339, when it was staged. */
  stagedAt: string;
};

/** One line for humans: "add v1 to targets/releases (sha256:ab12…, 528 bytes)". */
export function describeChange(change: Change): string {
  switch (change.kind) {
    case 'target-add': {
      const hex = Buffer.from(change.meta.hashes.sha256, 'base64').toString('hex');
      return `sign ${change.name} in ${change.role} (sha256:${hex.slice(0, 12)}…, ${change.meta.length} bytes)`;
    }
    case 'target-remove':
      return `revoke ${change.name} from ${change.role}`;
    case 'repository-init':
      return `create the repository (root key ${change.rootKeyId.slice(0, 12)}, targets key ${change.targetsKeyId.slice(0, 12)}, snapshot key ${change.snapshotKeyId ? change.snapshotKeyId.slice(0, 12) : 'on the server'})`;
    case 'delegation-update':
      return describeDelegationUpdate(change);
    case 'delegation-delete':
      return describeDelegationDelete(change);
    case 'witness':
      return describeWitness(change);
    case 'key-rotation':
      return describeKeyRotation(change);
  }
}
