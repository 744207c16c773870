/**
 * Turns what the network and the servers say into the app's one error model (AppError):
 * HTTP error responses by status, with the server's own words pulled out of its HTML or
 * JSON body, and Node / undici failures (refused, unresolvable, reset, certificate,
 * timeout, abort) by code, each with its reason (common/errors.ts). Everything that comes
 * from outside is scrubbed of secrets.
 */
import {
  AppError,
  isAppError,
  type AppErrorData,
  type ErrorDetails,
  type ErrorKind,
  type ServiceName,
} from '../../common/errors';
import { scrubSecrets } from './scrub';

/** What one HTTP status means for one request, chosen by the caller: its reason, and the kind if not the status's own. */
export interface StatusExplanation {
  kind?: ErrorKind;
  details: ErrorDetails;
  /** English, for the log. */
  message: string;
}

export type StatusExplanations = Partial<Record<number, StatusExplanation>>;

const maxServerMessage = 500;

export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 400:
    case 416:
      return 'bad-request';
    case 401:
      return 'auth';
    case 403:
      return 'forbidden';
    case 404:
    case 410:
      return 'not-found';
    case 409:
      return 'conflict';
    case 405:
    case 413:
    case 415:
    case 501:
      return 'unsupported';
    default:
      return status >= 500 || status === 429 ? 'server' : 'bad-request';
  }
}

/** The statuses with more to say than their kind, whatever the request. */
const statusExplanations: StatusExplanations = {
  405: {
    details: { reason: 'not-allowed-here' },
    message: 'This cloud does not allow this operation here.',
  },
  413: {
    details: { reason: 'too-large' },
    message: 'The cloud refused the data as too large (over its image size limit or your quota).',
  },
  416: {
    details: { reason: 'range-outside' },
    message: 'The requested byte range is outside the image data.',
  },
  429: {
    details: { reason: 'busy' },
    message: 'The cloud is busy (too many requests). Try again in a moment.',
  },
  503: {
    details: { reason: 'unavailable' },
    message: 'The cloud service is unavailable right now. Try again later.',
  },
};

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, code: string) => {
    if (code.startsWith('#x') || code.startsWith('#X'))
      return String.fromCodePoint(parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(parseInt(code.slice(1), 10));
    return entities[code.toLowerCase()] ?? match;
  });
}

function plainText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Glance (webob) answers errors with `<h1>400 Bad Request</h1>` and the message as text after it. */
function messageFromHtml(html: string): string | undefined {
  const withoutHead = html.replace(/<head[\s\S]*?<\/head>/i, '');
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(withoutHead);
  const rest = plainText(withoutHead.replace(/<h1[^>]*>[\s\S]*?<\/h1>/i, ''));
  if (rest !== '') return rest;
  const title = heading?.[1] ?? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  return title === undefined ? undefined : plainText(title) || undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.trim() !== '' ? field.trim() : undefined;
}

/**
 * Keystone: `{"error": {"message", "title"}}`; Glance (webob): `{"message", "code", "title"}`
 * with HTML bits in the message; Nova style: `{"badRequest": {"message"}}`; Huawei:
 * `{"error_msg"}` or `{"error": {"message"}}`.
 */
