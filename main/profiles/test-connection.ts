/**
 * "Test connection": finds Keystone, signs in, finds the image endpoint, lists one image —
 * and when a step fails, says which one, where, and why (the error's reason: wrong password,
 * nothing listening, an untrusted certificate, no image service in the catalog, …), for the
 * renderer to word.
 */
import type { ConnectionConfig } from '../../common/connection';
import type { AppErrorData } from '../../common/errors';
import type { ConnectionWarning, TestConnectionResult, TestStep } from '../../common/profile';
import { toAppError } from '../net/errors';
import { GlanceClient } from '../openstack/glance';
import { OpenStackSession } from '../openstack/keystone';

export interface TestConnectionDeps {
  /** Builds the session to test (default: a new OpenStackSession, closed afterwards). */
  openSession?: (config: ConnectionConfig) => OpenStackSession;
  /** Milliseconds, for `tookMs` (default: performance.now). */
  now?: () => number;
}

/** Kinds where the address that could not be reached is worth naming. */
const addressKinds = new Set(['network', 'tls', 'timeout']);

function failed(step: TestStep, error: unknown, address: string | undefined): TestConnectionResult {
  const appError = toAppError(error);
  // A token rejected by the image service is a sign-in problem, whatever step noticed it.
  const failedStep = appError.kind === 'auth' ? 'auth' : step;
  if (step === 'list' && appError.kind === 'not-found' && address !== undefined) {
    const noImageApi: AppErrorData = {
      ...appError.toJSON(),
      message: `No image service (Glance v2) answers at ${address}. Check the image endpoint.`,
      details: { reason: 'no-image-api', url: address },
    };
    return { ok: false, step: failedStep, error: noImageApi };
  }
  return {
    ok: false,
    step: failedStep,
    error: appError.toJSON(),
    ...(address !== undefined && addressKinds.has(appError.kind) ? { address } : {}),
  };
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
    if (config.authUrl) {
      try {
        await session.identityUrl();
      } catch (error) {
        return failed('discovery', error, config.authUrl);
      }
    }
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
