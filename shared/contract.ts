// The IPC contract, as data: every channel the renderer may call, with the schema its request must
// pass in the main process and (as phantom types) what it answers and which progress events it streams.
// The router, the preload, the test host's shim and the renderer's client are all generic over this
// object, so adding a feature is one entry here plus one handler line.
import { z } from 'zod';
import type { ErrorInfo } from './errors';
import { isKeyRoleName, TAG_PATTERN } from './names';
import type { RepositoryView } from './domain';
import {
  gunSchema,
  serverIdSchema,
  serverInputSchema,
  uiPrefsSchema,
  watchedRepositorySchema,
  type Settings,
} from './schemas/settings';
import type {
  AppInfo,
  ConnectionCheckProgress,
  ConnectionReport,
  ImportProgress,
  KeyImportScan,
  KeySummary,
  PerKeyImportReport,
  MachineDiscovery,
  RefreshProgress,
  PickedPath,
  WatchStatus,
} from './schemas/views';
import { PICK_PURPOSES } from './schemas/views';
import type { VaultNote } from './schemas/vault-notes';
import {
  flowRequests,
  keyIdSchema as keyId,
  pickedPathRef,
  type CollaboratorKey,
  type DelegationDryRun,
  type ExpiryReport,
  type FlowProgress,
  type FlowSummary,
  type KeyRevocationPreview,
  type RegistryDigest,
  type RevocationPreview,
  type RotationPreflight,
  type RotationRecordView,
  type RotationSummary,
  type SignerRemovalPreview,
  type StagedView,
  type WritePlan,
} from './schemas/flows';
import type { ArchiveVerification, AuditProgress } from './audit';
import type { ServedDigests, ServedDigestsProgress } from './registry-digests';
import { auditRequests, type AuditRun, type RegistryCatalog, type RegistryCheck, type ReportPreview, type SavedFile } from './schemas/audit';
import { evidenceRequests, type EvidenceExport, type EvidenceProgress } from './schemas/evidence';
import type { MigrationProgress, MigrationReport } from './migrate';
import { migrateRequests, type MigrationPlanRun } from './schemas/migrate';

/** Never present at run time: carries the response and progress types along with the schema. */
declare const phantom: unique symbol;

export interface ChannelSpec<Req extends z.ZodType, Res, Progress> {
  readonly request: Req;
  /** True for long operations that stream progress events. */
  readonly streams: boolean;
  readonly [phantom]?: { response: Res; progress: Progress };
}

/** A request/response call: `call(schema).returns<Response>()`. */
function call<Req extends z.ZodType>(request: Req) {
  return { returns: <Res>(): ChannelSpec<Req, Res, never> => ({ request, streams: false }) };
}

/** A long operation that streams progress: `operation(schema).returns<Response, Progress>()`. */
function operation<Req extends z.ZodType>(request: Req) {
  return { returns: <Res, Progress>(): ChannelSpec<Req, Res, Progress> => ({ request, streams: true }) };
}

const empty = z.strictObject({});
const passphrase = z.string().max(1024);
const repositoryRef = watchedRepositorySchema;
/** A trust dir or a key file picked with files.choose (neither: docker's own trust dir). */
const importSource = z.strictObject({ dir: pickedPathRef.optional(), file: pickedPathRef.optional() }).refine((s) => s.dir === undefined || s.file === undefined, 'a folder or a file, not both');
/** A scanned key's name in an import: its key ID, or a hash of its encrypted bytes (see ScannedKey). */
const importEntry = z.string().regex(/^(?:[0-9a-f]{64}|block-[0-9a-f]{32})$/, 'a key found by keys.scanImport');
/** More keys than any trust dir holds; with 1 KiB passphrases a request stays well under a megabyte. */
const MAX_IMPORT_KEYS = 500;

