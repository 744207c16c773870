/**
 * One error model for the whole app. Every failure that reaches the user is an AppError
 * with a kind, an optional HTTP status, the server's own words, the request id, and — for
 * every failure main can name — `details`: a `reason` code with typed fields (after VS
 * Code's FileOperationResult and its typed error classes). The renderer words the reason in
 * the user's language (renderer/src/i18n/known-errors.ts); main's English `message` is for
 * logs. Nothing in here may ever hold a token or a password.
 */
import type { z } from 'zod';
import type { EndpointInterface } from './connection';
import type { UploadBlock } from './disk-image';
import type { ImportMethod } from './import';
import type { AuthMethod } from './profile';
import type { KeyRule } from './properties';
import type { BoundSetting, NeededSecret } from './secret-binding';
import type { TransferAction, TransferKind, TransferState } from './transfer';

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
  /** A bug in Glance Desk: logged in main, never a server's fault. */
  'unexpected',
] as const;

export type ErrorKind = (typeof errorKinds)[number];

/** The servers whose answers main reads. */
export type ServiceName = 'keystone' | 'glance';

/** What a local path the renderer named was for (main/ipc/path-grants.ts). */
export type PathUse =
  'upload-file' | 'import-file' | 'ca-file' | 'download-folder' | 'pinned-folder';

/** A part of a damaged settings file that could not be kept. */
export type LostSetting =
  | { part: 'profile'; name?: string; number: number }
  | { part: 'profiles' }
  | { part: 'setting'; key: string };

/** A form or payload value that was refused: its field path, and whether it was simply missing. */
export interface InvalidValue {
  field: string;
  missing: boolean;
}

/** A server's answer that main refused: which service, at which `host[:port]`. */
interface Answer {
  service: ServiceName;
  host: string;
}

/** A local file or folder. */
interface AtPath {
  path: string;
}

/** The typed fields of each reason; the key is the reason code. */
interface ReasonFields {
  // A server answer main refused (main/net/errors.ts).
  /** `field` (a path such as `images[3].size`) is missing or of the wrong type; '' for the whole answer. */
  'bad-answer': Answer & { field: string };
  'not-json': Answer;
  'answer-too-large': Answer & { limitBytes: number };
  'wrong-image': Answer & { expected: string; actual: string };
  /** A link reached over https that points to plain http, where the token would go unencrypted. */
  'https-downgrade': Answer & { url: string };
  'bad-scheme': Answer & { scheme: string };
  /** The image list's `next` link points back to a page already read. */
  'repeated-page': object;
  'no-token-in-answer': object;
  /** The download answered with a status that is neither 200, 204 nor 206. */
  'unexpected-status': { status: number };

  // HTTP statuses with more to say than their kind.
  'not-allowed-here': object;
  'too-large': object;
  'range-outside': object;
  busy: object;
  unavailable: object;

  // Signing in (main/openstack/keystone.ts, catalog.ts).
  'credentials-rejected': { method: AuthMethod };
  'token-rejected-mid-transfer': object;
  'token-rejected-after-sign-in': object;
  'no-keystone': { url: string };
  'unscoped-token': object;
  'scope-missing': { what: 'user' | 'project' };
  'no-auth-url': object;
  'no-image-service': object;
  'no-image-endpoint': {
    interface: EndpointInterface;
    region?: string;
    /** What the catalog has instead: `interface` or `interface (region)`. */
    available: string[];
  };
  /** Test connection: the image endpoint answers 404 to the image list. */
  'no-image-api': { url: string };

  // The image service (main/openstack/glance.ts).
  'delete-refused': object;
  'stores-not-listed': object;
  'download-refused': object;
  'resume-past-end': { offset: number };
  'no-data': { imageStatus?: string };
  /** The image already has data: Glance takes data only for a queued image. */
  'data-exists': { imageStatus?: string };
  deactivated: object;

