// Evidence to archive bytes and back. Writing lays the files out and lists each with its sha256 in
// the manifest (whose own sha256 sits beside it). Reading checks the container, the manifest and every
// file's hash, and hands back the evidence to verify; it never trusts the manifest's word for content.
import { createHash } from 'node:crypto';
import type { ArchiveCheck } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import { parseStrictJson } from '../tuf/strict-json';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_LIMITS,
  ARCHIVE_VERSION,
  cosignEvidenceSchema,
  cosignPath,
  MANIFEST_HASH_PATH,
  MANIFEST_PATH,
  manifestSchema,
  metadataPath,
  repositoryDirectory,
  roleOfMetadataPath,
  rootVersionPath,
  tagMapPath,
  tagMapSchema,
  type ArchiveManifest,
  type ArchivedRepositoryEntry,
  type CosignEvidence,
  type TagMap,
} from './format';
import { readTar, writeTar, type TarEntry } from './tar';
import { failed, failedWith, notRun, passed, type RepositoryEvidence } from './verify-evidence';

const encoder = new TextEncoder();

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Writing

export function encodeArchive(evidence: readonly RepositoryEvidence[], createdAt: Date): Buffer {
  const entries: TarEntry[] = [];
  const repositories = evidence.map((repository, index) => {
    const directory = repositoryDirectory(index);
    const files: TarEntry[] = [
      ...repository.rootVersions.map((bytes, i) => ({ path: rootVersionPath(directory, i + 1), bytes })),
      ...[...repository.metadata.keys()].sort().map((role) => ({ path: metadataPath(directory, role), bytes: repository.metadata.get(role)! })),
      { path: tagMapPath(directory), bytes: encoder.encode(`${JSON.stringify(repository.tagMap, null, 2)}\n`) },
      ...(repository.cosign ? [{ path: cosignPath(directory), bytes: encoder.encode(`${JSON.stringify(repository.cosign, null, 2)}\n`) }] : []),
    ];
    entries.push(...files);
    return {
      gun: repository.gun,
      server: repository.server,
      verifiedAt: repository.verifiedAt,
      directory,
      rootVersions: repository.rootVersions.length,
      roles: [...repository.verifiedRoles].sort(),
      failedRoles: repository.failedRoles,
      files: files.map((file) => ({ path: file.path, sha256: sha256Of(file.bytes), length: file.bytes.length })),
    };
  });
  const manifest: ArchiveManifest = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, createdAt: createdAt.toISOString(), createdBy: 'countersign', repositories };
  const manifestBytes = encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return writeTar(
    [{ path: MANIFEST_PATH, bytes: manifestBytes }, { path: MANIFEST_HASH_PATH, bytes: encoder.encode(`${sha256Of(manifestBytes)}\n`) }, ...entries],
    Math.floor(createdAt.getTime() / 1000),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface DecodedRepository {
  entry: ArchivedRepositoryEntry;
  /** Undefined when the repository's files are not all there to verify. */
  evidence?: RepositoryEvidence;
  checks: ArchiveCheck[];
}

export interface DecodedArchive {
  manifest?: ArchiveManifest;
  checks: ArchiveCheck[];
  repositories: DecodedRepository[];
}

export function decodeArchive(bytes: Uint8Array): DecodedArchive {
  let files: Map<string, Uint8Array>;
  let manifest: ArchiveManifest;
  try {
    if (bytes.length > ARCHIVE_LIMITS.maxArchiveBytes) throw new CountersignError('metadata-too-large', `the archive is over ${ARCHIVE_LIMITS.maxArchiveBytes} bytes`);
    files = readTar(bytes, { maxEntries: ARCHIVE_LIMITS.maxEntries });
    manifest = readManifest(files);
    checkEveryFileListed(files, manifest);
  } catch (error) {
    return { checks: [failed('archive-format', error), notRun('file-hashes')], repositories: [] };
  }
  const checks = [passed('archive-format', `a ${ARCHIVE_FORMAT} v${ARCHIVE_VERSION} of ${manifest.repositories.length} repositories`), manifestHashCheck(files)];
  const repositories = manifest.repositories.map((entry) => decodeRepository(entry, files));
  return { manifest, checks, repositories };
}

function readManifest(files: ReadonlyMap<string, Uint8Array>): ArchiveManifest {
  const bytes = files.get(MANIFEST_PATH);
  if (!bytes) throw new CountersignError('metadata-malformed', `the archive has no ${MANIFEST_PATH}: it is not a Countersign evidence archive`);
  if (bytes.length > ARCHIVE_LIMITS.maxManifestBytes) throw new CountersignError('metadata-too-large', `${MANIFEST_PATH} is over ${ARCHIVE_LIMITS.maxManifestBytes} bytes`);
  const parsed = manifestSchema.safeParse(parseStrictJson(bytes, MANIFEST_PATH));
  if (!parsed.success) throw new CountersignError('metadata-malformed', `${MANIFEST_PATH} is not a manifest this version reads: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  parsed.data.repositories.forEach((repository, index) => {
    if (repository.directory !== repositoryDirectory(index)) {
      throw new CountersignError('metadata-malformed', `${MANIFEST_PATH}: repository ${index + 1} lives in "${repository.directory}", not ${repositoryDirectory(index)}`);
    }
  });
  return parsed.data;
}

/** An archive holds exactly what its manifest lists: a file slipped in is as suspect as one taken out. */
function checkEveryFileListed(files: ReadonlyMap<string, Uint8Array>, manifest: ArchiveManifest): void {
  const listed = new Set([MANIFEST_PATH, MANIFEST_HASH_PATH]);
  for (const repository of manifest.repositories) {
    for (const file of repository.files) {
      if (!file.path.startsWith(`${repository.directory}/`)) {
        throw new CountersignError('metadata-malformed', `${MANIFEST_PATH} lists ${file.path} under ${repository.gun}, outside ${repository.directory}/`);
      }
      if (listed.has(file.path)) throw new CountersignError('metadata-malformed', `${MANIFEST_PATH} lists ${file.path} twice`);
      listed.add(file.path);
    }
  }
  const unlisted = [...files.keys()].filter((path) => !listed.has(path));
  if (unlisted.length > 0) throw new CountersignError('metadata-malformed', `the archive holds files its manifest does not list: ${unlisted.join(', ')}`);
}

function manifestHashCheck(files: ReadonlyMap<string, Uint8Array>): ArchiveCheck {
  const recorded = Buffer.from(files.get(MANIFEST_HASH_PATH) ?? new Uint8Array()).toString('utf8').trim();
  const actual = sha256Of(files.get(MANIFEST_PATH) ?? new Uint8Array());
  if (recorded !== actual) {
    return failedWith('file-hashes', 'hash-mismatch', `${MANIFEST_PATH} hashes to ${actual}, but ${MANIFEST_HASH_PATH} says ${recorded || '(nothing)'}`);
  }
  return passed('file-hashes', `${MANIFEST_PATH} matches ${MANIFEST_HASH_PATH}`);
}

function decodeRepository(entry: ArchivedRepositoryEntry, files: ReadonlyMap<string, Uint8Array>): DecodedRepository {
  const hashes = fileHashesCheck(entry, files);
  let evidence: RepositoryEvidence;
  try {
    evidence = evidenceOf(entry, files);
  } catch (error) {
    return { entry, checks: [failed('archive-format', error), hashes] };
  }
  return { entry, evidence, checks: [passed('archive-format', `${entry.files.length} files in ${entry.directory}/`), hashes] };
}

function fileHashesCheck(entry: ArchivedRepositoryEntry, files: ReadonlyMap<string, Uint8Array>): ArchiveCheck {
  const problems: string[] = [];
  for (const file of entry.files) {
    const bytes = files.get(file.path);
    if (!bytes) problems.push(`${file.path} is missing`);
    else if (bytes.length !== file.length || sha256Of(bytes) !== file.sha256) problems.push(`${file.path} does not match its sha256 in the manifest`);
  }
  if (problems.length > 0) return failedWith('file-hashes', 'hash-mismatch', problems.join('; '));
  return passed('file-hashes', `${entry.files.length} files match their sha256 in the manifest`);
}

/** The repository's evidence from the files its manifest entry lists; the layout must be complete. */
function evidenceOf(entry: ArchivedRepositoryEntry, files: ReadonlyMap<string, Uint8Array>): RepositoryEvidence {
  const listed = new Set(entry.files.map((file) => file.path));
  const fileAt = (path: string): Uint8Array => {
    const bytes = listed.has(path) ? files.get(path) : undefined;
    if (!bytes) throw new CountersignError('role-missing', `${path} is missing from the archive`);
    return bytes;
  };
  const rootPaths = Array.from({ length: entry.rootVersions }, (_, i) => rootVersionPath(entry.directory, i + 1));
  const rootVersions = rootPaths.map(fileAt);
  const metadata = new Map<string, Uint8Array>();
  for (const path of listed) {
    const role = roleOfMetadataPath(entry.directory, path);
    if (role !== undefined) metadata.set(role, fileAt(path));
    else if (!rootPaths.includes(path) && path !== tagMapPath(entry.directory) && path !== cosignPath(entry.directory)) {
      throw new CountersignError('metadata-malformed', `${path} has no place in the archive's layout`);
    }
  }
  return {
    gun: entry.gun,
    server: entry.server,
    verifiedAt: entry.verifiedAt,
    rootVersions,
    metadata,
    failedRoles: entry.failedRoles,
    verifiedRoles: entry.roles,
    tagMap: readTagMap(fileAt(tagMapPath(entry.directory)), tagMapPath(entry.directory)),
    ...(listed.has(cosignPath(entry.directory)) ? { cosign: readCosignEvidence(fileAt(cosignPath(entry.directory)), cosignPath(entry.directory)) } : {}),
  };
}

function readCosignEvidence(bytes: Uint8Array, path: string): CosignEvidence {
  if (bytes.length > ARCHIVE_LIMITS.maxTagMapBytes) throw new CountersignError('metadata-too-large', `${path} is over ${ARCHIVE_LIMITS.maxTagMapBytes} bytes`);
  const parsed = cosignEvidenceSchema.safeParse(parseStrictJson(bytes, path));
  if (!parsed.success) throw new CountersignError('metadata-malformed', `${path} is not a record of cosign signatures: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function readTagMap(bytes: Uint8Array, path: string): TagMap {
  if (bytes.length > ARCHIVE_LIMITS.maxTagMapBytes) throw new CountersignError('metadata-too-large', `${path} is over ${ARCHIVE_LIMITS.maxTagMapBytes} bytes`);
  const parsed = tagMapSchema.safeParse(parseStrictJson(bytes, path));
  if (!parsed.success) throw new CountersignError('metadata-malformed', `${path} is not a tag map: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
