/**
 * One error model for the whole app. Every failure that reaches the user is an AppError
 * with a kind, an optional HTTP status, the server's own words, the request id, and a
 * plain-language message. Nothing in here may ever hold a token or a password.
 */
import type { z } from 'zod';

export const errorKinds = [
  'auth',
  'forbidden',
  'not-found',
  'conflict',
  'bad-request',
  'unsupported',
  'server',
  'network',
  'tls',
  'timeout',
  'cancelled',
  // Beyond HTTP: a payload that failed validation, a hash or length mismatch, a local
  // file-system problem (full disk, unwritable folder), a settings file that was corrupt.
  'validation',
  'integrity',
  'filesystem',
  'settings',
] as const;

export type ErrorKind = (typeof errorKinds)[number];

/** The plain, serialisable shape of an AppError: what crosses IPC and what the UI shows. */
export interface AppErrorData {
  kind: ErrorKind;
  /** Plain-language message for the UI. */
  message: string;
  status?: number;
  /** What the server itself said (extracted from its HTML or JSON body), if anything. */
  serverMessage?: string;
  /** `x-openstack-request-id`, for support. */
  requestId?: string;
  /** Extra machine-readable facts, e.g. expected/actual hashes. Never secrets. */
  details?: Record<string, string | number | boolean>;
}

export const defaultMessages: Record<ErrorKind, string> = {
  auth: 'The cloud did not accept these credentials. Check the user name, password and project.',
  forbidden: 'You are not allowed to do this on this cloud.',
  'not-found': 'It no longer exists on the cloud, or you cannot see it.',
  conflict: 'The cloud refused because the image is not in a state that allows this.',
  'bad-request': 'The cloud rejected the request as invalid.',
  unsupported: 'This cloud does not support this operation.',
  server: 'The cloud had an internal error. Try again later.',
  network: 'Could not reach the cloud. Check the address and your network.',
  tls: 'The secure connection failed: the server certificate is not trusted.',
  timeout: 'The cloud did not answer in time.',
  cancelled: 'Cancelled.',
  validation: 'Some of the values are not valid.',
  integrity: 'The downloaded data does not match what the cloud says it should be.',
  filesystem: 'Could not write the file.',
  settings: 'The settings file could not be read.',
};

export class AppError extends Error implements AppErrorData {
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly requestId?: string;
  readonly details?: Record<string, string | number | boolean>;

  constructor(data: Omit<AppErrorData, 'message'> & { message?: string }, options?: ErrorOptions) {
    super(data.message ?? defaultMessages[data.kind], options);
    this.name = 'AppError';
    this.kind = data.kind;
    if (data.status !== undefined) this.status = data.status;
    if (data.serverMessage !== undefined) this.serverMessage = data.serverMessage;
    if (data.requestId !== undefined) this.requestId = data.requestId;
    if (data.details !== undefined) this.details = data.details;
  }

  toJSON(): AppErrorData {
    const data: AppErrorData = { kind: this.kind, message: this.message };
    if (this.status !== undefined) data.status = this.status;
    if (this.serverMessage !== undefined) data.serverMessage = this.serverMessage;
    if (this.requestId !== undefined) data.requestId = this.requestId;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }

  static from(data: AppErrorData): AppError {
    return new AppError(data);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function isAppErrorData(value: unknown): value is AppErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppErrorData).message === 'string' &&
    (errorKinds as readonly string[]).includes((value as AppErrorData).kind)
  );
}

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
