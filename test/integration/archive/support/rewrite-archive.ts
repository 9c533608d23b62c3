// Takes an evidence archive apart and puts it back together changed, the way someone tampering with
// one would: naively (bytes changed, manifest left as it was) or carefully (the manifest's hashes, and
// the manifest's own hash, recomputed to match).
import { createHash } from 'node:crypto';
import { readTar, writeTar, MANIFEST_HASH_PATH, MANIFEST_PATH, type ArchiveManifest } from '../../../../electron/core/archive';

export interface OpenArchive {
  files: Map<string, Uint8Array>;
  manifest: ArchiveManifest;
}

export function openArchive(bytes: Uint8Array): OpenArchive {
  const files = readTar(bytes, { maxEntries: 100_000 });
  const manifest = JSON.parse(Buffer.from(files.get(MANIFEST_PATH) ?? new Uint8Array()).toString('utf8')) as ArchiveManifest;
  return { files, manifest };
}

/** The archive as it now is; `careful` re-hashes every listed file and the manifest first. */
export function closeArchive(archive: OpenArchive, careful: boolean): Buffer {
  if (careful) {
    for (const repository of archive.manifest.repositories) {
      repository.files = repository.files.flatMap((file) => {
        const bytes = archive.files.get(file.path);
        return bytes ? [{ path: file.path, sha256: sha256(bytes), length: bytes.length }] : [];
      });
    }
    const manifestBytes = Buffer.from(`${JSON.stringify(archive.manifest, null, 2)}\n`);
    archive.files.set(MANIFEST_PATH, manifestBytes);
    archive.files.set(MANIFEST_HASH_PATH, Buffer.from(`${sha256(manifestBytes)}\n`));
  }
  return writeTar([...archive.files].map(([path, bytes]) => ({ path, bytes })), 0);
}

export function rewrite(bytes: Uint8Array, careful: boolean, change: (archive: OpenArchive) => void): Buffer {
  const archive = openArchive(bytes);
  change(archive);
  return closeArchive(archive, careful);
}

/** One byte of a file changed (its middle byte, +1), so the file keeps its length. */
export function flipByte(bytes: Uint8Array, at = Math.floor(bytes.length / 2)): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = (copy[at]! + 1) % 256;
  return copy;
}

/** A JSON file with an edit applied to its parsed value, re-serialised as a person would (indented). */
export function editJson(bytes: Uint8Array, edit: (value: Record<string, unknown>) => void): Uint8Array {
  const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  edit(value);
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** A metadata file with its "signed" part edited and its signatures kept, in notary's compact layout. */
export function editSigned(bytes: Uint8Array, edit: (signed: Record<string, unknown>) => void): Uint8Array {
  const file = JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed: Record<string, unknown>; signatures: unknown };
  edit(file.signed);
  return Buffer.from(JSON.stringify(file));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
