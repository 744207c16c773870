/**
 * A fault-injecting HTTP/1.1 TCP proxy for tests: it sits on 127.0.0.1 in front of a real
 * server and, for the requests a rule matches, cuts the connection after N response bytes,
 * stalls it, answers an error status or a response of its own, or flips a byte. It parses
 * just enough HTTP to find where each request starts (request heads and Content-Length
 * bodies); after a chunked request body it stops looking at that connection and only relays.
 * Only 127.0.0.1 is ever contacted, and stalls are bounded.
 */
import { STATUS_CODES } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';

export type Fault =
  /** Forward `afterBytes` bytes of the response, then destroy both sides. */
  | { kind: 'cut'; afterBytes: number }
  /** Forward `afterBytes` bytes, send nothing for `ms`, then cut the connection. */
  | { kind: 'stall'; afterBytes: number; ms: number }
  /** Answer `status` without asking the server, and close. */
  | { kind: 'status'; status: number }
  /** Answer this response without asking the server (a server sending bad data), and close. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body: string }
  /** Invert the bits of the response byte at `atByte` (counted from the status line). */
  | { kind: 'flip'; atByte: number }
  /** Remove the request's Range header, as a server or proxy that ignores ranges would. */
  | { kind: 'drop-range' }
  /** Forward `afterBytes` bytes of the request body (an upload), then destroy both sides. */
  | { kind: 'cut-upload'; afterBytes: number }
  /**
   * Forward `afterBytes` bytes of the request body, then drop the rest for `ms` (the proxy
   * keeps reading, so it still sees the client leave), then cut.
   */
  | { kind: 'stall-upload'; afterBytes: number; ms: number }
  /** Invert the bits of the request body byte at `atByte` (an upload that arrives corrupted). */
  | { kind: 'flip-upload'; atByte: number };

export interface Rule {
  /** Tested against "METHOD /path?query"; default: every request. */
  match?: RegExp;
  fault: Fault;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  fault: Fault['kind'] | null;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  addRule(rule: Rule): void;
  clearRules(): void;
  /** Every request that went through, in order. */
  readonly requests: SeenRequest[];
  /** Rules not yet used up. */
  pendingRules(): number;
  close(): Promise<void>;
}

