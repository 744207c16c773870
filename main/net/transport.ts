/**
 * One HTTP transport per connection: a keep-alive undici dispatcher with the profile's TLS
 * and proxy settings, a `request()` that turns every failure into an AppError, and
 * `readJson()`, which reads a bounded JSON answer and checks its shape.
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { AppError, isAppError, type ServiceName } from '../../common/errors';
import type { TransportConfig } from '../../common/connection';
import {
  answerTooLarge,
  badAnswer,
  httpError,
  notJsonAnswer,
  toAppError,
  type AnswerSource,
  type StatusExplanations,
} from './errors';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable | null;
  signal?: AbortSignal;
  /**
   * Values that must never appear in an error, e.g. a password in the body. The
   * `x-auth-token` / `x-subject-token` header values are added automatically.
   */
  secrets?: readonly string[];
  /** What some HTTP statuses mean for this request (their kind and reason). */
  explanations?: StatusExplanations;
}

/** A request that failed, as the transport reports it to its observer (the app's log). */
export interface RequestFailure {
  method: HttpMethod;
  url: string;
  error: AppError;
}

export interface HttpResponse {
  /** The URL that answered. */
  url: URL;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

const connectTimeout = 30_000;
const headersTimeout = 30_000;
/** Idle time between two body chunks, not a limit on the whole body: multi-GB transfers are fine. */
const bodyStallTimeout = 5 * 60_000;
const keepAliveTimeout = 30_000;
/** Enough of an error body to find the server's message; the rest is dropped. */
const maxErrorBody = 64 * 1024;

function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError(
      {
        kind: 'tls',
        message: `The CA file ${path} could not be read.`,
        details: { reason: 'ca-file-unreadable', path },
      },
      { cause: err },
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AppError({
      kind: 'tls',
      message: `The CA file ${path} does not contain a PEM certificate.`,
      details: { reason: 'ca-file-not-pem', path },
    });
  }
  return pem;
}

function proxySecrets(proxy: string | undefined): string[] {
  if (proxy === undefined) return [];
  try {
    const { password } = new URL(proxy);
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}

function createDispatcher(config: TransportConfig): Dispatcher {
  const tls = {
    ...(config.caFile === undefined
      ? {}
      : { ca: [...rootCertificates, readCaFile(config.caFile)] }),
    ...(config.insecure === true ? { rejectUnauthorized: false } : {}),
  };
  const connect = { ...tls, timeout: connectTimeout };
  const options = {
    connect,
    headersTimeout,
    bodyTimeout: bodyStallTimeout,
    keepAliveTimeout,
  };
  if (config.proxy !== undefined && config.proxy !== '') {
    return new ProxyAgent({
      ...options,
      uri: config.proxy,
      requestTls: connect,
      proxyTls: connect,
    });
  }
  const fromEnvironment = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'].some(
    (name) => (process.env[name] ?? '') !== '',
  );
  return fromEnvironment
    ? new EnvHttpProxyAgent({ ...options, requestTls: connect, proxyTls: connect })
    : new Agent(options);
}

async function readErrorBody(body: HttpResponse['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxErrorBody) break;
    }
  } catch {
    // The status says enough; a body we could not read adds nothing.
  }
  return Buffer.concat(chunks).subarray(0, maxErrorBody).toString('utf8');
}

export class Transport {
  readonly #dispatcher: Dispatcher;
  readonly #secrets: string[];
  /** Hears of every request that fails, with its AppError (already scrubbed): the app's log. */
  readonly #onFailure: ((failure: RequestFailure) => void) | undefined;

  constructor(config: TransportConfig, onFailure?: (failure: RequestFailure) => void) {
    this.#dispatcher = createDispatcher(config);
    this.#secrets = proxySecrets(config.proxy);
    this.#onFailure = onFailure;
  }

  /**
   * Sends one request. Resolves with the response for any status below 400 (the caller
   * reads or discards the body); rejects with an AppError for an HTTP error status (the
   * body is read for the server's message) and for every network, TLS, timeout or abort
   * failure.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.#send(req);
    } catch (error) {
      if (isAppError(error)) this.#onFailure?.({ method: req.method, url: String(req.url), error });
      throw error;
    }
  }

  async #send(req: HttpRequest): Promise<HttpResponse> {
    const headers = req.headers ?? {};
    const secrets = [
      ...this.#secrets,
      ...(req.secrets ?? []),
      ...Object.entries(headers)
        .filter(([name]) => /^x-(auth|subject)-token$/i.test(name))
        .map(([, value]) => value),
    ];
    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, {
        dispatcher: this.#dispatcher,
        method: req.method,
        headers,
        body: req.body ?? null,
        signal: req.signal ?? null,
      });
    } catch (err) {
      if (req.signal?.aborted === true) {
        // The caller's own AppError (e.g. "paused") wins over a generic "cancelled".
        const reason: unknown = req.signal.reason;
        throw isAppError(reason) ? reason : new AppError({ kind: 'cancelled' }, { cause: reason });
      }
      throw toAppError(err);
    }
    const result: HttpResponse = {
      url: new URL(req.url),
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
    };
    if (result.status < 400) return result;
    throw httpError({
      status: result.status,
      headers: result.headers,
      body: await readErrorBody(result.body),
      secrets,
      ...(req.explanations === undefined ? {} : { explanations: req.explanations }),
    });
  }

  close(): Promise<void> {
    return this.#dispatcher.close();
  }
}

/** The largest JSON answer read: a page of 1000 images with many properties is a few MB. */
export const maxJsonBytes = 32 * 2 ** 20;

/**
 * Reads a JSON answer and checks it against `schema` (an empty body, e.g. a 204, is
 * `undefined`, which the schema may allow). An answer over `limit` bytes, not JSON, or not
 * of the schema's shape is a `server` error that names the service, its host and, for a
 * wrong shape, the field (see errors.ts).
 */
export async function readJson<S extends z.ZodType>(
  res: HttpResponse,
  service: ServiceName,
  schema: S,
  limit = maxJsonBytes,
): Promise<z.output<S>> {
  const source: AnswerSource = { service, host: res.url.host };
  const text = await readText(res, source, limit);
  let data: unknown;
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw notJsonAnswer(source, err);
    }
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw badAnswer(source, fieldPath(issue === undefined ? [] : issuePath(issue)), parsed.error);
  }
  return parsed.data;
}

/** The body as text, counted as it streams in: past `limit` bytes the connection is dropped. */
async function readText(res: HttpResponse, source: AnswerSource, limit: number): Promise<string> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) {
    res.body.destroy();
    throw answerTooLarge(source, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Leaving the loop by a throw destroys the body, which closes the connection.
      if (size > limit) throw answerTooLarge(source, limit);
      chunks.push(chunk);
    }
  } catch (err) {
    throw toAppError(err);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Where an issue is. For a value that fits none of a union's shapes, the deepest place
 * where one of them failed: the union itself says little (`versions`), that place says
 * what is wrong (`versions.values[0].links[0].href`).
 */
function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  if (issue.code !== 'invalid_union') return issue.path;
  const inner = issue.errors.flat().map(issuePath);
  const deepest = inner.reduce<PropertyKey[]>((a, b) => (b.length > a.length ? b : a), []);
  return [...issue.path, ...deepest];
}

/** A zod issue path as one would write it in JavaScript: `images[3].size`, `token.catalog[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}
