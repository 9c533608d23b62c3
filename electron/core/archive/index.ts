// The evidence archive's public face: export repositories' complete verified trust data as one file,
// and verify such a file offline. Format: README.md in this folder.
export { createEvidenceArchive, verifyEvidenceArchive, type CreateArchiveOptions, type CreatedArchive, type VerifyArchiveOptions } from './evidence-archive';
export { collectEvidence, type CollectOptions } from './collect-evidence';
export { checkCosignEvidence, collectCosignEvidence, type CosignSource } from './cosign-evidence';
export { verifyRepositoryEvidence, tagMapOf, type RepositoryEvidence, type EvidenceVerification } from './verify-evidence';
export { encodeArchive, decodeArchive } from './archive-file';
export { readTar, writeTar, type TarEntry } from './tar';
export { ARCHIVE_FORMAT, ARCHIVE_VERSION, ARCHIVE_LIMITS, MANIFEST_PATH, MANIFEST_HASH_PATH, type ArchiveManifest, type CosignEvidence, type TagMap } from './format';
