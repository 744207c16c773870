import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import { AppError } from '../../../../common/errors';
import type { ImportProblem, ImportResult, ProfileInput } from '../../../../common/profile';
import type { NeededSecret } from '../../../../common/secret-binding';
import type { StashSecret } from '../../../../main/profiles/import/stash-secrets';

const fixtures = join(import.meta.dirname, '../../../fixtures/profiles');
export const fixture = (name: string) => join(fixtures, name);

/** Stands in for ProfileStore.stashSecret and remembers what it was handed. */
export const stashed = new Map<
  string,
  { kind: NeededSecret; secret: string; enteredFor: ProfileInput }
>();
export const stashSecret: StashSecret = (kind, secret, enteredFor) => {
  const reference = randomUUID();
  stashed.set(reference, { kind, secret, enteredFor: { ...enteredFor } });
  return reference;
};

/** The profiles with each secret reference swapped back for the secret, to compare whole profiles. */
export function revealed(result: ImportResult): ProfileInput[] {
  return result.profiles.map(({ importedSecret, ...profile }) =>
    importedSecret === undefined
      ? profile
      : { ...profile, secret: stashed.get(importedSecret)?.secret },
  );
}

/** A problem without the cloud it was found in, to compare the rest. */
export function withoutCloud(problem: ImportProblem): Partial<ImportProblem> {
  const rest: Partial<ImportProblem> = { ...problem };
  delete rest.cloud;
  return rest;
}

export function problemsOf(result: Pick<ImportResult, 'problems'>, cloud: string) {
  return result.problems.filter((problem) => problem.cloud === cloud).map(withoutCloud);
}

export function expectValidation(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('validation');
    return error as AppError;
  }
  throw new Error('expected a validation error');
}

export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the import to fail');
}
