/**
 * A Keystone v3 session over one connection: it authenticates (password, application
 * credential or an existing token), keeps the project-scoped token and its catalog, renews
 * the token a few minutes before it expires and once when a service answers 401, and sends
 * requests to the image service with the token attached.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, isAppError } from '../../common/errors';
import type { AuthConfig, ConnectionConfig, DomainScoped } from '../../common/connection';
import type { StatusExplanation, StatusExplanations } from '../net/errors';
import {
  readJson,
  Transport,
  type HttpRequest,
  type HttpResponse,
  type RequestFailure,
} from '../net/transport';
import {
  catalogSchema,
  normalizeImageEndpoint,
  otherImageRegions,
  pickImageEndpoint,
  trustedLink,
  type CatalogService,
} from './catalog';

export interface SessionOptions {
  /** Renew the token this long before its `expires_at`. Default: 5 minutes. */
  refreshMarginMs?: number;
  /** The clock used for token expiry (milliseconds since the epoch). */
  now?: () => number;
  /** Hears of every request of this session that fails (the app's log). */
  onRequestFailed?: (failure: RequestFailure) => void;
}

/** A request to the image service: `path` is relative to its endpoint, e.g. `/v2/images`. */
export type ServiceRequest = Omit<HttpRequest, 'url'> & {
  path: string;
  query?: URLSearchParams;
};

interface AuthState {
  token: string;
  /** Milliseconds since the epoch; null when unknown (a token used without Keystone). */
  expiresAt: number | null;
  catalog: CatalogService[] | null;
  projectId: string | null;
}

// What is read from Keystone's answers, checked; loose objects, since Keystone and its
// look-alikes (Huawei IAM) send more than this.
export const tokenBodySchema = z.looseObject({
  token: z.looseObject({
    expires_at: z
      .string()
      .refine((value) => !Number.isNaN(Date.parse(value)), 'Not a date.')
      .nullish(),
    catalog: catalogSchema.optional(),
    project: z.looseObject({ id: z.string() }).nullish(),
  }),
});
type TokenBody = z.output<typeof tokenBodySchema>;

const versionSchema = z.looseObject({
  id: z.string().optional(),
  status: z.string().optional(),
  links: z
    .array(z.looseObject({ rel: z.string().optional(), href: z.string().optional() }))
    .optional(),
});
type VersionEntry = z.output<typeof versionSchema>;

/**
 * Keystone: {"versions": {"values": [...]}} (or {"version": {...}} at /v3); other services,
 * e.g. Glance: {"versions": [...]}.
 */
export const discoverySchema = z
  .looseObject({
    versions: z
      .union([z.array(versionSchema), z.looseObject({ values: z.array(versionSchema).optional() })])
      .optional(),
    version: versionSchema.optional(),
  })
  .optional();

/** The versions a discovery answer lists, each with its place in the answer (for errors). */
function listedVersions(body: DiscoveryAnswer): { version: VersionEntry; field: string }[] {
  if (Array.isArray(body?.versions)) {
    return body.versions.map((version, i) => ({ version, field: `versions[${i}]` }));
  }
  const values = body?.versions?.values;
  if (values !== undefined) {
    return values.map((version, i) => ({ version, field: `versions.values[${i}]` }));
  }
  return body?.version === undefined ? [] : [{ version: body.version, field: 'version' }];
}

export type DiscoveryAnswer = z.output<typeof discoverySchema>;

/**
 * The Keystone v3 URL (no trailing slash) that a version-discovery answer from `authUrl`
 * names, or undefined when it names none. The link decides where the password goes next,
 * so it must pass `trustedLink`: only http(s), and no https → http.
 */
export function identityFromDiscovery(body: DiscoveryAnswer, authUrl: string): string | undefined {
  const v3 = listedVersions(body).find(
    ({ version }) => version.id?.startsWith('v3') && version.status !== 'deprecated',
  );
  const links = v3?.version.links ?? [];
  const self = links.findIndex((link) => link.rel === 'self');
  const href = links[self]?.href;
  if (v3 === undefined || href === undefined) return undefined;
  return trustedLink(href, authUrl, `${v3.field}.links[${self}].href`).href.replace(/\/+$/, '');
}

const defaultRefreshMargin = 5 * 60_000;

const rejectedTokenMessage =
  'The cloud did not accept the token: it is invalid or has expired. Get a new token and update the profile.';

