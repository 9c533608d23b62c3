// Runs an async function over many items with at most `limit` in flight: enough parallelism to hide
// latency, few enough to keep the connection pools and the servers comfortable.
import { CountersignError } from '../../../shared/errors';

export interface MapLimitOptions {
  /** Stops starting new items; running ones see it through the signal they are given. */
  signal?: AbortSignal;
  /** Called after each item that finished successfully. */
  onProgress?: (done: number, total: number) => void;
}

export type MapLimitTask<T, R> = (item: T, index: number, signal: AbortSignal) => Promise<R>;

/**
 * Results come back in input order. The first failure stops new items from starting and aborts the
 * signal handed to those still running; once they have settled, that first failure is thrown (a
 * cancel throws 'cancelled'). Callers that want per-item outcomes catch inside `task`.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: MapLimitTask<T, R>,
  options: MapLimitOptions = {},
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CountersignError('invalid-input', `concurrency limit must be a positive integer, not ${limit}`);
  }
  const { signal, onProgress } = options;
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (signal?.aborted) stop.abort(signal.reason);

  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index, stop.signal);
        done += 1;
        onProgress?.(done, items.length);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
  // A cancel wins over the errors it caused in the tasks it interrupted.
  if (signal?.aborted) throw new CountersignError('cancelled', `cancelled after ${done} of ${items.length}`);
  if (failure !== undefined) throw failure.error;
  return results;
}