function messageFromJson(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const direct =
    stringField(data, 'message') ?? stringField(data, 'error_msg') ?? stringField(data, 'title');
  if (direct !== undefined) return direct;
  const error = (data as Record<string, unknown>).error;
  if (typeof error === 'string' && error.trim() !== '') return error.trim();
  for (const value of Object.values(data)) {
    const nested = stringField(value, 'message') ?? stringField(value, 'title');
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** The server's own words from an error body (HTML, JSON or plain text), if there are any. */
export function extractServerMessage(
  body: string,
  contentType: string | undefined,
): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  let message: string | undefined;
  if (/json/i.test(contentType ?? '') || text.startsWith('{')) {
    try {
      const fromJson = messageFromJson(JSON.parse(text));
      message = fromJson === undefined ? undefined : plainText(fromJson);
    } catch {
      message = plainText(text);
    }
  } else if (/html/i.test(contentType ?? '') || text.startsWith('<')) {
    message = messageFromHtml(text);
  } else {
    // webob's plain-text page: "404 Not Found\n\nNo image found with ID …".
    message = text
      .replace(/^\d{3} [^\n]*\n\s*\n/, '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  if (message === undefined || message === '') return undefined;
  return message.length > maxServerMessage ? `${message.slice(0, maxServerMessage)}…` : message;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function requestIdOf(headers: Headers): string | undefined {
  return header(headers, 'x-openstack-request-id') ?? header(headers, 'x-compute-request-id');
}

export interface HttpErrorInput {
  status: number;
  headers: Headers;
  body: string;
  /** Values that must not appear in the error (the request's token, a password). */
  secrets?: readonly string[];
  explanations?: StatusExplanations;
}

/** The AppError for an HTTP error response. */
export function httpError({
  status,
  headers,
  body,
  secrets = [],
  explanations = {},
}: HttpErrorInput): AppError {
  const explained = explanations[status] ?? statusExplanations[status];
  const kind = explained?.kind ?? kindForStatus(status);
  const data: Omit<AppErrorData, 'message'> & { message?: string } = { kind, status };
  if (explained !== undefined) {
    data.message = explained.message;
    data.details = explained.details;
  }
  const serverMessage = extractServerMessage(body, header(headers, 'content-type'));
  if (serverMessage !== undefined) data.serverMessage = scrubSecrets(serverMessage, secrets);
  const requestId = requestIdOf(headers);
  if (requestId !== undefined) data.requestId = requestId;
  return new AppError(data);
}

const untrustedCertificateCodes = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** What a Node / undici error code means: its kind, reason and (for the log) English. */
interface CodeMeaning {
  kind: ErrorKind;
  details: ErrorDetails;
  message: string;
}

const untrustedCertificate: CodeMeaning = {
  kind: 'tls',
  details: { reason: 'untrusted-certificate' },
  message:
    "The server's certificate is not trusted (self-signed or unknown CA). Add the CA file to the profile, or, only if you trust this network, turn on “Skip TLS verification”.",
};

const dropped: CodeMeaning = {
  kind: 'network',
  details: { reason: 'connection-dropped' },
  message: 'The connection to the cloud was dropped.',
};
const closed: CodeMeaning = {
  kind: 'network',
  details: { reason: 'connection-closed' },
  message: 'The connection to the cloud was closed.',
};
const connectTimeout: CodeMeaning = {
  kind: 'timeout',
  details: { reason: 'connect-timeout' },
  message: 'Connecting to the cloud timed out.',
};

const codeMeanings: Record<string, CodeMeaning> = {
  CERT_HAS_EXPIRED: {
    kind: 'tls',
    details: { reason: 'certificate-expired' },
    message: "The server's certificate has expired.",
  },
  CERT_NOT_YET_VALID: {
    kind: 'tls',
    details: { reason: 'certificate-not-yet-valid' },
    message: "The server's certificate is not valid yet (check this computer's clock).",
  },
  CERT_REVOKED: {
    kind: 'tls',
    details: { reason: 'certificate-revoked' },
    message: "The server's certificate has been revoked.",
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    kind: 'tls',
    details: { reason: 'certificate-wrong-host' },
    message: "The server's certificate is for a different host name than the one in the address.",
  },
  ERR_SSL_WRONG_VERSION_NUMBER: {
    kind: 'tls',
    details: { reason: 'not-https' },
    message:
      'Could not start a secure connection: the server does not seem to speak HTTPS on this port.',
  },
  ECONNREFUSED: {
    kind: 'network',
    details: { reason: 'connection-refused' },
    message: 'Could not connect: nothing is listening at this address and port.',
  },
  ENOTFOUND: {
    kind: 'network',
    details: { reason: 'host-not-found' },
    message: 'Could not find the server: the host name does not resolve.',
  },
  EAI_AGAIN: {
    kind: 'network',
    details: { reason: 'dns-failed' },
    message: 'Could not look up the host name (DNS is not answering). Check your network.',
  },
  ECONNRESET: dropped,
  EPIPE: dropped,
  UND_ERR_SOCKET: dropped,
  EHOSTUNREACH: {
    kind: 'network',
    details: { reason: 'host-unreachable' },
    message: 'The server is unreachable from this network.',
  },
  ENETUNREACH: {
    kind: 'network',
    details: { reason: 'network-unreachable' },
    message: 'The network is unreachable. Check your connection.',
  },
  UND_ERR_CLOSED: closed,
  UND_ERR_DESTROYED: closed,
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    kind: 'network',
    details: { reason: 'response-cut-short' },
    message: 'The cloud sent less data than it announced; the connection was cut.',
  },
  UND_ERR_CONNECT_TIMEOUT: connectTimeout,
  ETIMEDOUT: connectTimeout,
  UND_ERR_HEADERS_TIMEOUT: {
    kind: 'timeout',
    details: { reason: 'answer-timeout' },
    message: 'The cloud did not answer in time.',
  },
  UND_ERR_BODY_TIMEOUT: {
    kind: 'timeout',
    details: { reason: 'body-timeout' },
    message: 'The cloud stopped sending data.',
  },
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: {
    kind: 'integrity',
    details: { reason: 'file-changed-size' },
    message: 'The file changed size while it was being sent.',
  },
};

function meaningOf(code: string | undefined): CodeMeaning {
  if (code === undefined) {
    return {
      kind: 'network',
      details: { reason: 'network-error' },
      message: 'The request to the cloud failed unexpectedly.',
    };
  }
  if (untrustedCertificateCodes.has(code)) return untrustedCertificate;
  if (Object.hasOwn(codeMeanings, code)) return codeMeanings[code] as CodeMeaning;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return {
      kind: 'tls',
      details: { reason: 'tls-error', code },
      message: `The secure (TLS) connection to the cloud failed (${code}).`,
    };
  }
  return {
    kind: 'network',
    details: { reason: 'network-error', code },
    message: `Could not reach the cloud (${code}).`,
  };
}

/** The first error code found on the error, its cause chain, or an AggregateError's members. */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  const inner =
    errorCode(cause, depth + 1) ??
    (Array.isArray(errors) ? errors.map((e) => errorCode(e, depth + 1)).find(Boolean) : undefined);
  return inner ?? (typeof code === 'string' ? code : undefined);
}

function isAbort(err: unknown, code: string | undefined): boolean {
  return (
    (err instanceof Error && err.name === 'AbortError') ||
    code === 'UND_ERR_ABORTED' ||
    code === 'UND_ERR_ABORT' ||
    code === 'ABORT_ERR'
  );
}

/** Any failure (thrown by undici, Node, a stream, or already an AppError) as an AppError. */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const code = errorCode(err);
  if (isAbort(err, code)) return new AppError({ kind: 'cancelled' }, { cause: err });
  return new AppError(meaningOf(code), { cause: err });
}

