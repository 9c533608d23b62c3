// The write path: stage changes, then publish them (fetch, verify, apply, sign, upload, retry on
// conflict, verify again). Import from here.
export { changeSchema, describeChange, targetMetaSchema } from './changes';
export type { Change, ChangeKind, RepositoryInitChange, StagedChange, TargetMeta } from './changes';
export { StagedChanges } from './staged-store';
export { RepositoryDraft, parentOf, type RoleKeyRequirement } from './draft';
export { applyChanges } from './apply-changes';
export { buildUpdate, fileMetaOf, type BuiltUpdate } from './build-update';
export { defaultExpiry, DEFAULT_EXPIRY_MS } from './expiry';
export { signMetadata, vaultSigningKeys, holdsKeyFor, type SigningKeys } from './signing';
export { fetchVerified, type RepositoryTarget } from './latest';
export { newRepositoryKeys, draftForNewRepository, rootCertificateKeyId } from './new-repository';
export { publishStaged, DEFAULT_PUBLISH_ATTEMPTS, type PublishOptions, type PublishResult } from './publish';
export { plannedDraft, stageSignature, stageRevocation, stageInit, stagingArea, type StageContext, type RevocationPlan } from './stage';
