// What the verified cache holds for a role, wherever it keeps it (inside state.json or in objects/),
// for tests that damage or forge it on disk the way another program or a failing disk could.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface StateFile {
  files: Record<string, string>;
  inline?: Record<string, string>;
}

const readState = (dir: string): StateFile => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as StateFile;
const objectPath = (dir: string, hash: string): string => join(dir, 'objects', `${hash}.json`);

/** The bytes the cache in `dir` keeps for `role`, as they are on disk. */
export function cachedFile(dir: string, role: string): Buffer {
  const state = readState(dir);
  const hash = state.files[role]!;
  const inline = state.inline?.[hash];
  return inline !== undefined ? Buffer.from(inline, 'base64') : readFileSync(objectPath(dir, hash));
}

/**
 * Replaces the bytes kept for `role`. By default under the hash state.json lists (damage the cache
 * must notice); with `relist`, under their own hash, the listing fixed up to match (a forgery that
 * loads), kept where the role's file was kept.
 */
export function overwriteCachedFile(dir: string, role: string, bytes: Uint8Array | string, options: { relist?: boolean } = {}): void {
  const state = readState(dir);
  const old = state.files[role]!;
  const data = Buffer.from(bytes);
  const hash = options.relist ? createHash('sha256').update(data).digest('hex') : old;
  state.files[role] = hash;
  if (state.inline?.[old] !== undefined) {
    delete state.inline[old];
    state.inline[hash] = data.toString('base64');
  } else {
    mkdirSync(join(dir, 'objects'), { recursive: true });
    writeFileSync(objectPath(dir, hash), data);
  }
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
}
