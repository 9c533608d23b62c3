// File system failures as typed errors in plain words: "disk-full: The disk is full: /home/…/keys.json"
// instead of "internal: ENOSPC". Anything that is not a file system error passes through unchanged.
import { CountersignError, fileSystemErrorInfo } from '../../../shared/errors';

export function fileSystemError(error: unknown, path?: string): unknown {
  if (error instanceof CountersignError) return error;
  const info = fileSystemErrorInfo(error, path);
  return info === undefined ? error : new CountersignError(info.code, info.message, { cause: error });
}

/** Runs a file operation and maps its failure with `fileSystemError`. */
export async function fileStep<T>(path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw fileSystemError(error, path);
  }
}
