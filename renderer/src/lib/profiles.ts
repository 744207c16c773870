import type {
  ConnectionWarning,
  ImportProblem,
  Profile,
  ProfileInput,
  TestConnectionResult,
} from '../../../common/profile';
import {
  changedSetting,
  secretBinding,
  splitProxyCredentials,
  type BindingFields,
  type SecretNeededDetails,
} from '../../../common/secret-binding';
import { errorText, fieldLabel, type Speech } from '../i18n/known-errors';
import type { Say } from '../i18n/labels';

/** A connection test's outcome in plain words: what worked, or which step failed and why. */
export function testResultText(speech: Speech, result: TestConnectionResult): string {
  const { say } = speech;
  if (result.ok) {
    return say('profile.testOk', { ms: result.tookMs, endpoint: result.imageEndpoint });
  }
  const step = say(`profile.step.${result.step}`);
  const reason = errorText(speech, result.error);
  return result.address === undefined
    ? say('profile.testFailed', { step, reason })
    : say('profile.testFailedAt', { step, address: result.address, reason });
}

const isPlainHttp = (url: string | undefined): url is string =>
  url !== undefined && /^http:\/\//i.test(url.trim());

/** What the profile's own addresses give away: sign-in or image traffic over plain http. */
export function profileWarnings(
  fields: Pick<ProfileInput, 'authUrl' | 'imageEndpoint'>,
): ConnectionWarning[] {
  const warnings: ConnectionWarning[] = [];
  if (isPlainHttp(fields.authUrl)) {
    warnings.push({ code: 'plain-http', service: 'identity', url: fields.authUrl.trim() });
  }
  if (isPlainHttp(fields.imageEndpoint)) {
    warnings.push({ code: 'plain-http', service: 'image', url: fields.imageEndpoint.trim() });
  }
  return warnings;
}

export function warningText(say: Say, warning: ConnectionWarning): string {
  switch (warning.code) {
    case 'plain-http':
      return warning.service === 'identity'
        ? say('profile.warning.plainHttpIdentity', { url: warning.url })
        : say('profile.warning.plainHttpImage', { url: warning.url });
    case 'image-host-differs':
      return say('profile.warning.imageHostDiffers', {
        authHost: warning.authHost,
        imageHost: warning.imageHost,
      });
  }
}

/** What an import did not take over as written (main/profiles/import), in the UI's words. */
export function importProblemText(say: Say, problem: ImportProblem): string {
  switch (problem.code) {
    case 'unsupported-sign-in':
      return say(`import.signIn.${problem.signIn}`, { authType: problem.authType });
    case 'credential-by-name':
      return say('import.problem.credential-by-name', { name: problem.credentialName });
    case 'secret-not-in-file':
      return say('import.problem.secret-not-in-file', { secret: say(`secret.${problem.secret}`) });
    case 'unknown-interface':
    case 'points-at-clouds-yaml':
      return say(`import.problem.${problem.code}`, { value: problem.value });
    case 'identity-api-version':
    case 'image-api-version':
      return say(`import.problem.${problem.code}`, { version: problem.version });
    case 'incomplete':
      return say(problem.missing ? 'import.problem.missing' : 'import.problem.invalid', {
        field: fieldLabel(say, problem.profileField),
      });
    case 'unresolved-variable':
      return say('import.problem.unresolved-variable', { reference: problem.reference });
    case 'one-proxy':
      return say('import.problem.one-proxy', { chosen: problem.chosen });
    case 'unknown-vendor-profile':
      return say('import.problem.unknown-vendor-profile', { profile: problem.profile });
    case 'remote-vendor-profile':
      return say('import.problem.remote-vendor-profile', {
        profile: problem.profile,
        site: problem.site,
      });
    case 'region-not-in-url':
      return say('import.problem.region-not-in-url', { region: problem.region });
    default:
      return say(`import.problem.${problem.code}`);
  }
}

/** A form's bound settings as main will read them: trimmed, empty ones absent. */
function bindingFields(form: ProfileInput): BindingFields {
  const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const proxy = text(form.proxy);
  const fields: BindingFields = { insecure: form.insecure === true };
  const [authUrl, imageEndpoint, caFile] = [
    text(form.authUrl),
    text(form.imageEndpoint),
    text(form.caFile),
  ];
  if (authUrl !== undefined) fields.authUrl = authUrl;
  if (imageEndpoint !== undefined) fields.imageEndpoint = imageEndpoint;
  if (proxy !== undefined) fields.proxy = splitProxyCredentials(proxy).proxy;
  if (caFile !== undefined) fields.caFile = caFile;
  return fields;
}

/**
 * The secrets main will refuse to reuse for this form of the saved profile `saved`, and
 * why: the form should ask for them before the user tries (main decides all the same).
 */
export function secretsToRetype(
  saved: Profile | undefined,
  form: ProfileInput,
): SecretNeededDetails[] {
  if (saved === undefined) return [];
  const needed: SecretNeededDetails[] = [];
  const binding = secretBinding(saved);
  const fields = bindingFields(form);
  if (saved.secretState !== 'missing' && saved.authMethod === form.authMethod && !form.secret) {
    const changed = changedSetting(binding, fields, form.authMethod);
    if (changed !== undefined)
      needed.push({ reason: 'secret-needed', secret: form.authMethod, changed });
  }
  const typedCredentials =
    form.proxy !== undefined && splitProxyCredentials(form.proxy.trim()).credentials !== undefined;
  if (
    saved.proxyCredentials !== undefined &&
    fields.proxy !== undefined &&
    !typedCredentials &&
    !form.removeProxyCredentials
  ) {
    const changed = changedSetting(binding, fields, 'proxy-credentials');
    if (changed !== undefined) {
      needed.push({ reason: 'secret-needed', secret: 'proxy-credentials', changed });
    }
  }
  return needed;
}
