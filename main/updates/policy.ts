/**
 * When the app looks for updates, where, and what it tells the user: plain decisions over
 * plain values, so they are tested without Electron. main/updates/service.ts applies them;
 * main/shell/updates.ts is the only code that touches electron-updater.
 *
 * Managed machines turn updates off, or point them at their own server, with a policy file
 * in a system folder (writable only by administrators), read at start:
 *
 *     { "updates": { "enabled": false } }
 *     { "updates": { "url": "https://updates.example.com/glance-desk/" } }
 *
 * `url` is a generic electron-updater feed (the folder holding `latest.yml`,
 * `latest-linux.yml`, `latest-mac.yml` and the installers). GLANCE_DESK_DISABLE_UPDATES=1
 * in the environment turns updates off too; the environment can never choose the feed, as
 * a packaged app takes no orders from it.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { isActive, type Transfer } from '../../common/transfer';
import type {
  UpdateNotice,
  UpdatePhase,
  UpdateProblem,
  UpdatesOffReason,
} from '../../common/updates';

export const disableUpdatesVariable = 'GLANCE_DESK_DISABLE_UPDATES';

/** Where the policy file lives on each platform. */
export function systemPolicyFile(
  platform: NodeJS.Platform,
  environment: Readonly<Record<string, string | undefined>>,
): string {
  switch (platform) {
    case 'win32':
      return join(environment['ProgramData'] ?? 'C:\\ProgramData', 'Glance Desk', 'policy.json');
    case 'darwin':
      return '/Library/Application Support/Glance Desk/policy.json';
    default:
      return '/etc/glance-desk/policy.json';
  }
}

/** `1`, `true` or `yes` (any case) turns updates off; anything else (`0`, `false`, empty) does not. */
export function environmentDisablesUpdates(
  environment: Readonly<Record<string, string | undefined>>,
): boolean {
  const value = environment[disableUpdatesVariable]?.trim().toLowerCase() ?? '';
  return ['1', 'true', 'yes'].includes(value);
}

/**
 * A feed the app may download code from: https, or plain http to this machine only (a local
 * mirror, the tests); never with a user name or password in it.
 */
export function isAllowedFeedUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

const policySchema = z.object({
  updates: z
    .object({
      enabled: z.boolean().optional(),
      url: z.string().refine(isAllowedFeedUrl, {
        message: 'An https URL (or http on 127.0.0.1 / localhost), without a user or password.',
      }),
    })
    .partial()
    .strict()
    .optional(),
});

export type UpdatePolicyFile =
  | { kind: 'absent' }
  | { kind: 'valid'; enabled: boolean; url?: string }
  /** `problem` is for the log: why the file was refused. */
  | { kind: 'invalid'; problem: string };

/** Reads the policy file at `path`; a missing file is no policy. */
export async function readPolicyFile(path: string): Promise<UpdatePolicyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' };
    return { kind: 'invalid', problem: `unreadable (${code ?? String(error)})` };
  }
  return parsePolicy(text);
}

export function parsePolicy(text: string): UpdatePolicyFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', problem: `not JSON: ${(error as Error).message}` };
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const said = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    return { kind: 'invalid', problem: said.join('; ') };
  }
  const { enabled = true, url } = parsed.data.updates ?? {};
  return { kind: 'valid', enabled, ...(url === undefined ? {} : { url }) };
}

export type UpdateDecision =
  | { allowed: false; reason: UpdatesOffReason }
  /** `feedUrl`: the policy's generic feed; absent: the feed the package was built with. */
  | { allowed: true; feedUrl?: string };

/** Whether this app may look for updates at all, and where. The settings only decide when. */
export function decideUpdates(input: {
  packaged: boolean;
  environment: Readonly<Record<string, string | undefined>>;
  policy: UpdatePolicyFile;
}): UpdateDecision {
  if (!input.packaged) return { allowed: false, reason: 'development' };
  if (environmentDisablesUpdates(input.environment)) {
    return { allowed: false, reason: 'environment' };
  }
  const { policy } = input;
  // A policy file an administrator put there but that cannot be read: do not guess.
  if (policy.kind === 'invalid') return { allowed: false, reason: 'policy-invalid' };
  if (policy.kind === 'valid') {
    if (!policy.enabled) return { allowed: false, reason: 'policy' };
    if (policy.url !== undefined) return { allowed: true, feedUrl: policy.url };
  }
  return { allowed: true };
}

/** A transfer a restart would interrupt: queued, or moving or checking bytes. A paused one waits for the user. */
export function interruptedByRestart(transfer: Pick<Transfer, 'state'>): boolean {
  return transfer.state === 'queued' || isActive(transfer);
}

/**
 * What to tell the user. A restart prompt once an update is ready, always; the rest only
 * for a check the user asked for: a check at start says nothing unless it found something.
 */
export function noticeFor(
  phase: UpdatePhase,
  context: { manual: boolean; transfersRunning: number; restartPending: boolean },
): UpdateNotice {
  if (phase.phase === 'ready') {
    if (context.transfersRunning === 0) return 'ready';
    return context.restartPending ? 'restart-pending' : 'ready-transfers-running';
  }
  if (!context.manual) return 'none';
  switch (phase.phase) {
    case 'off':
      return 'off';
    case 'idle':
      return 'none';
    case 'checking':
      return 'checking';
    case 'available':
    case 'downloading':
      return 'downloading';
    case 'up-to-date':
      return 'up-to-date';
    case 'error':
      return 'error';
  }
}

/** Node's and Chromium's (`net::ERR_…`) names for a connection that never happened. */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/** electron-updater's codes for a feed it could not use. */
const badFeedCodes = new Set([
  'ERR_UPDATER_INVALID_UPDATE_INFO',
  'ERR_UPDATER_NO_FILES_PROVIDED',
  'ERR_UPDATER_NO_CHECKSUM',
  'ERR_UPDATER_INVALID_VERSION',
  'ERR_UPDATER_LATEST_VERSION_NOT_FOUND',
]);

/**
 * What went wrong, from an error electron-updater reported: its `code`, an HTTP status
 * (`statusCode` of its HttpError, or "status 404" in a failed download's message), or the
 * network error underneath.
 */
export function updateProblem(error: unknown): { problem: UpdateProblem; status?: number } {
  const { code, statusCode, message } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : String(error);
  if (code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND') return { problem: 'not-found', status: 404 };
  if (typeof code === 'string' && badFeedCodes.has(code)) return { problem: 'bad-feed' };
  if (code === 'ERR_CHECKSUM_MISMATCH' || code === 'ERR_DATA_SIZE_MISMATCH') {
    return { problem: 'bad-download' };
  }
  const status =
    typeof statusCode === 'number' ? statusCode : Number(/\bstatus (\d{3})\b/.exec(text)?.[1]);
  if (status === 404) return { problem: 'not-found', status };
  if (status >= 400 && status <= 599) return { problem: 'server-error', status };
  if (/net::ERR_CERT_|CERT_|SELF_SIGNED|UNABLE_TO_VERIFY/.test(`${String(code)} ${text}`)) {
    return { problem: 'certificate' };
  }
  if (typeof code === 'string' && unreachableCodes.has(code)) return { problem: 'unreachable' };
  if (/net::ERR_|Request timed out/.test(text)) return { problem: 'unreachable' };
  return { problem: 'other' };
}
