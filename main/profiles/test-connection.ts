/**
 * "Test connection": signs in, finds the image endpoint, lists one image — and when a step
 * fails, says which one and why in plain words (wrong password, nothing listening, an
 * untrusted certificate, no image service in the catalog, …).
 */
import type { ConnectionConfig } from '../../common/connection';
import type { AppErrorData } from '../../common/errors';
import type { ConnectionWarning, TestConnectionResult } from '../../common/profile';
import { toAppError } from '../net/errors';
import { GlanceClient } from '../openstack/glance';
import { OpenStackSession } from '../openstack/keystone';

export interface TestConnectionDeps {
  /** Builds the session to test (default: a new OpenStackSession, closed afterwards). */
  openSession?: (config: ConnectionConfig) => OpenStackSession;
  /** Milliseconds, for `tookMs` (default: performance.now). */
  now?: () => number;
}

type Step = 'auth' | 'catalog' | 'list';

/** Kinds where the address is the most useful thing to add to the message. */
const addressKinds = new Set(['network', 'tls', 'timeout']);

function failed(step: Step, error: unknown, address: string | undefined): TestConnectionResult {
  const appError = toAppError(error);
  let data: AppErrorData = appError.toJSON();
  if (address !== undefined && addressKinds.has(appError.kind)) {
    const where = step === 'auth' ? `Keystone at ${address}` : `the image service at ${address}`;
    data = { ...data, message: `Could not talk to ${where}. ${appError.message}` };
  } else if (step === 'list' && appError.kind === 'not-found') {
    data = {
      ...data,
      message: `No image service (Glance v2) answers at ${address ?? 'the image endpoint'}. Check the image endpoint.`,
    };
  }
  // A token rejected by the image service is a sign-in problem, whatever step noticed it.
  return { ok: false, step: appError.kind === 'auth' ? 'auth' : step, error: data };
}

/**
 * What the user should know about the image endpoint the catalog gave: the token goes there
 * with every request. (An endpoint the profile names is the user's own choice; the profile
 * view warns about its scheme itself.)
 */
export function catalogWarnings(
  config: Pick<ConnectionConfig, 'authUrl'>,
  imageEndpoint: string,
): ConnectionWarning[] {
  const warnings: ConnectionWarning[] = [];
  const image = new URL(imageEndpoint);
  if (image.protocol === 'http:') {
    warnings.push({ code: 'plain-http', service: 'image', url: imageEndpoint });
  }
  if (config.authUrl !== undefined) {
    const authHost = new URL(config.authUrl).hostname;
    if (authHost !== image.hostname) {
      warnings.push({ code: 'image-host-differs', authHost, imageHost: image.hostname });
    }
  }
  return warnings;
}

export async function testConnection(
  config: ConnectionConfig,
  deps: TestConnectionDeps = {},
): Promise<TestConnectionResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  let session: OpenStackSession;
  try {
    session = deps.openSession ? deps.openSession(config) : new OpenStackSession(config);
  } catch (error) {
    return failed('auth', error, config.authUrl);
  }
  try {
    // With a token and an image endpoint there is no Keystone: the list is the sign-in.
    try {
      await session.token();
    } catch (error) {
      return failed('auth', error, config.authUrl);
    }

    let imageEndpoint: string;
    try {
      imageEndpoint = await session.imageEndpoint();
    } catch (error) {
      return failed('catalog', error, undefined);
    }

    let sampleCount: number;
    try {
      sampleCount = (await new GlanceClient(session).listImages({ limit: 1 })).images.length;
    } catch (error) {
      return failed('list', error, imageEndpoint);
    }

    const projectId = await session.projectId();
    return {
      ok: true,
      imageEndpoint,
      ...(projectId === null ? {} : { projectId }),
      tookMs: Math.round(now() - started),
      sampleCount,
      warnings: config.imageEndpoint === undefined ? catalogWarnings(config, imageEndpoint) : [],
    };
  } finally {
    if (!deps.openSession) await session.close();
  }
}
