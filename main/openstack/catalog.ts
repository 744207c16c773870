/** Keystone's service catalog: finding the image service's endpoint in it. */
import { AppError } from '../../common/errors';
import type { EndpointInterface } from '../../common/connection';

export interface CatalogEndpoint {
  interface: string;
  region?: string | null;
  region_id?: string | null;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/**
 * A Glance base URL without a trailing slash or version suffix: catalogs list Glance both as
 * `https://host:9292` and as `https://host:9292/v2`, and the client adds `/v2/...` itself.
 */
export function normalizeImageEndpoint(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v2(\.\d+)?$/, '');
}

function regionOf(endpoint: CatalogEndpoint): string | undefined {
  return endpoint.region_id ?? endpoint.region ?? undefined;
}

/** The `image` endpoint for an interface (and region, when given), or a plain error saying what is there. */
export function pickImageEndpoint(
  catalog: readonly CatalogService[],
  endpointInterface: EndpointInterface,
  region?: string,
): string {
  const endpoints = catalog.filter((s) => s.type === 'image').flatMap((s) => s.endpoints);
  if (endpoints.length === 0) {
    throw new AppError({
      kind: 'unsupported',
      message:
        "This cloud's service catalog has no image service (Glance). Set the image endpoint in the profile by hand.",
    });
  }
  const match = endpoints.find(
    (e) =>
      e.interface === endpointInterface &&
      (region === undefined || region === '' || regionOf(e) === region),
  );
  if (match !== undefined) return normalizeImageEndpoint(match.url);
  const available = endpoints
    .map((e) => `${e.interface}${regionOf(e) === undefined ? '' : ` (${regionOf(e)})`}`)
    .join(', ');
  const where = region === undefined || region === '' ? '' : ` in region ${region}`;
  throw new AppError({
    kind: 'not-found',
    message: `The catalog has no ${endpointInterface} image endpoint${where}. It has: ${available}.`,
    details: { interface: endpointInterface, ...(region ? { region } : {}) },
  });
}