  // Interoperable import and stores (main/transfers/import.ts, main/openstack/glance.ts).
  /** The cloud does not advertise this import method (`offered`: those it does). */
  'method-not-offered': { method: ImportMethod; offered: string[] };
  /** The cloud's policy refuses this import (copy-image is for admins by default). */
  'import-refused': { method: ImportMethod };
  /** The cloud's policy refuses data sent with `PUT /file`: import it instead. */
  'upload-refused': object;
  /**
   * The cloud's import failed (`failed`: the stores it failed for), leaving the image in
   * `imageStatus`; `taskMessage` is what its import task said.
   */
  'import-failed': {
    method: ImportMethod;
    failed: string[];
    imageStatus: string;
    taskMessage?: string;
  };
  /** The cloud has no store of this name. */
  'unknown-store': { store: string };
  'already-in-store': { store: string };
  'not-in-store': { store: string };
  /** Glance never removes an image's data from the only store that holds it. */
  'last-store': { store: string };
  /** The cloud's policy refuses to remove data from a store. */
  'store-delete-refused': { store: string };
  /** The file check (common/disk-image.ts) refuses this file: `refuse` says why. */
  'file-refused': AtPath & { refuse: UploadBlock[] };

  // Sharing (main/openstack/glance.ts, main/openstack/projects.ts).
  /** Glance shares only images whose visibility is `shared`; this one's is `visibility`. */
  'share-needs-shared': { visibility: string };
  /** Not the image's owner, or the cloud's policy forbids sharing it. */
  'share-not-allowed': object;
  'member-exists': { project: string };
  /** The cloud's limit of member projects per image (`limit` when it said). */
  'member-limit': { limit?: number };
  'member-missing': { project: string };
  /** The image is not shared with the user's project, so there is no status to set. */
  'not-a-member': object;
  'project-not-found': { project: string; by: 'name' | 'id' };
  /** Several projects (in different domains) have this name. */
  'project-name-ambiguous': { name: string; count: number };
  /** Keystone does not let this user look projects up by name, and it is none of theirs. */
  'project-lookup-refused': { name: string };
  /** The profile signs in without Keystone (a token and an image endpoint). */
  'project-lookup-unavailable': object;

  // Image properties (common/properties.ts).
  /** Glance refuses this key as a custom property, for `rule`. */
  'property-refused': { key: string; rule: KeyRule };
  'property-too-long': { key: string; part: 'key' | 'value'; limit: number };
  /** The cloud refused an image change (403): not the owner, or its policy. */
  'edit-refused': object;
  /** A property filter named like one of the image list's own parameters. */
  'filter-key-reserved': { key: string };

  // Transfers (main/transfers).
  stalled: { seconds: number };
  /** Retried `retries` times without progress; `last` is why the last attempt failed. */
  'gave-up': { retries: number; last?: ErrorDetails };
  /** An upload failed (`cause`), leaving the image in `imageStatus` (absent: unknown). */
  'upload-failed': { imageStatus?: string; cause?: ErrorDetails };
  'connection-ended': { receivedBytes: number; totalBytes: number };
  'data-changed': object;
  'wrong-range': { offset: number };
  'too-many-bytes': { expectedBytes: number };
  /** For an upload, `expected` is the file's hash and `actual` what Glance stored. */
  'hash-mismatch': { transfer: TransferKind; algorithm: string; expected: string; actual: string };
  /** For an upload, `expectedBytes` is the file's size and `actualBytes` what Glance stored (null: unknown). */
  'size-mismatch': { transfer: TransferKind; expectedBytes: number; actualBytes: number | null };
  'part-cut-short': { actualBytes: number };
  'file-changed-size': object;
  'outside-folder': AtPath & { folder: string };
  /** The transfer's state does not allow the action (common/transfer.ts `transferRules`). */
  'action-not-allowed': { state: TransferState; action: TransferAction };
  /** No transfer has this id (any more): it was removed. */
  'transfer-gone': object;
  /**
   * A copy's bytes do not match: those read from the source (`side` 'source') or those the
   * target stored ('target'). `algorithm` null: the sizes differ. `targetDeleted`: the image
   * on the target cloud was deleted (false: it could not be, and must be deleted by hand).
   */
  'copy-mismatch': {
    side: 'source' | 'target';
    algorithm: string | null;
    expected: string;
    actual: string;
    targetDeleted: boolean;
  };
  /** A copy's source and target are the same cloud profile. */
  'copy-to-same-cloud': object;

