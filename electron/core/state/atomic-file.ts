// Writes that are all or nothing: a crash mid-write must never leave half a metadata file that the
// next run would treat as trusted, nor lose the previous good copy.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileStep } from './fs-errors';
import { checkLocalPath } from './local-path';

/**
 * `durable: false` skips the fsync: the file is still all or nothing, but a crash may lose it. Right
 * for data that can be fetched and verified again; wrong for anything that is the only copy.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600, options: { durable?: boolean } = {}): Promise<void> {
  const absolute = checkLocalPath(path);
  await fileStep(absolute, () => writeAtomically(absolute, data, mode, options));
}

async function writeAtomically(path: string, data: Uint8Array | string, mode: number, options: { durable?: boolean }): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    if (options.durable !== false) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}
