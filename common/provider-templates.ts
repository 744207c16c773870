/**
 * "Add a cloud" from a provider template: which fields the provider leaves to the user, and
 * the profile their answers make. Everything the provider's data knows (auth URL per region,
 * domains, interface) is filled in; the user gives the account, user, project and secret.
 * Huawei Cloud: the user's domain is the account name, and the project is the region (its
 * tokens are scoped to one region, so there is one profile per region).
 */
import type { AuthMethod, ProfileInput } from './profile';
import {
  huaweiCloud,
  providerRegions,
  withRegion,
  type Provider,
  type VendorProfile,
} from './providers';

/** A question the template form may ask (the secret is always asked). */
export type TemplateField =
  | 'region'
  | 'authUrl'
  /** Huawei Cloud's account name: the IAM user's domain. */
  | 'account'
  | 'userName'
  | 'userDomainName'
  | 'projectName'
  | 'projectDomainName'
  | 'applicationCredentialId';

export interface TemplateAnswers {
  authMethod: AuthMethod;
  region?: string;
  authUrl?: string;
  account?: string;
  userName?: string;
  userDomainName?: string;
  projectName?: string;
  projectDomainName?: string;
  applicationCredentialId?: string;
  /** The password, application credential secret or token. */
  secret?: string;
}

/** What openstacksdk's profile says that Glance Desk cannot use as it stands. */
export type TemplateNote = 'identity-v2' | 'image-v1';

/** The sign-in methods the provider takes: Huawei IAM has no application credentials. */
export function templateAuthMethods(provider: Provider): AuthMethod[] {
  return provider.id === huaweiCloud.id
    ? ['password', 'token']
    : ['password', 'application-credential', 'token'];
}

const domainsOf = (profile: VendorProfile) => ({
  user: profile.auth?.user_domain_name ?? profile.auth?.user_domain_id,
  project: profile.auth?.project_domain_name ?? profile.auth?.project_domain_id,
});

/** What the form asks for `provider` and `method`, in the order it asks. */
export function templateFields(provider: Provider, method: AuthMethod): TemplateField[] {
  const fields: TemplateField[] = [];
  if (providerRegions(provider).length !== 1) fields.push('region');
  if (provider.profile.auth?.auth_url === undefined) fields.push('authUrl');
  if (provider.id === huaweiCloud.id) {
    if (method === 'password') fields.push('account', 'userName');
    return fields;
  }
  const domains = domainsOf(provider.profile);
  if (method === 'password') {
    fields.push('userName');
    if (domains.user === undefined) fields.push('userDomainName');
    fields.push('projectName');
    if (domains.project === undefined) fields.push('projectDomainName');
  } else if (method === 'application-credential') {
    fields.push('applicationCredentialId');
  }
  return fields;
}

/** Why the provider's openstacksdk profile may not work with Glance Desk (it may be outdated). */
export function templateNotes(provider: Provider): TemplateNote[] {
  const { auth, identity_api_version: identity, image_api_version: image } = provider.profile;
  const notes: TemplateNote[] = [];
  if (identity === '2' || /\/v2\.0\/?$/.test(auth?.auth_url ?? '')) notes.push('identity-v2');
  if (image === '1') notes.push('image-v1');
  return notes;
}

const trimmed = (value: string | undefined): string | undefined =>
  value?.trim() ? value.trim() : undefined;

/**
 * The profile the template makes from the user's answers, for the profile store to check
 * and save. A region that cannot go into the auth URL leaves the auth URL out, so that
 * saving says it is missing.
 */
export function profileFromTemplate(provider: Provider, answers: TemplateAnswers): ProfileInput {
  const { profile } = provider;
  const regions = providerRegions(provider);
  const region = trimmed(answers.region) ?? (regions.length === 1 ? regions[0] : undefined);
  const authUrl =
    profile.auth?.auth_url === undefined
      ? trimmed(answers.authUrl)
      : withRegion(profile.auth.auth_url, region);
  const input: ProfileInput = {
    name: region === undefined ? provider.name : `${provider.name} (${region})`,
    provider: provider.id,
    authMethod: answers.authMethod,
    interface:
      profile.interface === 'internal' || profile.interface === 'admin'
        ? profile.interface
        : 'public',
  };
  const set = <K extends keyof ProfileInput>(key: K, value: ProfileInput[K] | undefined) => {
    if (value !== undefined) input[key] = value;
  };
  set('authUrl', authUrl);
  set('region', region);
  set('secret', answers.secret ? answers.secret : undefined);
  if (provider.id === huaweiCloud.id) {
    const account = trimmed(answers.account);
    if (answers.authMethod === 'password') {
      set('userName', trimmed(answers.userName));
      set('userDomainName', account);
      set('projectName', region);
      set('projectDomainName', account);
    }
    return input;
  }
  const auth = profile.auth ?? {};
  if (answers.authMethod === 'password') {
    set('userName', trimmed(answers.userName));
    set('projectName', trimmed(answers.projectName));
    const user = vendorOrAnswer(auth.user_domain_id, auth.user_domain_name, answers.userDomainName);
    set('userDomainId', user.id);
    set('userDomainName', user.name);
    const project = vendorOrAnswer(
      auth.project_domain_id,
      auth.project_domain_name,
      answers.projectDomainName,
    );
    set('projectDomainId', project.id);
    set('projectDomainName', project.name);
  } else if (answers.authMethod === 'application-credential') {
    set('applicationCredentialId', trimmed(answers.applicationCredentialId));
  }
  return input;
}

/** The vendor's domain (id or name) when it names one, else the domain name the user gave. */
function vendorOrAnswer(
  id: string | undefined,
  name: string | undefined,
  answer: string | undefined,
): { id?: string | undefined; name?: string | undefined } {
  return id !== undefined || name !== undefined ? { id, name } : { name: trimmed(answer) };
}
