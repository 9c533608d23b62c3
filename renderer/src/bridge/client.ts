// The renderer's one client of window.countersign. Components and store slices call the main process
// only through here: results stay typed, and long operations get an id, progress and cancel.
import type { CountersignApi, Result } from '../../../shared/contract';
import type { ErrorInfo } from '../../../shared/errors';

export function countersign(): CountersignApi {
  const api = window.countersign;
  if (api === undefined) throw new Error('window.countersign is missing: the preload did not run.');
  return api;
}

/** A bridge call that failed, carrying the main process's error as sent. */
export class BridgeError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'BridgeError';
  }
}

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new BridgeError(result.error);
  return result.value;
}

/** Anything a bridge call or its caller threw, as ErrorInfo for display. */
export function errorInfoOf(error: unknown): ErrorInfo {
  if (error instanceof BridgeError) return error.info;
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

export function newOperationId(): string {
  return crypto.randomUUID();
}

/** Cancels a call started with `{ operationId }`. */
export async function cancelOperation(operationId: string): Promise<void> {
  await countersign().operations.cancel({ operationId });
}
