// The file operations of the state dir, on node's callback API. fs/promises spends several times the
// CPU per call on a small file (a FileHandle per open, reads in chunks through more promises): an
// audit reads and writes thousands of files of a few kilobytes, and measured, its readFile alone cost
// 4x the CPU of the callback one. Same operations, same errors.
import { close, fsync, mkdir, open, readFile, rename, unlink, write } from 'node:fs';
import { promisify } from 'node:util';

export const readSmallFile: (path: string) => Promise<Buffer> = promisify(readFile);
const openFile = promisify(open);
const writeAll = promisify(write);
const syncFile = promisify(fsync);
const closeFile = promisify(close);
export const renameFile = promisify(rename);
const makeDirectory = promisify(mkdir);
const unlinkFile = promisify(unlink);

/** Creates `path` (exclusively) with `data`, flushed to disk first when `durable`. */
export async function writeNewFile(path: string, data: Uint8Array, mode: number, durable: boolean): Promise<void> {
  const fd = await openFile(path, 'wx', mode);
  try {
    let written = 0;
    while (written < data.length) written += (await writeAll(fd, data, written, data.length - written)).bytesWritten;
    if (durable) await syncFile(fd);
  } finally {
    await closeFile(fd);
  }
}

/** `mkdir -p`: the first folder it had to make, or undefined when `path` was there already. */
export async function makeDirectories(path: string, mode: number): Promise<string | undefined> {
  return makeDirectory(path, { recursive: true, mode });
}

/** Removes a file, if there is one: `rm(path, { force: true })` for a file, without its lstat first. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlinkFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
