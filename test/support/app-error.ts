// Awaits a promise that must fail with an AppError, and returns that error for more checks.
import { expect } from 'vitest';
import { AppError, type ErrorKind } from '../../common/errors';

export async function failure(
  promise: Promise<unknown>,
  kind: ErrorKind,
  message?: string | RegExp,
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
  if (message !== undefined) expect(err.message).toMatch(message);
  return err;
}
