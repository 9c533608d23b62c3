import type { Result } from '../../../shared/contract';
import { errorInfoOf } from '../bridge/client';
import { failed, loading, type Loadable } from './loadable';

/**
 * Runs one bridge call into a Loadable: loading (keeping the old value), then ready or error.
 * Returns the value, or undefined when the call failed (the error is in the Loadable).
 */
export async function fetchInto<T>(
  previous: Loadable<T> | undefined,
  update: (next: Loadable<T>) => void,
  call: () => Promise<Result<T>>,
): Promise<T | undefined> {
  update(loading(previous));
  try {
    const result = await call();
    if (result.ok) {
      update({ status: 'ready', value: result.value });
      return result.value;
    }
    update(failed(previous, result.error));
  } catch (error) {
    update(failed(previous, errorInfoOf(error)));
  }
  return undefined;
}