/** Where an answer came from. */
export interface AnswerSource {
  service: ServiceName;
  /** `host[:port]` of the URL that answered. */
  host: string;
}

const serviceWords: Record<ServiceName, string> = {
  keystone: 'Keystone',
  glance: 'The image service',
};

/** Longest server-made text (a field path, a URL) put in an error. */
const maxQuoted = 200;

function quoted(text: string): string {
  return text.length > maxQuoted ? `${text.slice(0, maxQuoted)}…` : text;
}

function answerError(
  source: AnswerSource,
  details: ErrorDetails,
  message: string,
  cause?: unknown,
): AppError {
  return new AppError(
    {
      kind: 'server',
      message: `${serviceWords[source.service]} at ${source.host} ${message}`,
      details,
    },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * An answer whose `field` (a path such as `images[3].size`; empty for the whole answer) is
 * missing or of the wrong type.
 */
export function badAnswer(source: AnswerSource, field: string, cause?: unknown): AppError {
  const what =
    field === ''
      ? 'sent an answer that is not what this service sends.'
      : `sent an answer Glance Desk cannot use: ${quoted(field)} is missing or of the wrong type.`;
  return answerError(
    source,
    { reason: 'bad-answer', ...source, field: quoted(field) },
    what,
    cause,
  );
}

export function notJsonAnswer(source: AnswerSource, cause: unknown): AppError {
  return answerError(
    source,
    { reason: 'not-json', ...source },
    'sent an answer that is not valid JSON.',
    cause,
  );
}

export function answerTooLarge(source: AnswerSource, limitBytes: number): AppError {
  return answerError(
    source,
    { reason: 'answer-too-large', ...source, limitBytes },
    `sent an answer larger than ${limitBytes / 2 ** 20} MiB; it was not read.`,
  );
}

/** The image service answered with another image than the one asked for. */
export function wrongImage(source: AnswerSource, expected: string, actual: string): AppError {
  return answerError(
    source,
    { reason: 'wrong-image', ...source, expected: quoted(expected), actual: quoted(actual) },
    `answered with another image (${quoted(actual)}) than the one asked for (${quoted(expected)}).`,
  );
}

/**
 * A link (a version or catalog URL) from an answer that reached us over https but points
 * to plain http: following it would send the token unencrypted.
 */
export function httpsDowngrade(source: AnswerSource, url: URL): AppError {
  return answerError(
    source,
    { reason: 'https-downgrade', ...source, url: url.origin },
    `points to ${url.origin}, a plain http address, although it was reached over https. Refused, so that the token is not sent unencrypted.`,
  );
}

/** A link (a version or catalog URL) that is not http(s). */
export function badScheme(source: AnswerSource, url: URL): AppError {
  return answerError(
    source,
    { reason: 'bad-scheme', ...source, scheme: quoted(url.protocol) },
    `points to a ${quoted(url.protocol)} address, which is not a web (http or https) address. Refused.`,
  );
}
