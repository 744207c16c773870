// dispatch: the payload is validated before any handler runs, and whatever happens, an
// Envelope comes back (errors as data, unexpected ones generic and logged without secrets).
import { describe, expect, it, vi } from 'vitest';
import { calls, type CallName } from '../../../common/contract';
import { AppError } from '../../../common/errors';
import { dispatch, type Handlers } from '../../../main/ipc/handlers';

function fakeHandlers() {
  const handlers = Object.fromEntries(
    Object.keys(calls).map((name) => [name, vi.fn(async () => undefined)]),
  );
  return handlers as unknown as Handlers & Record<CallName, ReturnType<typeof vi.fn>>;
}

describe('dispatch', () => {
  it('runs the handler with the parsed input and wraps its result', async () => {
    const handlers = fakeHandlers();
    handlers.getImage.mockResolvedValue({ id: 'i-1' });
    const result = await dispatch(
      handlers,
      'getImage',
      { profileId: 'p', imageId: 'i-1' },
      {
        sender: 'frame',
      },
    );
    expect(result).toEqual({ ok: true, value: { id: 'i-1' } });
    expect(handlers.getImage).toHaveBeenCalledWith(
      { profileId: 'p', imageId: 'i-1' },
      { sender: 'frame' },
    );
  });

  it('rejects a bad payload with a validation error naming the field; the handler never runs', async () => {
    const handlers = fakeHandlers();
    const result = await dispatch(handlers, 'listImages', {
      profileId: 'p',
      query: { limit: 5000 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('validation');
    expect(result.error.message).toContain('query.limit');
    expect(handlers.listImages).not.toHaveBeenCalled();
  });

  it('rejects unknown fields, wrong types and missing payloads', async () => {
    const handlers = fakeHandlers();
    const payloads: [CallName, unknown][] = [
      ['deleteProfile', { id: 'p', extra: true }],
      ['deleteProfile', { id: 42 }],
      ['deleteProfile', undefined],
      ['listProfiles', { sneaky: 'payload' }],
      [
        'startImport',
        {
          profileId: 'p',
          imageId: 'i',
          source: { method: 'web-download', url: 'javascript:alert(1)' },
        },
      ],
      ['controlTransfer', { id: 't', action: 'explode' }],
      ['listImages', { profileId: 'p', query: {}, nextLimit: 0 }],
      ['listImages', { profileId: 'p', query: {}, nextLimit: 100_000 }],
    ];
    for (const [name, payload] of payloads) {
      const result = await dispatch(handlers, name, payload);
      expect(result, `${name} ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { kind: 'validation' },
      });
      expect(handlers[name]).not.toHaveBeenCalled();
    }
  });

  it('refuses a call name that is not in the contract', async () => {
    const handlers = fakeHandlers();
    for (const name of ['toString', '__proto__', 'runShellCommand']) {
      const result = await dispatch(handlers, name as CallName, undefined);
      expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    }
  });

  it('returns an AppError as its data, fields intact', async () => {
    const handlers = fakeHandlers();
    handlers.getImage.mockRejectedValue(
      new AppError({
        kind: 'forbidden',
        status: 403,
        message: 'Not yours.',
        serverMessage: 'Forbidden by policy',
        requestId: 'req-1',
      }),
    );
    const result = await dispatch(handlers, 'getImage', { profileId: 'p', imageId: 'i' });
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'forbidden',
        status: 403,
        message: 'Not yours.',
        serverMessage: 'Forbidden by policy',
        requestId: 'req-1',
      },
    });
  });

  it('turns any other error into an unexpected one and logs it without secrets', async () => {
    const handlers = fakeHandlers();
    const token = 'gAAAAABnSecretFernetToken0123456789abcdef';
    handlers.listProfiles.mockRejectedValue(new TypeError(`boom {"password": "hunter2"} ${token}`));
    const lines: string[] = [];
    const result = await dispatch(handlers, 'listProfiles', undefined, {
      log: (line) => lines.push(line),
    });
    expect(result).toEqual({
      ok: false,
      error: { kind: 'unexpected', message: 'Something went wrong inside Glance Desk.' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('listProfiles');
    expect(lines[0]).toContain('TypeError: boom');
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain(token);
  });

  it('does not log expected (AppError) failures', async () => {
    const handlers = fakeHandlers();
    handlers.listProfiles.mockRejectedValue(new AppError({ kind: 'auth' }));
    const log = vi.fn();
    await dispatch(handlers, 'listProfiles', undefined, { log });
    expect(log).not.toHaveBeenCalled();
  });
});
