// The write flows of the app (issue 6): publish staged changes, sign, revoke, delegate, rotate keys,
// re-sign what expires. Request schemas (checked in the main process) and the plain data sent back.
// Nothing here carries a private key; passphrases travel only in requests (renderer -> main).
import { z } from 'zod';
import type { ErrorInfo } from '../errors';
import type { RepositoryView } from '../domain';
import { watchedRepositorySchema, type WatchedRepository } from './settings';
import { DIGEST_PATTERN, KEY_ID_PATTERN, SIGNER_NAME_PATTERN, TAG_PATTERN, TARGETS_ROLE_PATTERN } from '../names';

export const repositoryRefSchema = watchedRepositorySchema;
export type RepositoryRef = WatchedRepository;

const repositoryList = z.array(repositoryRefSchema).min(1).max(500);
export const tagNameSchema = z.string().trim().regex(TAG_PATTERN, 'a tag: letters, digits, ".", "-" and "_", at most 128');
const digestSchema = z.string().trim().regex(DIGEST_PATTERN, '"sha256:" and 64 lower-case hex digits');
export const keyIdSchema = z.string().regex(KEY_ID_PATTERN, 'a key ID is 64 lower-case hex digits');
const targetsRoleSchema = z.string().max(255).regex(TARGETS_ROLE_PATTERN, 'a targets role ("targets" or "targets/NAME")');
/** A role the expiry job re-signs: root, targets or a delegation, or the snapshot (renewed by re-signing targets). */
const renewableRolesSchema = z
  .array(z.string().max(255).refine((role) => role === 'root' || role === 'snapshot' || TARGETS_ROLE_PATTERN.test(role), 'root, snapshot, targets or targets/NAME'))
  .min(1)
  .max(100);
const signerNameSchema = z.string().trim().regex(SIGNER_NAME_PATTERN, 'lower-case letters, digits, "-" and "_", starting with a letter or digit');
const passphrase = z.string().min(1).max(1024);
/** A file the user picked in the main process's dialog (files.choose), by the reference it answered. */
export const pickedPathRef = z.string().regex(/^pick-[0-9a-f]{32}$/, 'a file chosen with files.choose');
const certificatesPem = z
  .string()
  .max(256 * 1024)
  .refine((value) => value.includes('-----BEGIN CERTIFICATE-----') && !/PRIVATE KEY-----/.test(value), 'PEM certificates only');
/** A collaborator's public key or certificate as pasted or dropped; private keys are refused. */
const publicKeyPem = z
  .string()
  .max(64 * 1024)
  .refine((value) => !/PRIVATE KEY-----/.test(value), 'this is a private key: give the public key (.pub) or a certificate');

/** Where to read a tag's digest: the registry configured for the GUN's host, or the one it names, unless given. */
export const registrySourceSchema = z.strictObject({
  /** https://host[:port]; default: the configured registry for the GUN's host, else https:// and that host. */
  url: z
    .string()
    .trim()
    .max(2048)
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'an https:// URL')
    .optional(),
  /** The CA that issued the registry's certificate; default: docker's tls dir for it, then the notary server's CA. */
  caPem: certificatesPem.optional(),
});
export type RegistrySource = z.infer<typeof registrySourceSchema>;

/**
 * Changes staged before a job would be published with it: by default the job refuses to start and lists
 * them (error staged-changes-pending); the user then chooses to include them or leave them staged.
 */
const earlierStaged = z.enum(['refuse', 'include', 'leave']).default('refuse');

