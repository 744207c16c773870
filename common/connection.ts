/**
 * How to reach one cloud: what a profile resolves to once its secrets are unlocked.
 * Lives in main only at run time (it holds secrets); the renderer sees profiles without them.
 */
export type EndpointInterface = 'public' | 'internal' | 'admin';

/** A user or project is named by id, or by name plus its domain (id or name). */
export interface DomainScoped {
  id?: string;
  name?: string;
  domainId?: string;
  domainName?: string;
}

export type AuthConfig =
  | { method: 'password'; user: DomainScoped; password: string; project: DomainScoped }
  | { method: 'application-credential'; id: string; secret: string }
  /** An existing token; with `imageEndpoint` set, no Keystone is needed at all. */
  | { method: 'token'; token: string; project?: DomainScoped };

export interface TransportConfig {
  /** PEM file with extra CA certificates to trust. */
  caFile?: string;
  /** Skip TLS certificate verification. Dangerous; the UI flags it. */
  insecure?: boolean;
  /** Proxy URL; when absent, HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment apply. */
  proxy?: string;
}

export interface ConnectionConfig extends TransportConfig {
  /** Keystone URL, with or without /v3. Optional only for token auth with an image endpoint. */
  authUrl?: string;
  auth: AuthConfig;
  region?: string;
  interface: EndpointInterface;
  /** Use this Glance URL instead of the catalog's. */
  imageEndpoint?: string;
  /** The image service's address when the catalog lists none (Huawei IMS's, per region). */
  imageEndpointFallback?: string;
  /** Sent with every image-service request (Huawei IMS: `X-Api-Version`). */
  imageHeaders?: Record<string, string>;
}
