import type { z } from 'zod';
import { AppError } from '../../common/errors';

/** Turns zod issues into one 'validation' AppError naming each field and what is wrong with it. */
export function validationError(error: z.ZodError): AppError {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.') || 'value';
    details[field] ??= issue.message;
  }
  return new AppError({
    kind: 'validation',
    message: `Some of the values are not valid: ${Object.entries(details)
      .map(([field, message]) => `${field}: ${message}`)
      .join(' ')}`,
    details,
  });
}
