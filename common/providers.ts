/**
 * The cloud providers Glance Desk knows: Huawei Cloud, and every provider openstacksdk ships
 * a vendor profile for. Their data lives in common/providers/*.json, each entry naming its
 * source. The profile templates (common/provider-templates.ts) and the clouds.yaml importer's
 * `profile:` key (main/profiles/import) read it; `isHuaweiCloud` tells main and the renderer
 * which clouds speak Huawei IMS's dialect of Glance.
 */
import huaweiData from './providers/huaweicloud.json';
import vendorData from './providers/openstacksdk-vendors.json';

/** A vendor profile as openstacksdk writes it, limited to the keys Glance Desk reads. */
export interface VendorProfile {
  auth?: {
    /** May hold `{region_name}`, filled in per region. */
    auth_url?: string;
    user_domain_name?: string;
    user_domain_id?: string;
    project_domain_name?: string;
    project_domain_id?: string;
  };
  regions?: string[];
  region_name?: string;
  interface?: string;
  identity_api_version?: string;
  image_api_version?: string;
  /** A remote profile: openstacksdk fetches its settings from this site at run time. */
  profile?: string;
}

export interface Provider {
  /** The name clouds.yaml's `profile:` uses (openstacksdk's vendor name). */
  id: string;
  /** The provider's own spelling of its name. */
  name: string;
  /** What the provider calls itself in another UI language, where it does. */
  localNames?: { 'zh-CN'?: string };
  source: string;
  profile: VendorProfile;
  /** The image service when the catalog lists none; may hold `{region_name}`. */
  imageEndpoint?: string;
  /** Region names as the provider's documentation writes them, per UI language. */
  regionNames?: Record<string, { en: string; 'zh-CN': string }>;
}

export const huaweiCloud: Provider = huaweiData;

/** openstacksdk's vendor profiles, by the name its `profile:` key takes. */
export const openstacksdkVendors: ReadonlyMap<string, Provider> = new Map(
  (vendorData.vendors as Provider[]).map((vendor) => [vendor.id, vendor]),
);

/**
 * What "Add a cloud" offers templates for: Huawei Cloud and Open Telekom Cloud first, then
 * the others by name. A remote vendor profile (VEXXHOST's) is left out: its settings are on
 * the provider's web site, which Glance Desk does not fetch.
 */
export const providers: readonly Provider[] = [
  huaweiCloud,
  ...[...openstacksdkVendors.values()]
    .filter((vendor) => vendor.profile.profile === undefined)
    .sort((a, b) => (a.id === 'otc' ? -1 : b.id === 'otc' ? 1 : a.name.localeCompare(b.name))),
];

export function providerById(id: string | undefined): Provider | undefined {
  return providers.find((provider) => provider.id === id);
}

/** The provider's regions: its list, or its one `region_name`; none when it names none. */
export function providerRegions(provider: Provider): string[] {
  const { regions, region_name: regionName } = provider.profile;
  if (regions !== undefined && regions.length > 0) return regions;
  return regionName === undefined ? [] : [regionName];
}

/** Dot-separated labels of letters, digits, `_` and `-`: nothing that could end a host name. */
const urlSafeRegion = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * `template` with `{region_name}` filled in. Undefined when it needs a region and `region`
 * is missing, or could change where the URL leads (a `/`, `@`, `:`, `#`, `?`, space…).
 */
export function withRegion(template: string, region: string | undefined): string | undefined {
  if (!template.includes('{region_name}')) return template;
  if (region === undefined || !urlSafeRegion.test(region)) return undefined;
  return template.replaceAll('{region_name}', region);
}

const huaweiHost = /(^|\.)myhuaweicloud\.com$/;

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).hostname.toLowerCase();
}

/**
 * Whether a profile's cloud is Huawei Cloud, whose image service (IMS) takes more list
 * filters, its own disk formats and an `X-Api-Version` header: made from the Huawei Cloud
 * template, or signing in (or listing images) at a myhuaweicloud.com address.
 */
export function isHuaweiCloud(fields: {
  provider?: string | undefined;
  authUrl?: string | undefined;
  imageEndpoint?: string | undefined;
}): boolean {
  if (fields.provider === huaweiCloud.id) return true;
  return [fields.authUrl, fields.imageEndpoint].some((url) => huaweiHost.test(hostOf(url) ?? ''));
}

/** Huawei IMS's address in `region`, for a catalog that lists no image service. */
export function imsEndpointFor(region: string | undefined): string | undefined {
  return huaweiCloud.imageEndpoint === undefined
    ? undefined
    : withRegion(huaweiCloud.imageEndpoint, region);
}
