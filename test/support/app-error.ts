// Awaits a promise that must fail with an AppError, and returns that error for more checks.
import { expect } from 'vitest';
import { AppError, type ErrorDetails, type ErrorKind } from '../../common/errors';

/**
 * `expected`: the error's details (its reason and fields; those given must match), or a
 * pattern for main's English message where only the log's words matter.
 */
export async function failure(
  promise: Promise<unknown>,
  kind: ErrorKind,
  expected?: Partial<ErrorDetails> | string | RegExp,
): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected the call to fail').toBeInstanceOf(AppError);
  const err = caught as AppError;
  expect(err.kind, err.message).toBe(kind);
  if (typeof expected === 'string' || expected instanceof RegExp) {
    expect(err.message).toMatch(expected);
  } else if (expected !== undefined) {
    expect(err.details, err.message).toMatchObject(expected);
  }
  return err;
}
