// Paths the user names for key files and folders. The kernel's pseudo file systems are refused at
// once: `mkdir -p` under /proc spins (every component "exists" and none can be made) and reads
// there never end, so such a path would hang a CLI run or the app's main process.
import { resolve, sep } from 'node:path';
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