const authFailureMessages: Record<AuthConfig['method'], string> = {
  password:
    'Keystone did not accept these credentials. Check the user name, password, domain and project.',
  'application-credential':
    'Keystone did not accept the application credential. Check its id and secret, and that it has not expired or been deleted.',
  token: rejectedTokenMessage,
};

/** The sign-in refused: the password, application credential or token. */
function credentialsRejected(method: AuthConfig['method']): StatusExplanation {
  return {
    kind: 'auth',
    details: { reason: 'credentials-rejected', method },
    message: authFailureMessages[method],
  };
}

function isReadable(body: HttpRequest['body']): body is Readable {
  return typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
}

function named(scope: DomainScoped, what: 'user' | 'project'): Record<string, unknown> {
  if (scope.id !== undefined && scope.id !== '') return { id: scope.id };
  if (scope.name === undefined || scope.name === '') {
    throw new AppError({
      kind: 'validation',
      message: `The profile names no ${what}: give its id, or its name and domain.`,
      details: { reason: 'scope-missing', what },
    });
  }
  const domain =
    scope.domainId !== undefined && scope.domainId !== ''
      ? { id: scope.domainId }
      : scope.domainName !== undefined && scope.domainName !== ''
        ? { name: scope.domainName }
        : { id: 'default' };
  return { name: scope.name, domain };
}

/** The secrets of an auth config, so that no error can ever carry them. */
function secretsOf(auth: AuthConfig): string[] {
  switch (auth.method) {
    case 'password':
      return [auth.password];
    case 'application-credential':
      return [auth.secret];
    case 'token':
      return [auth.token];
  }
}

export class OpenStackSession {
  readonly #config: ConnectionConfig;
  readonly #transport: Transport;
  readonly #refreshMargin: number;
  readonly #now: () => number;
  readonly #secrets: string[];
  #identityUrl: Promise<string> | undefined;
  #state: AuthState | undefined;
  #pending: Promise<AuthState> | undefined;

  constructor(config: ConnectionConfig, options: SessionOptions = {}) {
    const hasAuthUrl = config.authUrl !== undefined && config.authUrl !== '';
    const hasEndpoint = config.imageEndpoint !== undefined && config.imageEndpoint !== '';
    if (!hasAuthUrl && !(config.auth.method === 'token' && hasEndpoint)) {
      throw new AppError({
        kind: 'validation',
        message:
          'The profile needs an auth URL (Keystone), or a token together with an image endpoint.',
        details: { reason: 'no-auth-url' },
      });
    }
    this.#config = config;
    this.#transport = new Transport(config, options.onRequestFailed);
    this.#refreshMargin = options.refreshMarginMs ?? defaultRefreshMargin;
    this.#now = options.now ?? Date.now;
    this.#secrets = secretsOf(config.auth);
  }

  /** The Keystone v3 URL the auth URL leads to (found by version discovery unless it ends in /v3). */
  identityUrl(): Promise<string> {
    return this.#identity();
  }

