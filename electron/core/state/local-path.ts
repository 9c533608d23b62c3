// Paths the user names for key files and folders. The kernel's pseudo file systems are refused at
// once: `mkdir -p` under /proc spins (every component "exists" and none can be made) and reads
// there never end, so such a path would hang a CLI run or the app's main process.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CountersignError } from '../../../shared/errors';

const PSEUDO_FILE_SYSTEMS = ['/proc', '/sys', '/dev'];
const MAX_PATH = 4096;

/** The absolute form of `path`, or `invalid-input` for a path no key file may have. */
export function checkLocalPath(path: string, what = 'path'): string {
  if (path.length === 0 || path.length > MAX_PATH || path.includes('\u0000')) {
    throw new CountersignError('invalid-input', `That ${what} is not a usable path (empty, longer than ${MAX_PATH} characters, or holding NUL).`);
  }
  const absolute = resolve(path);
  if (process.platform !== 'win32' && PSEUDO_FILE_SYSTEMS.some((root) => absolute === root || absolute.startsWith(root + sep))) {
    throw new CountersignError('invalid-input', `${absolute} is in a system folder (${PSEUDO_FILE_SYSTEMS.join(', ')}), not a place for key files.`);
  }
  return absolute;
}

/**
 * Whether `path` (which need not exist yet) lies in `folder` or is it, once symlinks and `..` are
 * resolved on both sides: the nearest existing ancestor of each is resolved by the file system and
 * the rest appended, so a symlink into the folder, or `folder/../folder/x`, is seen for what it is.
 */
export function isInsideFolder(path: string, folder: string): boolean {
  const target = resolveExisting(resolve(path));
  const base = resolveExisting(resolve(folder));
  const rel = relative(base, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function resolveExisting(absolute: string): string {
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(realpathSync.native(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return absolute;
      rest.push(basename(current));
      current = parent;
    }
  }
}
