// The exit ramp from Docker Content Trust: plan from the audit, write cosign signatures, read and
// verify them (ours or cosign's), and the keys' cosign forms.
export { COSIGN_MEDIA_TYPES, COSIGN_SIGNATURE_TYPE, SIGNATURE_ANNOTATION, isCosignAttachmentTag, signatureTag } from './cosign-layout';
export { checkCosignSigningKey, cosignPublicKeyPem, cosignSign, cosignVerify, readCosignPublicKey } from './cosign-key';
export { readSimpleSigningPayload, simpleSigningPayload, type SimpleSigningClaim } from './simple-signing';
export { buildSignatureImage, readSignatureManifest, type SignatureManifest } from './signature-manifest';
export { appendSignatures, checkStoredSignature, findValidSignature, readStoredSignatures, type StoredSignature, type StoredSignatures } from './cosign-store';
export { planMigration, type PlanKey } from './plan';
export { runMigration, DEFAULT_MIGRATION_CONCURRENCY, type MigrationOptions } from './run-migration';
export { addCosignColumn, addCosignToRepositories, type CosignColumnOptions } from './cosign-audit';