  // The local disk (main/transfers/fs-errors.ts).
  /** `bytesNeeded`: how much more must fit before a paused download can resume, when known. */
  'disk-full': AtPath & { quota: boolean; bytesNeeded?: number };
  'no-permission': AtPath;
  'read-only': AtPath;
  'path-missing': AtPath;
  'not-a-folder': AtPath;
  'is-a-folder': AtPath;
  'path-too-long': AtPath;
  /** Any other file-system failure, with its system code (EIO, EMFILE, …). */
  'file-error': AtPath & { code: string };
  'cannot-open': AtPath;

  // The network (main/net/errors.ts).
  'connection-refused': object;
  'host-not-found': object;
  'dns-failed': object;
  'connection-dropped': object;
  'host-unreachable': object;
  'network-unreachable': object;
  'connection-closed': object;
  'response-cut-short': object;
  'network-error': { code?: string };
  'untrusted-certificate': object;
  'certificate-expired': object;
  'certificate-not-yet-valid': object;
  'certificate-revoked': object;
  'certificate-wrong-host': object;
  'not-https': object;
  'tls-error': { code: string };
  'connect-timeout': object;
  'answer-timeout': object;
  'body-timeout': object;
  'ca-file-unreadable': AtPath;
  'ca-file-not-pem': AtPath;

  // Profiles and their secrets (main/profiles/store.ts).
  'secret-required': object;
  /** No secret for `secret` is saved (for the profile named `profile`) or typed. */
  'secret-missing': { secret: AuthMethod; profile?: string };
  /** The saved secret was entered for other settings (`changed`; absent: the secret is gone). */
  'secret-needed': { secret: NeededSecret; changed?: BoundSetting };
  'secret-locked': { secret: NeededSecret; profile: string };
  'profile-gone': object;

  // Settings (main/settings).
  'settings-unreadable': AtPath & { code?: string };
  'settings-repaired': { backupPath: string; newerVersion: boolean; lost: LostSetting[] };
  'settings-reset': { backupPath: string; notJson: boolean };
  'invalid-values': { values: InvalidValue[] };
  'unknown-settings': { keys: string[] };

  // Importing clouds.yaml and openrc files (main/profiles/import).
  'not-yaml': AtPath & { line?: number; column?: number };
  'not-clouds-yaml': AtPath;
  /** No clouds.yaml in any of the places openstacksdk looks (`looked`). */
  'no-clouds-yaml': { looked: string[] };

  // Calls from the renderer (main/ipc, main/shell).
  'unknown-call': { name: string };
  'not-from-app-window': object;
  'relative-path': AtPath & { use: PathUse };
  'path-not-chosen': AtPath & { use: PathUse };
  'openrc-file-needed': object;
  'download-folder-needed': object;
  'download-not-finished': object;
  'file-gone': AtPath;
  'drag-needs-window': object;
  'link-not-allowed': { hosts: string[] };

  // Updates (main/updates).
  'no-update-ready': object;
  /** A restart now would interrupt `count` transfers. */
  'transfers-running': { count: number };
}

export type ErrorReason = keyof ReasonFields;

/** `details` of an AppError: a reason code and that reason's fields. Never secrets. */
export type ErrorDetails = { [R in ErrorReason]: { reason: R } & ReasonFields[R] }[ErrorReason];

/** The details of one reason. */
export type ReasonDetails<R extends ErrorReason> = Extract<ErrorDetails, { reason: R }>;