/** The whole HTTP response for a fault that answers instead of the server. */
function injectedResponse(fault: Extract<Fault, { kind: 'status' | 'respond' }>): string {
  const reason = STATUS_CODES[fault.status] ?? 'Error';
  const { headers, body } =
    fault.kind === 'respond'
      ? { headers: { 'content-type': 'application/json', ...fault.headers }, body: fault.body }
      : {
          headers: { 'content-type': 'text/html' },
          body: `<html><body><h1>${fault.status} ${reason}</h1>Injected by the fault proxy.</body></html>`,
        };
  const head = Object.entries({
    ...headers,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${fault.status} ${reason}\r\n${head.join('')}\r\n${body}`;
}

/** The longest stall allowed, so that a test can never hang on the proxy. */
const maxStallMs = 30_000;

export async function startFaultProxy(target: string | URL): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== '127.0.0.1' && upstream.hostname !== 'localhost') {
    throw new Error('the fault proxy only forwards to 127.0.0.1');
  }
  const rules: (Rule & { left: number })[] = [];
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (line: string): Fault | null => {
    const rule = rules.find((r) => r.left > 0 && (r.match?.test(line) ?? true));
    if (!rule) return null;
    rule.left -= 1;
    return rule.fault;
  };

  const server: Server = createServer((client) => {
    const server = connect(Number(upstream.port), '127.0.0.1');
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const killBoth = () => {
      client.destroy();
      server.destroy();
    };
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    // Backpressure both ways: the proxy holds no more than a socket buffer.
    const toClient = (chunk: Buffer) => {
      if (!client.write(chunk)) server.pause();
    };
    const toServer = (chunk: Buffer) => {
      if (!server.write(chunk)) client.pause();
    };
    client.on('drain', () => {
      if (!stalled) server.resume();
    });
    server.on('drain', () => client.resume());
    const killLater = (ms: number) => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          killBoth();
        },
        Math.min(ms, maxStallMs),
      );
      timers.add(timer);
    };

    // Request side: find each request head, decide its fault, relay.
    let head = Buffer.alloc(0);
    let bodyLeft = 0;
    let opaque = false;
    // Response side: the fault of the request being answered, and its byte count.
    let fault: Fault | null = null;
    let responseBytes = 0;
    let requestBodyBytes = 0;
    let stalled = false;
    let uploadStalled = false;

    client.on('data', (data: Buffer) => {
      if (uploadStalled) return;
      if (opaque) {
        toServer(data);
        return;
      }
      let rest = data;
      while (rest.length > 0) {
        if (bodyLeft > 0) {
          const part = rest.subarray(0, bodyLeft);
          bodyLeft -= part.length;
          const bodyOffset = requestBodyBytes;
          requestBodyBytes += part.length;
          if (
            (fault?.kind === 'cut-upload' || fault?.kind === 'stall-upload') &&
            requestBodyBytes > fault.afterBytes
          ) {
            toServer(part.subarray(0, Math.max(0, fault.afterBytes - bodyOffset)));
            if (fault.kind === 'cut-upload') killBoth();
            else {
              uploadStalled = true;
              killLater(fault.ms);
            }
            return;
          }
          if (fault?.kind === 'flip-upload') {
            const at = fault.atByte - bodyOffset;
            if (at >= 0 && at < part.length) {
              const flipped = Buffer.from(part);
              flipped[at] = (flipped[at] ?? 0) ^ 0xff;
              toServer(flipped);
              rest = rest.subarray(part.length);
              continue;
            }
          }
          toServer(part);
          rest = rest.subarray(part.length);
          continue;
        }
        head = Buffer.concat([head, rest]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headText = head.subarray(0, end).toString('latin1');
        rest = head.subarray(end + 4);
        const requestHead = head.subarray(0, end + 4);
        head = Buffer.alloc(0);
        const [requestLine = '', ...headerLines] = headText.split('\r\n');
        const [method = '', path = ''] = requestLine.split(' ');
        const headers: Record<string, string> = {};
        for (const line of headerLines) {
          const colon = line.indexOf(':');
          if (colon > 0)
            headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const chosen = takeFault(`${method} ${path}`);
        requests.push({ method, path, headers, fault: chosen?.kind ?? null });
        if (chosen?.kind === 'status' || chosen?.kind === 'respond') {
          client.end(injectedResponse(chosen));
          server.destroy();
          return;
        }
        fault = chosen;
        responseBytes = 0;
        requestBodyBytes = 0;
        toServer(
          chosen?.kind === 'drop-range'
            ? Buffer.from(requestHead.toString('latin1').replace(/\r\nrange:[^\r]*/i, ''), 'latin1')
            : requestHead,
        );
        if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
          opaque = true;
          toServer(rest);
          return;
        }
        bodyLeft = Number(headers['content-length'] ?? 0);
      }
    });

    server.on('data', (data: Buffer) => {
      if (stalled) return;
      if (fault === null) {
        toClient(data);
        return;
      }
      const start = responseBytes;
      responseBytes += data.length;
      if (fault.kind === 'flip') {
        if (fault.atByte >= start && fault.atByte < responseBytes) {
          data = Buffer.from(data);
          const index = fault.atByte - start;
          data[index] = (data[index] ?? 0) ^ 0xff;
        }
        toClient(data);
        return;
      }
      if ((fault.kind !== 'cut' && fault.kind !== 'stall') || responseBytes <= fault.afterBytes) {
        toClient(data);
        return;
      }
      toClient(data.subarray(0, fault.afterBytes - start));
      if (fault.kind === 'cut') {
        killBoth();
        return;
      }
      stalled = true;
      server.pause();
      killLater(fault.ms);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    addRule(rule) {
      rules.push({ ...rule, left: rule.times ?? 1 });
    },
    clearRules() {
      rules.length = 0;
    },
    pendingRules() {
      return rules.filter((rule) => rule.left > 0).length;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
