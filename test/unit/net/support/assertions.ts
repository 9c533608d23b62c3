import assert from 'node:assert/strict';
import { CountersignError, type ErrorCode } from '../../../../shared/errors';

/** Awaits a promise that must fail with a CountersignError of this code (and message, when given). */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<CountersignError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} error`),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof CountersignError, `expected a CountersignError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (message !== undefined) assert.match(error.message, message);
  return error;
}