export const flowRequests = {
  publishStaged: z.strictObject({ repositories: repositoryList }),
  publishDiscard: z.strictObject({ ...repositoryRefSchema.shape, ids: z.array(z.string().min(1).max(64)).max(1000).optional() }),

  readDigest: z.strictObject({ ...repositoryRefSchema.shape, tag: tagNameSchema, registry: registrySourceSchema.default({}) }),
  signTag: z.strictObject({
    ...repositoryRefSchema.shape,
    tag: tagNameSchema,
    digest: digestSchema,
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** Explicit roles; default: the roles docker trust sign would choose. */
    roles: z.array(targetsRoleSchema).max(20).default([]),
    /** The digest guard: the registry must serve exactly this digest for the tag right before signing. */
    guard: registrySourceSchema.optional(),
    earlierStaged,
  }),

  revokePreview: z.strictObject({ ...repositoryRefSchema.shape, tag: tagNameSchema.optional() }),
  revokeTags: z.strictObject({
    ...repositoryRefSchema.shape,
    tag: tagNameSchema.optional(),
    /** Revoking every tag must be confirmed. */
    confirmAll: z.boolean().default(false),
    earlierStaged,
  }),
  keyRevocationPreview: z.strictObject({ keyId: keyIdSchema, repositories: repositoryList }),
  revokeKey: z.strictObject({
    keyId: keyIdSchema,
    repositories: z
      .array(
        z.strictObject({
          ...repositoryRefSchema.shape,
          /** Tags that lose their valid signatures and should stay trusted: signed again into `role`. */
          resign: z.strictObject({ role: targetsRoleSchema, tags: z.array(tagNameSchema).max(10_000) }).optional(),
        }),
      )
      .min(1)
      .max(500),
    earlierStaged,
  }),

  readKey: z.strictObject({ pem: publicKeyPem, fileName: z.string().max(255).optional() }),
  delegationPlan: z.strictObject({
    pem: publicKeyPem,
    name: signerNameSchema,
    repositories: repositoryList,
    /** Path prefixes for targets/NAME; none: every path (docker trust signer add). */
    paths: z.array(z.string().max(255)).max(100).default([]),
    threshold: z.number().int().min(1).max(100).optional(),
    earlierStaged,
  }),
  signerRemovalPreview: z.strictObject({ ...repositoryRefSchema.shape, name: signerNameSchema }),
  removeSigner: z.strictObject({ ...repositoryRefSchema.shape, name: signerNameSchema, confirm: z.boolean().default(false), earlierStaged }),
  replaceSignerKey: z.strictObject({
    repositories: repositoryList,
    name: signerNameSchema,
    oldKeyId: keyIdSchema,
    /** The key that takes over: a new one made in the keychain, or one already there. */
    newKeyId: keyIdSchema.optional(),
    earlierStaged,
  }),

  rotationPreflight: z.strictObject({
    repositories: repositoryList,
    role: z.enum(['root', 'targets', 'snapshot', 'timestamp']),
    serverManaged: z.boolean().default(false),
  }),
  /** Without `file`, the key's own offline file (recorded by the main process when it went offline). */
  bringKeyOnline: z.strictObject({ keyId: keyIdSchema.optional(), file: pickedPathRef.optional(), passphrase }),
  rotationResume: z.strictObject({ rotationId: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
  takeKeyOffline: z.strictObject({ keyId: keyIdSchema, file: pickedPathRef, passphrase }),

  expiryList: z.strictObject({ withinDays: z.number().int().min(1).max(3650).optional() }),
  expiryResign: z.strictObject({
    items: z.array(z.strictObject({ ...repositoryRefSchema.shape, roles: renewableRolesSchema })).min(1).max(500),
    earlierStaged,
  }),

  /**
   * What a write job would do, read from the server and verified, before anything is signed (issue 13):
   * the roles it re-signs, the key for each, and what stops it. One request per job kind.
   */
  writePlan: z.strictObject({
    ...repositoryRefSchema.shape,
    job: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('sign'), tag: tagNameSchema, roles: z.array(targetsRoleSchema).max(20).default([]) }),
      z.strictObject({ kind: z.literal('revoke'), tag: tagNameSchema.optional() }),
      z.strictObject({ kind: z.literal('delegate'), name: signerNameSchema }),
      z.strictObject({ kind: z.literal('expiry'), roles: renewableRolesSchema }),
      z.strictObject({ kind: z.literal('init'), serverManagedSnapshot: z.boolean().default(true) }),
    ]),
  }),
  /** Creates the repository (notary init); the new root key can go straight to an encrypted file. */
  initRepository: z.strictObject({
    ...repositoryRefSchema.shape,
    /** notary's default for docker trust: the server makes and holds the snapshot key. */
    serverManagedSnapshot: z.boolean().default(true),
    /** Once the server has the repository, the new root key leaves the keychain for this file (a picked path). */
    rootOffline: z.strictObject({ file: pickedPathRef, passphrase: z.string().min(8).max(1024) }).optional(),
    earlierStaged,
  }),
} as const;

export type RotatableRole = z.infer<typeof flowRequests.rotationPreflight>['role'];

// ---- What the main process answers ------------------------------------------------------------

/** What happened to one repository in a flow: the summary's row. */
/**
 * Every status is what the server was found to have once the job ended, never an assumption:
 * published (read back), unchanged (nothing to send, or the server had it already), failed (the server
 * does not have it), cancelled (stopped, and the server does not have it), unknown (it could not be
 * asked afterwards: the changes stay staged and the next publish finds out), staged (kept to publish
 * later, as asked).
 */
export type OutcomeStatus = 'published' | 'unchanged' | 'failed' | 'cancelled' | 'unknown' | 'staged';

