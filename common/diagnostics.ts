/**
 * What "Copy diagnostics" puts on the clipboard for a support request: versions, the
 * platform and each cloud's connection settings without anything secret (no password,
 * token, application credential, user name or proxy credentials; addresses as origins only).
 */
import type { AuthMethod } from './profile';

export interface CloudDiagnostics {
  name: string;
  /** Scheme, host and port of the auth URL; null when the profile has none. */
  authOrigin: string | null;
  imageEndpointOrigin: string | null;
  authMethod: AuthMethod;
  region: string | null;
  interface: string;
  caFile: boolean;
  insecure: boolean;
  /** Scheme, host and port of the proxy (never its user or password); null when none is set. */
  proxyOrigin: string | null;
}

export interface Diagnostics {
  app: string;
  version: string;
  platform: string;
  arch: string;
  /** Null outside Electron (tests). */
  electron: string | null;
  chrome: string | null;
  node: string;
  clouds: CloudDiagnostics[];
}
