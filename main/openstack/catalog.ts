/**
 * Keystone's service catalog: its shape, finding the image service's endpoint in it, and
 * the rule for every URL Keystone hands out (only http(s), never https → http).
 */
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { EndpointInterface } from '../../common/connection';
import { badAnswer, badScheme, httpsDowngrade, type AnswerSource } from '../net/errors';

// Loose objects: catalogs carry more (ids, region objects, Huawei's extra fields) than is read.
const catalogEndpointSchema = z.looseObject({
  interface: z.string(),
  region: z.string().nullish(),
  region_id: z.string().nullish(),
  url: z.string(),
});

export const catalogSchema = z.array(
  z.looseObject({
    type: z.string(),
    name: z.string().nullish(),
    endpoints: z.array(catalogEndpointSchema),
  }),
);

export type CatalogEndpoint = z.output<typeof catalogEndpointSchema>;
export type CatalogService = z.output<typeof catalogSchema>[number];

/**
 * `link` (a version link or catalog URL, relative to `from` if it is relative) when it is
 * safe to send a token to: an http(s) URL, and https when `from` is https.
 * `field` names the link in Keystone's answer, for the error when it is no URL at all.
 */
export function trustedLink(link: string, from: string, field: string): URL {
  const source: AnswerSource = { service: 'keystone', host: new URL(from).host };
  let url: URL;
  try {
    url = new URL(link, from);
  } catch (err) {
    throw badAnswer(source, field, err);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badScheme(source, url);
  if (url.protocol === 'http:' && new URL(from).protocol === 'https:') {
    throw httpsDowngrade(source, url);
  }
  return url;
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

/**
 * The `image` endpoint for an interface (and region, when given), or a plain error saying
 * what is there. `identityUrl` is the Keystone URL the catalog came from: the endpoint
 * must pass `trustedLink` against it.
 */
export function pickImageEndpoint(
  catalog: readonly CatalogService[],
  identityUrl: string,
  endpointInterface: EndpointInterface,
  region?: string,
): string {
  const endpoints = catalog.filter((s) => s.type === 'image').flatMap((s) => s.endpoints);
  if (endpoints.length === 0) {
    throw new AppError({
      kind: 'unsupported',
      message:
        "This cloud's service catalog has no image service (Glance). Set the image endpoint in the profile by hand.",
      details: { reason: 'no-image-service' },
    });
  }
  const match = endpoints.find(
    (e) =>
      e.interface === endpointInterface &&
      (region === undefined || region === '' || regionOf(e) === region),
  );
  if (match !== undefined) {
    const service = catalog.findIndex((s) => s.endpoints.includes(match));
    const index = catalog[service]?.endpoints.indexOf(match);
    const field = `token.catalog[${service}].endpoints[${index}].url`;
    return normalizeImageEndpoint(trustedLink(match.url, identityUrl, field).href);
  }
  const available = endpoints.map(
    (e) => `${e.interface}${regionOf(e) === undefined ? '' : ` (${regionOf(e)})`}`,
  );
  const where = region === undefined || region === '' ? '' : ` in region ${region}`;
  throw new AppError({
    kind: 'not-found',
    message: `The catalog has no ${endpointInterface} image endpoint${where}. It has: ${available.join(', ')}.`,
    details: {
      reason: 'no-image-endpoint',
      interface: endpointInterface,
      ...(region ? { region } : {}),
      available,
    },
  });
}

/**
 * The regions other than `region` whose image service the catalog lists for an interface,
 * in catalog order. Without a region, the session uses the first image endpoint: its
 * region is the own one.
 */
export function otherImageRegions(
  catalog: readonly CatalogService[],
  endpointInterface: EndpointInterface,
  region?: string,
): string[] {
  const regions = catalog
    .filter((s) => s.type === 'image')
    .flatMap((s) => s.endpoints)
    .filter((e) => e.interface === endpointInterface)
    .map(regionOf)
    .filter((r): r is string => r !== undefined && r !== '');
  const unique = [...new Set(regions)];
  const own = region === undefined || region === '' ? unique[0] : region;
  return unique.filter((r) => r !== own);
}
