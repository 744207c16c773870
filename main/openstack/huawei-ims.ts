/**
 * What Huawei Cloud's image service (IMS) needs beyond plain Glance v2, from IMS's API
 * reference for its OpenStack-native `/v2/images`: an `X-Api-Version` header later in the
 * alphabet than M selects the Queens behaviour (M or earlier: Mitaka's), and IMS's address
 * per region for a catalog that does not list it. Plain Glance clouds get neither.
 */
import type { ConnectionConfig } from '../../common/connection';
import type { ProfileFields } from '../../common/profile';
import { imsEndpointFor, isHuaweiCloud } from '../../common/providers';

/** Queens: any letter after M. */
export const imsApiVersion = 'Q';

export function imageServiceExtras(
  fields: Pick<ProfileFields, 'provider' | 'authUrl' | 'imageEndpoint' | 'region'>,
): Pick<ConnectionConfig, 'imageHeaders' | 'imageEndpointFallback'> {
  if (!isHuaweiCloud(fields)) return {};
  const fallback = imsEndpointFor(fields.region);
  return {
    imageHeaders: { 'x-api-version': imsApiVersion },
    ...(fallback === undefined ? {} : { imageEndpointFallback: fallback }),
  };
}
