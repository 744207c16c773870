/**
 * Which settings a saved secret was entered for. The password, application-credential
 * secret or token goes to the auth URL's host, the token Keystone gives for it goes to the
 * image endpoint's, and the proxy and the TLS settings (skip verification, extra CA) decide
 * who else can read them on the way. When any of these changes, main sends the saved secret
 * nowhere and asks for it again, as browsers and git credential helpers do. Proxy
 * credentials are bound to their proxy the same way.
 * Pure functions: main enforces the rule; the profile form uses them to ask in advance.
 */
import type { ReasonDetails } from './errors';
import type { AuthMethod, ProfileFields } from './profile';

/** The profile settings a secret is bound to, in the order they are reported. */
export const boundSettings = ['authUrl', 'imageEndpoint', 'proxy', 'insecure', 'caFile'] as const;
export type BoundSetting = (typeof boundSettings)[number];

/** What a secret was entered for: origins (scheme, host and port), not whole URLs, and the TLS trust. */
export interface SecretBinding {
  authOrigin?: string;
  imageOrigin?: string;
  proxyOrigin?: string;
  insecure: boolean;
  caFile?: string;
}

export type BindingFields = Partial<Pick<ProfileFields, BoundSetting>>;

/** The profile's own secret (named by its auth method), or the proxy's user name and password. */
export type NeededSecret = AuthMethod | 'proxy-credentials';

/** `details` of the 'validation' AppError main answers with when a secret must be entered again. */
export type SecretNeededDetails = ReasonDetails<'secret-needed'>;

/** `scheme://host[:port]` of a URL (without user name and password); the text itself when it is not one. */
export function originOf(url: string): string {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? url : origin;
  } catch {
    return url;
  }
}

export function secretBinding(fields: BindingFields): SecretBinding {
  const binding: SecretBinding = { insecure: fields.insecure === true };
  if (fields.authUrl !== undefined) binding.authOrigin = originOf(fields.authUrl);
  if (fields.imageEndpoint !== undefined) binding.imageOrigin = originOf(fields.imageEndpoint);
  if (fields.proxy !== undefined) binding.proxyOrigin = originOf(fields.proxy);
  if (fields.caFile !== undefined) binding.caFile = fields.caFile;
  return binding;
}

const bindingKey: Record<BoundSetting, keyof SecretBinding> = {
  authUrl: 'authOrigin',
  imageEndpoint: 'imageOrigin',
  proxy: 'proxyOrigin',
  insecure: 'insecure',
  caFile: 'caFile',
};

/**
 * The first setting in `fields` that differs from what the secret was entered for, or
 * undefined when the binding still holds. Proxy credentials depend on the proxy only.
 */
export function changedSetting(
  binding: SecretBinding,
  fields: BindingFields,
  secret: NeededSecret,
): BoundSetting | undefined {
  const current = secretBinding(fields);
  const settings: readonly BoundSetting[] =
    secret === 'proxy-credentials' ? ['proxy'] : boundSettings;
  return settings.find((setting) => binding[bindingKey[setting]] !== current[bindingKey[setting]]);
}

/**
 * A proxy URL split into the URL without user name and password, and those
 * (`user:password`, percent-encoded as in the URL) when it has them.
 */
export function splitProxyCredentials(proxy: string): { proxy: string; credentials?: string } {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return { proxy };
  }
  if (url.username === '' && url.password === '') return { proxy };
  const credentials = `${url.username}:${url.password}`;
  url.username = '';
  url.password = '';
  // URL adds a '/' to a bare host; keep the proxy as it was written.
  const bare = proxy.endsWith('/') ? url.href : url.href.replace(/\/$/, '');
  return { proxy: bare, credentials };
}

/** The proxy URL with the credentials `splitProxyCredentials` took out put back. */
export function withProxyCredentials(proxy: string, credentials: string): string {
  const url = new URL(proxy);
  const colon = credentials.indexOf(':');
  url.username = colon === -1 ? credentials : credentials.slice(0, colon);
  url.password = colon === -1 ? '' : credentials.slice(colon + 1);
  return url.href;
}
