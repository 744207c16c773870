/**
 * No secret travels with imported profiles: each secret found in a file is handed to the
 * profile store, and the profile carries a reference to it instead.
 */
import type { ProfileInput } from '../../../common/profile';
import { splitProxyCredentials, type NeededSecret } from '../../../common/secret-binding';

/**
 * Takes a secret found in a file (the profile's own, or the proxy's user name and
 * password) and returns the reference that replaces it in the result
 * (`ProfileStore.stashSecret`). The secret stays bound to the profile it was found for.
 */
export type StashSecret = (kind: NeededSecret, secret: string, enteredFor: ProfileInput) => string;

/** Replaces each profile's secret and proxy credentials by their stashed references. */
export function withoutSecrets(profiles: ProfileInput[], stashSecret: StashSecret): ProfileInput[] {
  return profiles.map(({ secret, ...found }) => {
    const profile: ProfileInput = { ...found };
    const { proxy, credentials } = splitProxyCredentials(found.proxy ?? '');
    if (credentials !== undefined) {
      profile.proxy = proxy;
      profile.importedProxyCredentials = stashSecret('proxy-credentials', credentials, profile);
    }
    if (secret !== undefined) {
      profile.importedSecret = stashSecret(profile.authMethod, secret, profile);
    }
    return profile;
  });
}