export interface RepositoryOutcome extends RepositoryRef {
  status: OutcomeStatus;
  /** One line per change that is now on the server ("sign v1 in targets/releases (sha256:…)"). */
  changes: string[];
  /** One line per change of this job that stays staged (not on the server). */
  stillStaged: string[];
  /** When the server was last asked what it has (ISO time). */
  checkedAt?: string;
  /** The repository as read back and verified from the server at checkedAt. */
  view?: RepositoryView;
  /** Uploads tried (more than 1 when someone else published meanwhile). */
  attempts?: number;
  /** Role -> version uploaded. */
  versions: Record<string, number>;
  /** Roles the notary server signed (timestamp, and snapshot when it holds that key). */
  serverSigned: string[];
  /** Things worth knowing (a role that still signs a revoked tag, a key kept in the keychain). */
  notes: string[];
  error?: ErrorInfo;
}

export interface FlowSummary {
  outcomes: RepositoryOutcome[];
  /** The user cancelled: the outcomes say what the server has; repositories not reached are listed as cancelled. */
  cancelled?: boolean;
}

/** Streamed by every long flow: which repository, which step; each finished repository's outcome. */
export interface FlowProgress {
  done: number;
  total: number;
  current?: RepositoryRef & { step: string };
  finished?: RepositoryOutcome;
}

export interface StagedChangeView {
  id: string;
  kind: string;
  stagedAt: string;
  description: string;
}

export interface StagedView extends RepositoryRef {
  changes: StagedChangeView[];
  error?: ErrorInfo;
}

export interface RegistryDigest {
  /** The registry's origin, e.g. https://registry.example.com. */
  registry: string;
  /** The configured registry (settings) it was read from, when one is configured for the GUN's host. */
  registryName?: string;
  repository: string;
  tag: string;
  digest: string;
  size: number;
  mediaType: string;
}

export interface TagsInRole {
  role: string;
  tags: string[];
}

export interface RevocationPreview extends RepositoryRef {
  tag?: string;
  /** Roles the keychain can sign, with the tags that leave them. */
  removable: TagsInRole[];
  /** Roles that keep signing because the keychain holds none of their keys. */
  kept: TagsInRole[];
  /** Tags docker trust would no longer show as signed afterwards. */
  unsigned: string[];
  /** Other changes already staged for this repository, published along. */
  alreadyStaged: number;
}

export interface LosingTag {
  tag: string;
  /** Hex SHA-256, as docker trust inspect shows it. */
  digest: string;
  size: number;
  /** The roles whose signatures stop counting. */
  roles: string[];
}

export interface KeyRevocationPreview extends RepositoryRef {
  /** The delegations listing the key, and what happens to each. */
  roles: { role: string; action: 'remove-key' | 'remove-role'; resigned: boolean }[];
  /** Tags that lose their valid signatures (unless signed again). */
  losing: LosingTag[];
  /** Roles the keychain can sign those tags into, best first. */
  resignRoles: string[];
  error?: ErrorInfo;
}

export interface CollaboratorKey {
  /** The ID notary and docker show (for a certificate, its public key's). */
  keyId: string;
  keytype: string;
  kind: 'public key' | 'certificate';
  /** From the file's `role:` header or its name (alice.pub -> alice). */
  suggestedName?: string;
}

export interface DelegationDryRun extends RepositoryRef {
  ok: boolean;
  /** What publishing would change, one line each. */
  changes: string[];
  /** Worth knowing before publishing (the collaborator cannot publish while the snapshot key is here). */
  notes: string[];
  /** The collaborator already signs for this repository with this key. */
  alreadyDelegated: boolean;
  error?: ErrorInfo;
}

export interface SignerRemovalPreview extends RepositoryRef {
  name: string;
  changes: string[];
  keyIds: string[];
  /** Why the user must confirm first (the last releases signer); absent when nothing is lost. */
  confirm?: string;
  releasesRemoved: boolean;
  releasesResigned: boolean;
}

export type KeyPresence = 'keychain' | 'offline' | 'missing' | 'server';

export interface PreflightRepository extends RepositoryRef {
  /** The role's keys now (canonical IDs) and who holds them. */
  currentKeys: { keyId: string; presence: KeyPresence; offlineFile?: string }[];
  /** Root keys: every rotation publishes a new root, signed by a threshold of them. */
  rootKeys: { keyId: string; presence: KeyPresence; offlineFile?: string }[];
  rootThreshold: number;
  /** Delegations that verify now, and will still verify (their keys do not change). */
  delegationsVerified: number;
  /** Delegations that fail verification now (they stay as they are). */
  delegationsFailing: string[];
  /** Changes already staged for this repository, published with the rotation. */
  alreadyStaged: number;
  /** What stops this repository; empty when it can be rotated. */
  problems: string[];
  ready: boolean;
}

