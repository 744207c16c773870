/**
 * A cloud's `profile:` (or its older name, `cloud:`), merged under the cloud's own settings
 * as openstacksdk's `_expand_vendor_profile` does: the vendor's settings first, the cloud's
 * over them, `auth` merged key by key. The vendor comes from clouds-public.yaml's
 * `public-clouds:` when that names it, else from openstacksdk's vendor profiles
 * (common/providers). A remote profile (a web site openstacksdk fetches the settings from)
 * is not fetched: it is reported, as is a vendor nobody knows.
 */
import type { ImportProblemDetails } from '../../../common/profile';
import { openstacksdkVendors } from '../../../common/providers';
import { isRecord } from '../../settings/upgrade';
import { normalizeKeys } from './keys';

type Json = Record<string, unknown>;

/** clouds-public.yaml's `public-clouds:`: vendor profiles by name, written by the user. */
export type PublicClouds = Record<string, Json>;

export interface ExpandedCloud {
  /** The vendor's settings with the cloud's own over them. */
  merged: Json;
  /** The vendor's settings, when a vendor was found. */
  vendor?: Json;
  /** The openstacksdk vendor the settings came from (not one of clouds-public.yaml). */
  provider?: string;
  /** Why no vendor settings were merged, for the key that named the vendor. */
  problem?: { field: string; details: ImportProblemDetails };
}

/** openstacksdk's `_auth_update`: `extra` over `base`, with `auth` merged key by key. */
export function authUpdate(base: Json, extra: Json): Json {
  const merged: Json = { ...base, ...extra };
  if (isRecord(base.auth) && isRecord(extra.auth)) merged.auth = { ...base.auth, ...extra.auth };
  return merged;
}

/** The site a remote profile names (openstacksdk: a name with a network location). */
function remoteSite(name: string): string | undefined {
  return URL.canParse(name) && new URL(name).host !== '' ? name : undefined;
}

/** The cloud `own` (keys normalised) with its vendor's settings under it. */
export function expandVendorProfile(own: Json, publicClouds: PublicClouds): ExpandedCloud {
  const field = own.profile !== undefined ? 'profile' : 'cloud';
  const name = own[field];
  if (name === undefined) return { merged: own };
  if (typeof name !== 'string' || name.trim() === '') {
    return { merged: own, problem: { field, details: { code: 'not-a-single-value' } } };
  }
  const local = Object.hasOwn(publicClouds, name) ? publicClouds[name] : undefined;
  if (isRecord(local)) {
    const vendor = normalizeKeys(local);
    return { merged: authUpdate(vendor, own), vendor };
  }
  const known = openstacksdkVendors.get(name);
  const site = known?.profile.profile ?? remoteSite(name);
  if (site !== undefined) {
    return {
      merged: own,
      problem: { field, details: { code: 'remote-vendor-profile', profile: name, site } },
    };
  }
  if (known === undefined) {
    return {
      merged: own,
      problem: { field, details: { code: 'unknown-vendor-profile', profile: name } },
    };
  }
  const vendor = known.profile as Json;
  return { merged: authUpdate(vendor, own), vendor, provider: known.id };
}
