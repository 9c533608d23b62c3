// Finding private keys to import: single files, and whole trust dirs as notary and docker keep them
// (~/.notary/private, ~/.docker/trust/private), including the older layout in which the role and
// GUN were part of the path: private/root_keys/<id>_root.key, private/tuf_keys/<gun>/<id>_<role>.key.
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { fileSystemError } from '../state/fs-errors';
import { checkLocalPath } from '../state/local-path';
import { readPrivateKeyBlocks, type PrivateKeyBlock } from '../crypto/key-file';

export interface KeyCandidate {
  file: string;
  block: PrivateKeyBlock;
  /** From the PEM headers, else from a legacy path. */
  role: string | undefined;
  gun: string | undefined;
  /** The key ID the file or its `path:` header claims; checked against the key itself. */
  claimedId: string | undefined;
}

/** "<id>.key", or the older "<id>_<role>.key"; `path:` headers carry the same without ".key". */
const KEY_NAME = /^([0-9a-f]{64})(?:_([^/]+?))?(?:\.key)?$/;
const KEY_FILE = /^[0-9a-f]{64}(?:_[^/]+)?\.key$/;
const MAX_KEY_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 4;

/** Every private key block of one file; `pem-invalid` (naming the file) when it holds none. */
export async function keyCandidatesOfFile(file: string, legacyPath?: { role?: string; gun?: string }): Promise<KeyCandidate[]> {
  const text = await readKeyFile(checkLocalPath(file, 'key file'));
  let blocks: PrivateKeyBlock[];
  try {
    blocks = readPrivateKeyBlocks(text);
  } catch (cause) {
    throw new CountersignError('pem-invalid', `${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const named = KEY_NAME.exec(basename(file));
  return blocks.map((block) => {
    // A bundle from `notary key export` names each key in its `path:` header, which older clients
    // wrote as a whole legacy path (tuf_keys/<gun>/<id>_<role>).
    const pathHeader = block.path === undefined ? undefined : KEY_NAME.exec(block.path.split('/').at(-1)!);
    const pathFacts = block.path === undefined ? {} : legacyPathFacts(block.path);
    return {
      file,
      block,
      role: block.role ?? pathHeader?.[2] ?? named?.[2] ?? pathFacts.role ?? legacyPath?.role,
      gun: block.gun ?? pathFacts.gun ?? legacyPath?.gun,
      claimedId: pathHeader?.[1] ?? (blocks.length === 1 ? named?.[1] : undefined),
    };
  });
}

/**
 * Every key file of a trust dir. `dir` may be the trust dir itself or its `private` folder. Files
 * that are not named like key files are left alone (docker keeps other things nearby).
 */
export async function keyFilesOfTrustDir(dir: string, unreadable: { path: string; reason: ErrorInfo }[] = []): Promise<{ file: string; legacy: { role?: string; gun?: string } }[]> {
  checkLocalPath(dir, 'trust folder');
  const privateDir = (await isDirectory(join(dir, 'private'))) ? join(dir, 'private') : dir;
  if (!(await isDirectory(privateDir))) throw new CountersignError('not-found', `${dir} is not a directory`);
  const files: { file: string; legacy: { role?: string; gun?: string } }[] = [];
  const walk = async (current: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      // An unreadable subfolder is reported and the rest imported; an unreadable top folder is an error.
      if (depth === 0) throw fileSystemError(error, current);
      unreadable.push({ path: current, reason: toErrorInfo(fileSystemError(error, current)) });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(current, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
      else if (entry.isFile() && KEY_FILE.test(entry.name)) files.push({ file: path, legacy: legacyPathFacts(relative(privateDir, path).split(sep).join('/')) });
    }
  };
  await walk(privateDir, 0);
  return files;
}

/** Role or GUN implied by a '/'-separated path relative to `private/` in the older layout. */
function legacyPathFacts(relativePath: string): { role?: string; gun?: string } {
  const parts = relativePath.split('/');
  if (parts[0] === 'root_keys') return { role: 'root' };
  if (parts[0] === 'tuf_keys' && parts.length > 2) return { gun: parts.slice(1, -1).join('/') };
  return {};
}

async function readKeyFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CountersignError('invalid-input', `${file} is not a file`);
    if (info.size > MAX_KEY_FILE_BYTES) throw new CountersignError('pem-invalid', `${file} is too large to be a key file`);
    return await readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof CountersignError) throw cause;
    const mapped = fileSystemError(cause, file);
    if (mapped instanceof CountersignError) throw mapped;
    throw new CountersignError('not-found', `cannot read ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