export interface RotationPreflight {
  role: RotatableRole;
  serverManaged: boolean;
  repositories: PreflightRepository[];
  /** Root keys that are offline and needed: bring each in from its encrypted file first. */
  offlineRoots: { keyId: string; offlineFile?: string }[];
}

/** pending -> staged (new key made, change staged) -> published -> verified (a client of the old root followed) -> done (old keys retired). */
export type RotationStep = 'pending' | 'staged' | 'published' | 'verified' | 'done';

export interface RotationRepositoryState extends RepositoryRef {
  step: RotationStep;
  oldKeyIds: string[];
  newKeyIds: string[];
  /** A client that trusted the root from before followed the rotation. */
  followedByOldRoot?: boolean;
  /** Once done: old keys removed from the keychain, and those kept with the reason. */
  retired?: { removed: string[]; kept: { id: string; reason: string }[] };
  error?: ErrorInfo;
}

/** The record kept on disk while a rotation runs, as the renderer sees it (public facts only). */
export interface RotationRecordView {
  id: string;
  role: RotatableRole;
  serverManaged: boolean;
  createdAt: string;
  updatedAt: string;
  repositories: RotationRepositoryState[];
  finished: boolean;
}

export interface RotationSummary extends FlowSummary {
  rotation: RotationRecordView;
  /** New root keys in the keychain: offer to take them offline. */
  newRootKeys: string[];
  /** Root keys this rotation used that are still in the keychain. */
  oldRootKeysOnline: string[];
}

export interface ExpiringRole extends RepositoryRef {
  role: string;
  expires: string;
  version?: number;
  /** True when the keychain holds a key that can re-sign it. */
  canResign: boolean;
  /** Why it cannot be re-signed, or how it is renewed (the server renews the timestamp). */
  note?: string;
}

export interface ExpiryReport {
  withinDays: number;
  roles: ExpiringRole[];
  /** Repositories that could not be checked. */
  failed: (RepositoryRef & { error: ErrorInfo })[];
}

// ---- The plan of a write job (core/jobs/plan.ts) ------------------------------------------------

export type PlannedJob = z.output<typeof flowRequests.writePlan>['job'];
export type PlannedJobKind = PlannedJob['kind'];

/** A key that signs a role in the plan: canonical ID (as docker and notary show it) and where it is. */
export interface PlannedKey {
  keyId: string;
  /** The first 12 hex digits, as docker trust shows it. */
  shortId: string;
  label?: string;
  /** keychain: this machine signs with it; server: the notary server does; new: the job makes it. */
  presence: KeyPresence | 'new';
  offlineFile?: string;
}

export interface PlannedRole {
  role: string;
  /** Who signs the new version: this keychain, or the notary server. */
  signer: 'you' | 'server';
  threshold: number;
  keys: PlannedKey[];
}

/**
 * Why a job cannot run, each with the fix in plain words and where the app does it:
 * add-yourself-as-signer (delegations exist, none of their keys is yours), import-key (a role's key is
 * not in the keychain; the targets key most often), bring-key-online (it is in an offline file),
 * initialise-repository (the server has no such repository), already-initialised, nothing-to-revoke,
 * nothing-to-resign (an expiring role no longer delegated, or never signed, since the list was read),
 * sign-in (the server wants a sign-in, or refused it), not-verified (the trust data could not be read
 * or did not verify: never taken for "unsigned"), not-publishable (the dry run refused it otherwise).
 */
export type PlanProblemCode =
  | 'add-yourself-as-signer'
  | 'import-key'
  | 'bring-key-online'
  | 'initialise-repository'
  | 'already-initialised'
  | 'nothing-to-revoke'
  | 'nothing-to-resign'
  | 'sign-in'
  | 'not-verified'
  | 'not-publishable';

/** Where in the app a problem is fixed. */
export type PlanFixPlace = 'delegate' | 'keys' | 'init' | 'servers' | 'repository';

export interface PlanProblem {
  code: PlanProblemCode;
  /** What is wrong, in plain words. */
  message: string;
  /** What to do about it, in plain words. */
  fix: string;
  place: PlanFixPlace;
  role?: string;
  error?: ErrorInfo;
}

export interface WritePlan extends RepositoryRef {
  job: PlannedJobKind;
  /** The notary server's address. */
  server: string;
  /** exists: read and verified now; absent: the server has no trust data for it; unreadable: could not be read or verified. */
  repository: 'exists' | 'absent' | 'unreadable';
  /** Roles with a new version, in publish order (timestamp last, signed by the server). */
  roles: PlannedRole[];
  /** Changes staged earlier: the job asks whether to publish them too. */
  staged: StagedChangeView[];
  problems: PlanProblem[];
  ready: boolean;
}