export const contract = {
  'app.info': call(empty).returns<AppInfo>(),

  'settings.get': call(empty).returns<Settings>(),
  'settings.saveServer': call(z.strictObject({ server: serverInputSchema })).returns<Settings>(),
  'settings.removeServer': call(z.strictObject({ id: serverIdSchema })).returns<Settings>(),
  'settings.watch': call(repositoryRef).returns<Settings>(),
  'settings.unwatch': call(repositoryRef).returns<Settings>(),
  'settings.setUi': call(uiPrefsSchema.partial().strict()).returns<Settings>(),

  /** Stores the sign-in password of a saved server in the OS keychain (it never comes back out). */
  'servers.setPassword': call(z.strictObject({ serverId: serverIdSchema, password: z.string().min(1).max(4096) })).returns<{ stored: true }>(),
  'servers.forgetPassword': call(z.strictObject({ serverId: serverIdSchema })).returns<{ forgotten: boolean }>(),
  /** Checks a server (saved or not) and explains a failure in plain words. */
  /** Streams the step the check is at, so a slow step is named while the user waits. */
  'servers.check': operation(z.strictObject({ server: serverInputSchema })).returns<ConnectionReport, ConnectionCheckProgress>(),

  /** Fetches and verifies one repository from its server. */
  'repositories.inspect': call(repositoryRef).returns<RepositoryView>(),
  /** Verifies, offline, the trust data docker cached for a repository (marked source 'cache'). */
  'repositories.inspectCached': call(z.strictObject({ gun: gunSchema })).returns<RepositoryView>(),
  /** The user compared the pinned root's fingerprint (or read its change): the notice is not shown again. */
  'repositories.acknowledgeRoot': call(repositoryRef).returns<{ acknowledged: true }>(),
  /**
   * What the GUN's registry serves for signed tags (the audit's registry reads), one progress event
   * per tag; a registry that cannot be read is answered with its error, never as a match.
   */
  'repositories.servedDigests': operation(
    // Only names a registry can serve: a signed target named otherwise stays "not checked".
    repositoryRef.extend({ tags: z.array(z.string().regex(TAG_PATTERN)).min(1).max(100_000) }),
  ).returns<ServedDigests, ServedDigestsProgress>(),
  /**
   * Refreshes every watched repository, or with `serverId` only those watched on that server (its
   * sign-in was just fixed); one progress event per repository read. Answers every watched one's status.
   */
  'watch.refresh': operation(z.strictObject({ serverId: serverIdSchema.optional() })).returns<WatchStatus[], RefreshProgress>(),
  /** The last known status of each watched repository, without network. */
  'watch.status': call(empty).returns<WatchStatus[]>(),

  /**
   * Opens the main process's file dialog; the answer's `ref` stands for the chosen path in one later
   * request (keys.scanImport, keys.importChosen, rotation.takeKeyOffline, rotation.bringKeyOnline). The renderer never names a path.
   */
  'files.choose': call(
    z.strictObject({ purpose: z.enum(PICK_PURPOSES), suggestedName: z.string().max(255).regex(/^[\w.-]*$/, 'a plain file name').optional() }),
  ).returns<PickedPath>(),

  'keys.list': call(empty).returns<KeySummary[]>(),
  'keys.generate': call(
    z.strictObject({
      role: z.string().trim().min(1).max(255).refine(isKeyRoleName, 'a role: letters, digits, ".", "_", "-" and "/", no ".."'),
      gun: gunSchema.optional(),
      algorithm: z.enum(['ecdsa', 'ed25519']).default('ecdsa'),
      label: z.string().trim().max(100).optional(),
    }),
  ).returns<KeySummary>(),
  /**
   * Step 1 of a key-by-key import: the keys a trust dir (`dir`) or key file (`file`), chosen with
   * files.choose, holds — default docker's trust dir. Needs no passphrase and changes nothing.
   */
  'keys.scanImport': call(importSource).returns<KeyImportScan>(),
  /**
   * Step 2: imports the keys listed in `keys`, each with its own passphrase (none for a key that is
   * not encrypted); every other key is left. Each key gets its outcome; one that cannot be unlocked
   * never fails the rest. `dir`/`file` is the scan's `source`. Passphrases go to main and never back.
   */
  'keys.importChosen': operation(
    importSource.extend({
      keys: z.array(z.strictObject({ entry: importEntry, passphrase: passphrase.optional() })).max(MAX_IMPORT_KEYS),
    }),
  ).returns<PerKeyImportReport, ImportProgress>(),
  /** Removes the key from this home; `otherHomes` names other Countersign homes that keep their own copy. */
  'keys.remove': call(z.strictObject({ id: keyId, confirm: z.boolean().default(false) })).returns<{ removed: string; otherHomes: string[] }>(),
  /** Names a key for people ("laptop, alice"); an empty label removes it. */
  'keys.label': call(z.strictObject({ id: keyId, label: z.string().trim().max(100) })).returns<KeySummary>(),
  /** Hands the key's .pub (public half only) to the user as a file. */
  'keys.savePublicKey': call(z.strictObject({ id: keyId })).returns<SavedFile>(),
  /**
   * What the vault's recovery found after a crash (an interrupted operation finished or rolled back,
   * keychain entries adopted or left alone) and other homes that list those keys; dismissed ones are gone.
   */
  'keys.notes': call(empty).returns<VaultNote[]>(),
  /** Dismisses the notes up to and including `through` (the last seq the user saw). */
  'keys.dismissNotes': call(z.strictObject({ through: z.number().int().nonnegative() })).returns<{ dismissed: true }>(),
  /** Hands the keys to the user as one encrypted PEM file (notary key import / docker trust key load read it). */
  'keys.export': call(z.strictObject({ ids: z.array(keyId).min(1).max(100), passphrase: z.string().min(8).max(1024) })).returns<SavedFile>(),

  /** What this machine already has: docker trust keys and cached trust data. */
  'discovery.scan': call(empty).returns<MachineDiscovery>(),

  // ---- The write flows (shared/schemas/flows.ts): every long one streams FlowProgress and can be cancelled.
  /** Changes staged and not yet published, per repository. */
  'publish.staged': call(flowRequests.publishStaged).returns<StagedView[]>(),
  'publish.run': operation(flowRequests.publishStaged).returns<FlowSummary, FlowProgress>(),
  'publish.discard': call(flowRequests.publishDiscard).returns<{ dropped: number; unreadableFiles: number }>(),

  /**
   * What a write job would do on one repository, read from the server and verified: the roles it
   * re-signs, the key for each (public facts only) and what stops it, with the fix. Nothing is signed or staged.
   */
  'plan.write': call(flowRequests.writePlan).returns<WritePlan>(),
  /** Creates an unsigned repository (notary init): keys first, removed again when the server does not take it. */
  'init.repository': operation(flowRequests.initRepository).returns<FlowSummary, FlowProgress>(),

  /** The digest and size the registry serves for a tag now. */
  'sign.readDigest': call(flowRequests.readDigest).returns<RegistryDigest>(),
  /** Signs a tag (docker trust sign's roles unless given); with `guard`, only if the registry still serves that digest. */
  'sign.tag': operation(flowRequests.signTag).returns<FlowSummary, FlowProgress>(),

  'revoke.preview': call(flowRequests.revokePreview).returns<RevocationPreview>(),
  'revoke.tags': operation(flowRequests.revokeTags).returns<FlowSummary, FlowProgress>(),
  /** Which delegations list a (compromised) key, and which tags lose their valid signatures without it. */
  'revoke.keyPreview': operation(flowRequests.keyRevocationPreview).returns<KeyRevocationPreview[], FlowProgress>(),
  'revoke.key': operation(flowRequests.revokeKey).returns<FlowSummary, FlowProgress>(),

  /** Reads a collaborator's public key or certificate (PEM, docker trust .pub). */
  'delegation.readKey': call(flowRequests.readKey).returns<CollaboratorKey>(),
  /** A dry run per repository of adding the collaborator as a signer: applied and signed, nothing staged. */
  'delegation.plan': operation(flowRequests.delegationPlan).returns<DelegationDryRun[], FlowProgress>(),
  'delegation.add': operation(flowRequests.delegationPlan).returns<FlowSummary, FlowProgress>(),
  'delegation.removalPreview': call(flowRequests.signerRemovalPreview).returns<SignerRemovalPreview>(),
  'delegation.remove': operation(flowRequests.removeSigner).returns<FlowSummary, FlowProgress>(),
  /** Safe signer replacement: add the new key, re-sign the signer's roles with it, then remove the old key. */
  'delegation.replaceKey': operation(flowRequests.replaceSignerKey).returns<FlowSummary, FlowProgress>(),

  'rotation.preflight': operation(flowRequests.rotationPreflight).returns<RotationPreflight, FlowProgress>(),
  /** Brings an offline (root) key back into the keychain from its encrypted file. */
  'rotation.bringKeyOnline': call(flowRequests.bringKeyOnline).returns<{ keyId: string; role: string }>(),
  'rotation.start': operation(flowRequests.rotationPreflight).returns<RotationSummary, FlowProgress>(),
  /** Rotations that were interrupted (the app closed or crashed) and can be resumed. */
  'rotation.pending': call(empty).returns<RotationRecordView[]>(),
  'rotation.resume': operation(flowRequests.rotationResume).returns<RotationSummary, FlowProgress>(),
  /** Forgets an interrupted rotation (what it staged stays staged; its new keys stay in the keychain). */
  'rotation.dismiss': call(flowRequests.rotationResume).returns<{ dismissed: boolean }>(),
  /** Moves a key out of the keychain into an encrypted file (a new root key, kept offline). */
  'rotation.takeKeyOffline': call(flowRequests.takeKeyOffline).returns<{ keyId: string; file: string }>(),

  /** Every role of the watched repositories that expires within the warning window. */
  'expiry.list': operation(flowRequests.expiryList).returns<ExpiryReport, FlowProgress>(),
  'expiry.resign': operation(flowRequests.expiryResign).returns<FlowSummary, FlowProgress>(),

  // ---- The security review (shared/schemas/audit.ts, evidence.ts).
  /** Registries live in settings beside the servers; their passwords go to the OS keychain and never come back. */
  'registries.save': call(auditRequests.saveRegistry).returns<Settings>(),
  'registries.remove': call(auditRequests.registryId).returns<Settings>(),
  'registries.setPassword': call(auditRequests.setRegistryPassword).returns<{ stored: true }>(),
  'registries.forgetPassword': call(auditRequests.registryId).returns<{ forgotten: boolean }>(),
  /** Checks a registry (saved or not): its API answers, lets us in and lists its repositories. */
  'registries.check': call(auditRequests.checkRegistry).returns<RegistryCheck>(),
  'audit.catalog': call(auditRequests.registryId).returns<RegistryCatalog>(),
  /** Audits a registry's repositories (or its whole catalog) against a notary server. */
  'audit.run': operation(auditRequests.run).returns<AuditRun, AuditProgress>(),
  /** Hands a finished report to the user as `countersign audit --json` / `--csv` writes it. */
  'audit.export': call(auditRequests.export).returns<SavedFile>(),
  /** The very text `audit.export` saves (the same JSON or CSV), to read it on screen. */
  'audit.preview': call(auditRequests.export).returns<ReportPreview>(),
  /** Takes repositories' complete verified trust data into one evidence archive the user saves. */
  'evidence.export': operation(evidenceRequests.export).returns<EvidenceExport, EvidenceProgress>(),
  /** Verifies an evidence archive offline: root chain, every signature and hash, the tag map. */
  'evidence.verify': call(evidenceRequests.verify).returns<ArchiveVerification>(),

  // ---- The exit ramp to cosign (shared/schemas/migrate.ts, shared/migrate.ts).
  /** Audits the scope and plans exactly the tags whose verified DCT data signs what the registry serves. */
  'migrate.plan': operation(migrateRequests.plan).returns<MigrationPlanRun, MigrationProgress>(),
  /** Writes the cosign signatures of a plan made by migrate.plan (or, dryRun, says which are already there). */
  'migrate.run': operation(migrateRequests.run).returns<MigrationReport, MigrationProgress>(),

  /** Cancels a running call by the operation id it was started with. Answered by the router itself. */
  'operations.cancel': call(z.strictObject({ operationId: z.string().min(1).max(64) })).returns<{ cancelled: boolean }>(),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;

/** What the renderer sends (before defaults are applied). */
export type RequestOf<C extends ChannelName> = z.input<Contract[C]['request']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedRequestOf<C extends ChannelName> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends ChannelName> =
  Contract[C] extends ChannelSpec<z.ZodType, infer Res, unknown> ? Res : never;
export type ProgressOf<C extends ChannelName> =
  Contract[C] extends ChannelSpec<z.ZodType, unknown, infer Progress> ? Progress : never;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** The message every transport carries for one call. */
export interface CallEnvelope {
  request: unknown;
  /** Chosen by the caller; lets it cancel the call and routes progress events back. */
  operationId?: string;
}

export interface ProgressMessage {
  operationId: string;
  event: unknown;
}

export const OPERATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Transport names: `ipcMain.handle(ipcChannel('app.info'))`, and one channel for every progress event. */
export const IPC_PREFIX = 'countersign:';
export const PROGRESS_CHANNEL = 'countersign:progress';
export function ipcChannel(name: ChannelName): string {
  return `${IPC_PREFIX}${name}`;
}

export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];

export function isChannelName(value: string): value is ChannelName {
  return Object.hasOwn(contract, value);
}

// ---- The shape of window.countersign, derived from the contract -------------------------------

export interface CallOptions {
  /** Lets the caller cancel with operations.cancel. */
  operationId?: string;
}

export interface OperationOptions<Progress> extends CallOptions {
  onProgress?: (event: Progress) => void;
}

type Method<C extends ChannelName> = [ProgressOf<C>] extends [never]
  ? (request: RequestOf<C>, options?: CallOptions) => Promise<Result<ResponseOf<C>>>
  : (request: RequestOf<C>, options?: OperationOptions<ProgressOf<C>>) => Promise<Result<ResponseOf<C>>>;

type DomainOf<N extends string> = N extends `${infer D}.${string}` ? D : never;
export type Domain = DomainOf<ChannelName>;

/** `window.countersign.repositories.inspect(...)` for the channel 'repositories.inspect'. */
export type CountersignApi = {
  readonly [D in Domain]: {
    readonly [N in ChannelName as N extends `${D}.${infer M}` ? M : never]: Method<N>;
  };
};
