import type { ErrorInfo } from '../../../shared/errors';

/** Data fetched from the main process. `value` is kept while reloading so screens do not flash. */
export type Loadable<T> =
  | { status: 'idle'; value?: undefined }
  | { status: 'loading'; value?: T }
  | { status: 'ready'; value: T }
  | { status: 'error'; error: ErrorInfo; value?: T };

export const idle: Loadable<never> = { status: 'idle' };

export function loading<T>(previous: Loadable<T> | undefined): Loadable<T> {
  return previous?.value === undefined ? { status: 'loading' } : { status: 'loading', value: previous.value };
}

export function failed<T>(previous: Loadable<T> | undefined, error: ErrorInfo): Loadable<T> {
  return previous?.value === undefined ? { status: 'error', error } : { status: 'error', error, value: previous.value };
}
