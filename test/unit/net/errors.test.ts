import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import {
  extractServerMessage,
  httpError,
  kindForStatus,
  toAppError,
} from '../../../main/net/errors';

// Bodies as Glance (webob) and Keystone send them.
const glance400 = `<html>
 <head>
  <title>400 Bad Request</title>
 </head>
 <body>
  <h1>400 Bad Request</h1>
  limit param must be an integer<br /><br />



 </body>
</html>`;

const glance404 = `<html>
 <head>
  <title>404 Not Found</title>
 </head>
 <body>
  <h1>404 Not Found</h1>
  No image found with ID 5b3a&#x27;x&#x27; &amp; more<br /><br />
 </body>
</html>`;

const bareHtml =
  '<html><head><title>503 Service Unavailable</title></head><body><h1>503 Service Unavailable</h1></body></html>';

const keystone401 = JSON.stringify({
  error: {
    code: 401,
    message: 'The request you have made requires authentication.',
    title: 'Unauthorized',
  },
});

// The same error as Glance sends it for Accept: application/json, and with no Accept header.
const glance400Json =
  '{"message": "limit param must be an integer<br /><br />\\n\\n\\n", "code": "400 Bad Request", "title": "Bad Request"}';
const glance404Text = '404 Not Found\n\nNo image found with ID nope\n\n   ';

describe('extractServerMessage', () => {
  it("cleans the HTML out of Glance's JSON message", () => {
    expect(extractServerMessage(glance400Json, 'application/json')).toBe(
      'limit param must be an integer',
    );
  });

  it("drops the status line of webob's plain-text page", () => {
    expect(extractServerMessage(glance404Text, 'text/plain; charset=UTF-8')).toBe(
      'No image found with ID nope',
    );
  });

  it("takes the message line under Glance's <h1>", () => {
    expect(extractServerMessage(glance400, 'text/html; charset=UTF-8')).toBe(
      'limit param must be an integer',
    );
  });

  it('decodes HTML entities', () => {
    expect(extractServerMessage(glance404, 'text/html')).toBe(
      "No image found with ID 5b3a'x' & more",
    );
  });

  it('falls back to the heading when the page has no message line', () => {
    expect(extractServerMessage(bareHtml, 'text/html')).toBe('503 Service Unavailable');
  });

  it("reads Keystone's error.message", () => {
    expect(extractServerMessage(keystone401, 'application/json')).toBe(
      'The request you have made requires authentication.',
    );
  });

  it('reads message, title, error_msg and Nova-style nested messages', () => {
    expect(extractServerMessage('{"message":"m1"}', 'application/json')).toBe('m1');
    expect(extractServerMessage('{"title":"t1"}', 'application/json')).toBe('t1');
    expect(extractServerMessage('{"error_code":"IMG.0001","error_msg":"h1"}', undefined)).toBe(
      'h1',
    );
    expect(extractServerMessage('{"itemNotFound":{"message":"n1","code":404}}', undefined)).toBe(
      'n1',
    );
  });

  it('keeps plain text, collapses whitespace, and says nothing for an empty body', () => {
    expect(extractServerMessage('  Service\n unavailable  ', 'text/plain')).toBe(
      'Service unavailable',
    );
    expect(extractServerMessage('   ', 'text/html')).toBeUndefined();
    expect(extractServerMessage('{}', 'application/json')).toBeUndefined();
  });

  it('cuts very long messages', () => {
    const message = extractServerMessage('x'.repeat(2000), 'text/plain');
    expect(message?.length).toBeLessThan(510);
  });
});

