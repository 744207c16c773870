/**
 * "Copy diagnostics": versions, platform and each cloud's connection settings, built from
 * the profiles as the renderer sees them (never a secret) and reduced further: addresses as
 * origins only (no path, user or password), no user, project or credential ids, and only
 * whether a CA file is set, not where.
 */
import type { AppInfo } from '../../common/contract';
import type { CloudDiagnostics, Diagnostics } from '../../common/diagnostics';
import type { Profile } from '../../common/profile';

/** Scheme, host and port of `url`; null when there is none or it is not a URL. */
function originOf(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

function cloudDiagnostics(profile: Profile): CloudDiagnostics {
  return {
    name: profile.name,
    authOrigin: originOf(profile.authUrl),
    imageEndpointOrigin: originOf(profile.imageEndpoint),
    authMethod: profile.authMethod,
    region: profile.region ?? null,
    interface: profile.interface,
    caFile: profile.caFile !== undefined,
    insecure: profile.insecure === true,
    proxyOrigin: originOf(profile.proxy),
  };
}

export function diagnostics(appInfo: AppInfo, profiles: readonly Profile[]): Diagnostics {
  return {
    app: 'Glance Desk',
    version: appInfo.version,
    platform: appInfo.platform,
    arch: process.arch,
    electron: process.versions.electron ?? null,
    chrome: process.versions.chrome ?? null,
    node: process.versions.node,
    clouds: profiles.map(cloudDiagnostics),
  };
}
