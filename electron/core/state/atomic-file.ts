// Writes that are all or nothing: a crash mid-write must never leave half a metadata file that the
// next run would treat as trusted, nor lose the previous good copy.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileStep } from './fs-errors';
import { checkLocalPath } from './local-path';
import { makeDirectories, renameFile, writeNewFile } from './small-files';

/**
 * `durable: false` skips the fsync: the file is still all or nothing, but a crash may lose it. Right
 * for data that can be fetched and verified again; wrong for anything that is the only copy.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600, options: { durable?: boolean } = {}): Promise<void> {
  const absolute = checkLocalPath(path);
  await fileStep(absolute, () => writeAtomically(absolute, data, mode, options));
}

async function writeAtomically(path: string, data: Uint8Array | string, mode: number, options: { durable?: boolean }): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const durable = options.durable !== false;
  try {
    try {
      await writeNewFile(temp, bytes, mode, durable);
    } catch (error) {
      // The folder is made only when it is missing: most writes go to one that exists.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await makeDirectories(dirname(path), 0o700);
      await writeNewFile(temp, bytes, mode, durable);
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await renameFile(temp, path);
}