describe('kindForStatus', () => {
  it.each([
    [400, 'bad-request'],
    [401, 'auth'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [413, 'unsupported'],
    [415, 'unsupported'],
    [416, 'bad-request'],
    [501, 'unsupported'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ] as const)('%i is %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('httpError', () => {
  it('carries status, kind, server message and request id', () => {
    const err = httpError({
      status: 400,
      headers: { 'content-type': 'text/html', 'x-openstack-request-id': 'req-1234' },
      body: glance400,
    });
    expect(err).toBeInstanceOf(AppError);
    expect(err.toJSON()).toEqual({
      kind: 'bad-request',
      status: 400,
      message: 'The cloud rejected the request as invalid.',
      serverMessage: 'limit param must be an integer',
      requestId: 'req-1234',
    });
  });

  it('uses x-compute-request-id when there is no x-openstack-request-id', () => {
    const err = httpError({ status: 500, headers: { 'x-compute-request-id': 'req-9' }, body: '' });
    expect(err.requestId).toBe('req-9');
    expect(err.kind).toBe('server');
  });

  it("applies the caller's explanation for a status", () => {
    const err = httpError({
      status: 404,
      headers: {},
      body: '',
      explanations: {
        404: {
          kind: 'unsupported',
          details: { reason: 'stores-not-listed' },
          message: 'No stores here.',
        },
      },
    });
    expect(err.kind).toBe('unsupported');
    expect(err.details).toEqual({ reason: 'stores-not-listed' });
    expect(err.message).toBe('No stores here.');
    expect(err.status).toBe(404);
  });

  it.each([
    [405, 'unsupported', 'not-allowed-here'],
    [413, 'unsupported', 'too-large'],
    [416, 'bad-request', 'range-outside'],
    [429, 'server', 'busy'],
    [503, 'server', 'unavailable'],
  ] as const)('gives %i its own reason', (status, kind, reason) => {
    const err = httpError({ status, headers: {}, body: '' });
    expect([err.kind, err.details]).toEqual([kind, { reason }]);
  });

  it('scrubs secrets the server echoes back', () => {
    const token = 'gAAAAABnAbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc';
    const err = httpError({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `bad token ${token} for password hunter22` }),
      secrets: ['hunter22'],
    });
    expect(err.serverMessage).toBe('bad token [redacted] for password [redacted]');
    expect(JSON.stringify(err.toJSON())).not.toMatch(/hunter22|gAAAAAB/);
  });
});

function nodeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('toAppError', () => {
  const reasonOf = (err: unknown) => {
    const appError = toAppError(err);
    return [appError.kind, appError.details];
  };

  it('maps connection failures to network, each with its reason', () => {
    expect(reasonOf(nodeError('ECONNREFUSED'))).toEqual([
      'network',
      { reason: 'connection-refused' },
    ]);
    expect(toAppError(nodeError('ECONNREFUSED')).message).toMatch(/nothing is listening/);
    expect(reasonOf(nodeError('ENOTFOUND'))).toEqual(['network', { reason: 'host-not-found' }]);
    expect(reasonOf(nodeError('EAI_AGAIN'))).toEqual(['network', { reason: 'dns-failed' }]);
    expect(reasonOf(nodeError('ECONNRESET'))).toEqual([
      'network',
      { reason: 'connection-dropped' },
    ]);
    expect(reasonOf(nodeError('EWHATEVER'))).toEqual([
      'network',
      { reason: 'network-error', code: 'EWHATEVER' },
    ]);
    expect(reasonOf(new Error('no code'))).toEqual(['network', { reason: 'network-error' }]);
  });

  it('finds the code inside an AggregateError (dual-stack connect) and a cause chain', () => {
    const aggregate = Object.assign(
      new AggregateError([nodeError('ECONNREFUSED'), nodeError('ECONNREFUSED')]),
      { code: 'ECONNREFUSED' },
    );
    expect(toAppError(aggregate).details).toEqual({ reason: 'connection-refused' });
    const socket = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: nodeError('ECONNRESET'),
    });
    expect(toAppError(socket).details).toEqual({ reason: 'connection-dropped' });
  });

  it('maps untrusted certificates to tls with a plain explanation', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]) {
      expect(reasonOf(nodeError(code))).toEqual(['tls', { reason: 'untrusted-certificate' }]);
    }
    expect(reasonOf(nodeError('CERT_HAS_EXPIRED'))).toEqual([
      'tls',
      { reason: 'certificate-expired' },
    ]);
    expect(reasonOf(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'))).toEqual([
      'tls',
      { reason: 'certificate-wrong-host' },
    ]);
    expect(reasonOf(nodeError('ERR_SSL_WRONG_VERSION_NUMBER'))).toEqual([
      'tls',
      { reason: 'not-https' },
    ]);
    expect(reasonOf(nodeError('ERR_SSL_OTHER'))).toEqual([
      'tls',
      { reason: 'tls-error', code: 'ERR_SSL_OTHER' },
    ]);
  });

  it('maps undici timeouts to timeout', () => {
    expect(reasonOf(nodeError('UND_ERR_CONNECT_TIMEOUT'))).toEqual([
      'timeout',
      { reason: 'connect-timeout' },
    ]);
    expect(reasonOf(nodeError('UND_ERR_HEADERS_TIMEOUT'))).toEqual([
      'timeout',
      { reason: 'answer-timeout' },
    ]);
    expect(reasonOf(nodeError('UND_ERR_BODY_TIMEOUT'))).toEqual([
      'timeout',
      { reason: 'body-timeout' },
    ]);
  });

  it('maps aborts to cancelled', () => {
    expect(toAppError(new DOMException('This operation was aborted', 'AbortError')).kind).toBe(
      'cancelled',
    );
    expect(toAppError(nodeError('UND_ERR_ABORTED')).kind).toBe('cancelled');
  });

  it('passes an AppError through untouched', () => {
    const original = new AppError({ kind: 'integrity' });
    expect(toAppError(original)).toBe(original);
  });

  it('never copies the raw error text into the message', () => {
    const err = toAppError(new Error('connect to http://u:secretpw@proxy failed'));
    expect(err.message).not.toMatch(/secretpw/);
    expect(JSON.stringify(err.toJSON())).not.toMatch(/secretpw/);
  });
});