/** Every reason once; the compiler checks none is missing or unknown. */
const everyReason: Record<ErrorReason, true> = {
  'bad-answer': true,
  'not-json': true,
  'answer-too-large': true,
  'wrong-image': true,
  'https-downgrade': true,
  'bad-scheme': true,
  'repeated-page': true,
  'no-token-in-answer': true,
  'unexpected-status': true,
  'not-allowed-here': true,
  'too-large': true,
  'range-outside': true,
  busy: true,
  unavailable: true,
  'credentials-rejected': true,
  'token-rejected-mid-transfer': true,
  'token-rejected-after-sign-in': true,
  'no-keystone': true,
  'unscoped-token': true,
  'scope-missing': true,
  'no-auth-url': true,
  'no-image-service': true,
  'no-image-endpoint': true,
  'no-image-api': true,
  'delete-refused': true,
  'stores-not-listed': true,
  'download-refused': true,
  'resume-past-end': true,
  'no-data': true,
  'data-exists': true,
  deactivated: true,
  'method-not-offered': true,
  'import-refused': true,
  'upload-refused': true,
  'import-failed': true,
  'unknown-store': true,
  'already-in-store': true,
  'not-in-store': true,
  'last-store': true,
  'store-delete-refused': true,
  'file-refused': true,
  'share-needs-shared': true,
  'share-not-allowed': true,
  'member-exists': true,
  'member-limit': true,
  'member-missing': true,
  'not-a-member': true,
  'project-not-found': true,
  'project-name-ambiguous': true,
  'project-lookup-refused': true,
  'project-lookup-unavailable': true,
  'property-refused': true,
  'property-too-long': true,
  'edit-refused': true,
  'filter-key-reserved': true,
  stalled: true,
  'gave-up': true,
  'upload-failed': true,
  'connection-ended': true,
  'data-changed': true,
  'wrong-range': true,
  'too-many-bytes': true,
  'hash-mismatch': true,
  'size-mismatch': true,
  'part-cut-short': true,
  'file-changed-size': true,
  'outside-folder': true,
  'action-not-allowed': true,
  'transfer-gone': true,
  'copy-mismatch': true,
  'copy-to-same-cloud': true,
  'disk-full': true,
  'no-permission': true,
  'read-only': true,
  'path-missing': true,
  'not-a-folder': true,
  'is-a-folder': true,
  'path-too-long': true,
  'file-error': true,
  'cannot-open': true,
  'connection-refused': true,
  'host-not-found': true,
  'dns-failed': true,
  'connection-dropped': true,
  'host-unreachable': true,
  'network-unreachable': true,
  'connection-closed': true,
  'response-cut-short': true,
  'network-error': true,
  'untrusted-certificate': true,
  'certificate-expired': true,
  'certificate-not-yet-valid': true,
  'certificate-revoked': true,
  'certificate-wrong-host': true,
  'not-https': true,
  'tls-error': true,
  'connect-timeout': true,
  'answer-timeout': true,
  'body-timeout': true,
  'ca-file-unreadable': true,
  'ca-file-not-pem': true,
  'secret-required': true,
  'secret-missing': true,
  'secret-needed': true,
  'secret-locked': true,
  'profile-gone': true,
  'settings-unreadable': true,
  'settings-repaired': true,
  'settings-reset': true,
  'invalid-values': true,
  'unknown-settings': true,
  'not-yaml': true,
  'not-clouds-yaml': true,
  'no-clouds-yaml': true,
  'unknown-call': true,
  'not-from-app-window': true,
  'relative-path': true,
  'path-not-chosen': true,
  'openrc-file-needed': true,
  'download-folder-needed': true,
  'download-not-finished': true,
  'file-gone': true,
  'drag-needs-window': true,
  'link-not-allowed': true,
  'no-update-ready': true,
  'transfers-running': true,
};

/** Every reason code, at run time (for tests that check each is worded). */
export const errorReasons = Object.keys(everyReason) as readonly ErrorReason[];

/** The plain, serialisable shape of an AppError: what crosses IPC and what the UI words. */
export interface AppErrorData {
  kind: ErrorKind;
  /** Plain English, for logs; the UI words `kind` and `details` itself. */
  message: string;
  status?: number;
  /** What the server itself said (extracted from its HTML or JSON body), if anything. */
  serverMessage?: string;
  /** `x-openstack-request-id`, for support. */
  requestId?: string;
  details?: ErrorDetails;
}

/** Main's English for an error of a kind with no more to say: logs and last resort only. */
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
  unexpected: 'Something went wrong inside Glance Desk.',
};

export class AppError extends Error implements AppErrorData {
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly requestId?: string;
  readonly details?: ErrorDetails;

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

/**
 * One 'validation' AppError for zod's issues: each refused value's field path, and whether it
 * was missing (a custom issue with `params: { missing: true }`, as checkAuthFields adds).
 */
export function validationError(error: z.ZodError): AppError {
  const values: InvalidValue[] = [];
  const said: string[] = [];
  for (const issue of error.issues) {
    const field = issue.path.join('.') || 'value';
    if (values.some((value) => value.field === field)) continue;
    const missing = issue.code === 'custom' && issue.params?.missing === true;
    values.push({ field, missing });
    said.push(`${field}: ${issue.message}`);
  }
  return new AppError({
    kind: 'validation',
    message: `Some of the values are not valid: ${said.join(' ')}`,
    details: { reason: 'invalid-values', values },
  });
}