  /** A valid token, authenticating first if needed. Concurrent callers share one sign-in. */
  async token(): Promise<string> {
    return (await this.#authenticated()).token;
  }

  /** The project the token is scoped to, when Keystone told us. */
  async projectId(): Promise<string | null> {
    return (await this.#authenticated()).projectId;
  }

  /** The other regions whose image service the catalog lists (glance-download's sources). */
  async otherImageRegions(): Promise<string[]> {
    const { catalog } = await this.#authenticated();
    if (catalog === null) return [];
    return otherImageRegions(catalog, this.#config.interface, this.#config.region);
  }

  /** The image service's base URL (no trailing slash, no `/v2`). */
  async imageEndpoint(): Promise<string> {
    if (this.#config.imageEndpoint !== undefined && this.#config.imageEndpoint !== '') {
      return normalizeImageEndpoint(this.#config.imageEndpoint);
    }
    const { catalog } = await this.#authenticated();
    if (catalog === null) {
      throw new AppError({
        kind: 'auth',
        message:
          'The token is not scoped to a project, so Keystone sent no service catalog. Choose a project in the profile.',
        details: { reason: 'unscoped-token' },
      });
    }
    try {
      return pickImageEndpoint(
        catalog,
        await this.#identity(),
        this.#config.interface,
        this.#config.region,
      );
    } catch (err) {
      const fallback = this.#config.imageEndpointFallback;
      const noImageService = isAppError(err) && err.details?.reason === 'no-image-service';
      if (!noImageService || fallback === undefined) throw err;
      return normalizeImageEndpoint(fallback);
    }
  }

  /**
   * Sends a request to the image service with the token. On a 401 it signs in again and
   * retries once (not for a streamed body, which cannot be sent twice); a second 401, or a
   * 401 where signing in again is impossible, fails with kind `auth`.
   */
  async request(req: ServiceRequest): Promise<HttpResponse> {
    const state = await this.#authenticated();
    try {
      return await this.#send(state, req);
    } catch (err) {
      if (!isAppError(err) || err.status !== 401) throw err;
      this.#drop(state);
      if (!this.#canReauthenticate()) throw this.#rejected(err, credentialsRejected('token'));
      if (isReadable(req.body)) {
        throw this.#rejected(err, {
          details: { reason: 'token-rejected-mid-transfer' },
          message:
            'The cloud stopped accepting the session’s token during the transfer. Try again.',
        });
      }
      const fresh = await this.#authenticated();
      try {
        return await this.#send(fresh, req);
      } catch (retryErr) {
        if (!isAppError(retryErr) || retryErr.status !== 401) throw retryErr;
        this.#drop(fresh);
        throw this.#rejected(retryErr, {
          details: { reason: 'token-rejected-after-sign-in' },
          message:
            'The image service did not accept the token Keystone issued, even after signing in again.',
        });
      }
    }
  }

  /** `request()` plus reading its JSON answer, checked against `schema` (see readJson). */
  async json<S extends z.ZodType>(req: ServiceRequest, schema: S): Promise<z.output<S>> {
    return readJson(await this.request(req), 'glance', schema);
  }

  /**
   * A GET from Keystone (`path` under its v3 URL, e.g. `/projects?name=x`) with the
   * session's token, its JSON answer checked against `schema`. Fails with reason
   * `no-auth-url` when the profile signs in without Keystone.
   */
  async keystoneJson<S extends z.ZodType>(
    path: string,
    schema: S,
    explanations?: StatusExplanations,
  ): Promise<z.output<S>> {
    if (this.#config.authUrl === undefined || this.#config.authUrl === '') {
      throw new AppError({
        kind: 'unsupported',
        message: 'The profile signs in without Keystone, so Keystone cannot be asked.',
        details: { reason: 'no-auth-url' },
      });
    }
    const { token } = await this.#authenticated();
    const res = await this.#transport.request({
      method: 'GET',
      url: `${await this.#identity()}${path}`,
      headers: { accept: 'application/json', 'x-auth-token': token },
      secrets: this.#secrets,
      ...(explanations === undefined ? {} : { explanations }),
    });
    return readJson(res, 'keystone', schema);
  }

  /** Forget the token: the next call signs in again. */
  invalidate(): void {
    this.#state = undefined;
  }

  /** Closes the connections. The session cannot be used afterwards. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  #canReauthenticate(): boolean {
    return this.#config.auth.method !== 'token';
  }

  #drop(state: AuthState): void {
    if (this.#state === state) this.#state = undefined;
  }

  #rejected(err: AppError, { details, message }: StatusExplanation): AppError {
    return new AppError({ ...err.toJSON(), kind: 'auth', details, message }, { cause: err });
  }

  async #send(state: AuthState, req: ServiceRequest): Promise<HttpResponse> {
    const { path, query, headers, secrets, ...rest } = req;
    const search = query === undefined || query.size === 0 ? '' : `?${query.toString()}`;
    return this.#transport.request({
      ...rest,
      url: `${await this.imageEndpoint()}${path}${search}`,
      // JSON also makes Glance answer errors as JSON rather than as an HTML or text page.
      headers: {
        accept: 'application/json',
        ...this.#config.imageHeaders,
        ...headers,
        'x-auth-token': state.token,
      },
      secrets: [...this.#secrets, ...(secrets ?? [])],
    });
  }

  #authenticated(): Promise<AuthState> {
    const state = this.#state;
    if (state !== undefined && !this.#expiring(state)) return Promise.resolve(state);
    this.#pending ??= this.#authenticate().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  #expiring(state: AuthState): boolean {
    return (
      this.#canReauthenticate() &&
      state.expiresAt !== null &&
      this.#now() >= state.expiresAt - this.#refreshMargin
    );
  }

  async #authenticate(): Promise<AuthState> {
    const { auth } = this.#config;
    const withoutKeystone = this.#config.authUrl === undefined || this.#config.authUrl === '';
    let state: AuthState;
    if (auth.method === 'token' && withoutKeystone) {
      // The constructor made sure an image endpoint is set: there is no Keystone to ask.
      state = { token: auth.token, expiresAt: null, catalog: null, projectId: null };
    } else if (auth.method === 'token' && auth.project === undefined) {
      state = await this.#validateToken(auth.token);
    } else {
      state = await this.#issueToken(auth);
    }
    this.#state = state;
    return state;
  }

  /** POST /v3/auth/tokens: a new project-scoped token. */
  async #issueToken(auth: AuthConfig): Promise<AuthState> {
    let identity: Record<string, unknown>;
    let scope: Record<string, unknown> | undefined;
    switch (auth.method) {
      case 'password':
        identity = {
          methods: ['password'],
          password: { user: { ...named(auth.user, 'user'), password: auth.password } },
        };
        scope = { project: named(auth.project, 'project') };
        break;
      case 'application-credential':
        // An application credential carries its own project scope.
        identity = {
          methods: ['application_credential'],
          application_credential: { id: auth.id, secret: auth.secret },
        };
        break;
      case 'token':
        identity = { methods: ['token'], token: { id: auth.token } };
        scope =
          auth.project === undefined ? undefined : { project: named(auth.project, 'project') };
        break;
    }
    const res = await this.#transport.request({
      method: 'POST',
      url: `${await this.#identity()}/auth/tokens`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ auth: { identity, ...(scope === undefined ? {} : { scope }) } }),
      secrets: this.#secrets,
      explanations: this.#authExplanations(),
    });
    const subject = res.headers['x-subject-token'];
    const token = Array.isArray(subject) ? subject[0] : subject;
    const body = await readJson(res, 'keystone', tokenBodySchema);
    if (token === undefined || token === '') {
      throw new AppError({
        kind: 'server',
        message: 'Keystone answered the sign-in without a token.',
        details: { reason: 'no-token-in-answer' },
      });
    }
    return this.#stateFrom(token, body);
  }

  /** GET /v3/auth/tokens: checks an existing token and reads its catalog. */
  async #validateToken(token: string): Promise<AuthState> {
    const res = await this.#transport.request({
      method: 'GET',
      url: `${await this.#identity()}/auth/tokens`,
      headers: { accept: 'application/json', 'x-auth-token': token, 'x-subject-token': token },
      secrets: this.#secrets,
      explanations: this.#authExplanations(),
    });
    return this.#stateFrom(token, await readJson(res, 'keystone', tokenBodySchema));
  }

  #authExplanations(): StatusExplanations {
    const rejected = credentialsRejected(this.#config.auth.method);
    // Keystone answers 404 for a token it does not know.
    return { 401: rejected, 404: rejected };
  }

  #stateFrom(token: string, { token: body }: TokenBody): AuthState {
    return {
      token,
      expiresAt: body.expires_at == null ? null : Date.parse(body.expires_at),
      catalog: body.catalog ?? null,
      projectId: body.project?.id ?? null,
    };
  }

  /** The Keystone v3 base URL: the auth URL if it ends in /v3, else found by version discovery. */
  #identity(): Promise<string> {
    this.#identityUrl ??= this.#discover().catch((err: unknown) => {
      this.#identityUrl = undefined;
      throw err;
    });
    return this.#identityUrl;
  }

  async #discover(): Promise<string> {
    const authUrl = (this.#config.authUrl ?? '').replace(/\/+$/, '');
    if (/\/v3$/.test(authUrl)) return authUrl;
    const noKeystone = {
      kind: 'unsupported',
      details: { reason: 'no-keystone', url: authUrl },
      message: `No Keystone v3 API was found at ${authUrl}. Check the auth URL.`,
    } as const satisfies StatusExplanation;
    const notKeystone = new AppError(noKeystone);
    const res = await this.#transport.request({
      method: 'GET',
      url: authUrl,
      headers: { accept: 'application/json' },
      explanations: { 404: noKeystone },
    });
    const body = await readJson(res, 'keystone', discoverySchema).catch((err: unknown) => {
      // A web page, say: simply not Keystone.
      if (isAppError(err) && err.details?.reason === 'not-json') throw notKeystone;
      throw err;
    });
    const identity = identityFromDiscovery(body, authUrl);
    if (identity === undefined) throw notKeystone;
    return identity;
  }
}
