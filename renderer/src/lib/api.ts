/**
 * The renderer's only way to main: `window.api` (installed by the preload) with its
 * envelopes unwrapped. Every call resolves to its result or throws an AppError, which
 * i18n/known-errors.ts words for the user (its `message` is main's English, for logs).
 */
import type { Api, CallName, CallResult, Events } from '../../../common/contract';
import { AppError } from '../../../common/errors';

declare global {
  interface Window {
    api: Api;
  }
}

type Client = {
  [N in CallName]: (...args: Parameters<Api[N]>) => Promise<CallResult<N>>;
};

async function invoke(name: CallName, args: unknown[]): Promise<unknown> {
  const method = window.api[name] as (...a: unknown[]) => ReturnType<Api[CallName]>;
  const envelope = await method(...args);
  if (envelope.ok) return envelope.value;
  throw AppError.from(envelope.error);
}

export const api = new Proxy({} as Client, {
  get:
    (_target, name) =>
    (...args: unknown[]) =>
      invoke(name as CallName, args),
});

export function onEvent<E extends keyof Events>(
  event: E,
  listener: (payload: Events[E]) => void,
): () => void {
  return window.api.on(event, listener);
}

export function pathForFile(file: File): string {
  return window.api.pathForFile(file);
}
