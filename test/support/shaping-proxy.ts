/**
 * A traffic-shaping TCP proxy for tests and the bench: it sits on 127.0.0.1 in front of a
 * real server and makes each connection behave like one flow over a long, shaped link, as
 * a far-away cloud looks through per-flow shaping at the provider or a VPN:
 *
 * - each connection moves at most `bytesPerSecond` each way (a token bucket per direction,
 *   main/transfers/token-bucket.ts), so several connections get several times the rate;
 * - every byte arrives `delayMs` after the shaper let it go (one-way delay), and a new
 *   connection's first bytes wait one round trip more (the TCP handshake);
 * - bytes keep their order, and each direction holds at most `maxQueuedBytes`: beyond that
 *   the sending side is paused (backpressure), so memory stays bounded.
 *
 * It contacts only 127.0.0.1, and delays are bounded so that a test can never hang on it.
 */
import { createServer, connect, type Socket } from 'node:net';
import { TokenBucket } from '../../main/transfers/token-bucket';

export interface ShapingOptions {
  /** Per connection and direction. */
  bytesPerSecond: number;
  /** One way: a round trip takes twice this. */
  delayMs: number;
  /** Bytes one direction of a connection may hold before it pauses its source (default 4 MiB). */
  maxQueuedBytes?: number;
}

export interface ShapingProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** The longest one-way delay allowed. */
const maxDelayMs = 10_000;
/** The shaper lets bytes go in pieces of at most this size, so that slow rates stay smooth. */
const pieceBytes = 16 * 1024;

/**
 * The burst a connection may send at once: enough for 10 ms at the rate, so that timers
 * firing a few milliseconds late (they do, under load) cost no throughput.
 */
export function burstBytes(bytesPerSecond: number): number {
  return Math.max(64 * 1024, Math.round(bytesPerSecond / 100));
}

/** One direction of one connection: the shaper (token bucket), then the delay line. */
class ShapedDirection {
  private readonly shaping: Buffer[] = [];
  private readonly delayLine: { chunk: Buffer; dueAt: number }[] = [];
  private queuedBytes = 0;
  private shapeTimer: NodeJS.Timeout | null = null;
  private deliverTimer: NodeJS.Timeout | null = null;
  private blocked = false;
  private ended = false;
  private stopped = false;
  /** Close the destination once everything is delivered (its peer is gone). */
  private lastWords = false;
  private readonly bucket: TokenBucket;

  constructor(
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly options: Required<ShapingOptions> & { notBefore: number },
  ) {
    this.bucket = new TokenBucket(
      options.bytesPerSecond,
      burstBytes(options.bytesPerSecond),
      performance.now(),
    );
    source.on('data', (chunk: Buffer) => this.push(chunk));
    source.on('end', () => {
      this.ended = true;
      this.deliver();
    });
    destination.on('drain', () => {
      this.blocked = false;
      this.deliver();
    });
  }

  /** The source is gone after a clean end: deliver what it sent, then close the destination. */
  finishAndClose(): void {
    this.lastWords = true;
    this.deliver();
  }

  /** Drops what is queued: the destination is gone. */
  stop(): void {
    this.stopped = true;
    if (this.shapeTimer) clearTimeout(this.shapeTimer);
    if (this.deliverTimer) clearTimeout(this.deliverTimer);
    this.shaping.length = 0;
    this.delayLine.length = 0;
  }

  private push(chunk: Buffer): void {
    if (this.stopped) return;
    for (let at = 0; at < chunk.length; at += pieceBytes) {
      this.shaping.push(chunk.subarray(at, at + pieceBytes));
    }
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > this.options.maxQueuedBytes) this.source.pause();
    this.shape();
  }

  private shape(): void {
    if (this.shapeTimer !== null) return;
    let now = performance.now();
    while (this.shaping.length > 0) {
      const wait = Math.max(this.bucket.wait(now), this.options.notBefore - now);
      if (wait > 0) {
        this.shapeTimer = setTimeout(() => {
          this.shapeTimer = null;
          this.shape();
        }, wait);
        break;
      }
      const chunk = this.shaping.shift() as Buffer;
      this.bucket.take(chunk.length, now);
      this.delayLine.push({ chunk, dueAt: now + this.options.delayMs });
      now = performance.now();
    }
    this.deliver();
  }

  private deliver(): void {
    if (this.deliverTimer !== null || this.stopped) return;
    const now = performance.now();
    while (!this.blocked && this.delayLine.length > 0) {
      const next = this.delayLine[0] as { chunk: Buffer; dueAt: number };
      if (next.dueAt > now) {
        this.deliverTimer = setTimeout(() => {
          this.deliverTimer = null;
          this.deliver();
        }, next.dueAt - now);
        return;
      }
      this.delayLine.shift();
      this.queuedBytes -= next.chunk.length;
      if (!this.destination.write(next.chunk)) this.blocked = true;
    }
    if (this.queuedBytes <= this.options.maxQueuedBytes / 2) this.source.resume();
    if (this.ended && this.queuedBytes === 0) {
      if (this.lastWords) this.destination.end(() => this.destination.destroy());
      else this.destination.end();
    }
  }
}

export async function startShapingProxy(
  target: string | URL,
  shape: ShapingOptions,
): Promise<ShapingProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== '127.0.0.1' && upstream.hostname !== 'localhost') {
    throw new Error('the shaping proxy only forwards to 127.0.0.1');
  }
  if (!(shape.bytesPerSecond > 0) || !(shape.delayMs >= 0 && shape.delayMs <= maxDelayMs)) {
    throw new RangeError(
      `the shaping proxy needs a positive rate and a delay of 0–${maxDelayMs} ms`,
    );
  }
  const options = { maxQueuedBytes: 4 * 1024 * 1024, ...shape };
  const sockets = new Set<Socket>();
  const directions = new Set<ShapedDirection>();
  let connections = 0;

  const server = createServer({ allowHalfOpen: true }, (client) => {
    connections += 1;
    const acceptedAt = performance.now();
    const server = connect({ port: Number(upstream.port), host: '127.0.0.1', allowHalfOpen: true });
    const upload = new ShapedDirection(client, server, {
      ...options,
      notBefore: acceptedAt + 2 * options.delayMs,
    });
    const download = new ShapedDirection(server, client, { ...options, notBefore: 0 });
    const killBoth = () => {
      for (const direction of [upload, download]) {
        direction.stop();
        directions.delete(direction);
      }
      client.destroy();
      server.destroy();
    };
    directions.add(upload).add(download);
    const onClose = (socket: Socket, from: ShapedDirection, into: ShapedDirection) => {
      sockets.add(socket);
      socket.on('error', killBoth);
      socket.on('close', () => {
        sockets.delete(socket);
        // Reset or destroyed: cut the other side too, as a broken link would.
        if (!socket.readableEnded) return killBoth();
        // Ended cleanly: what it sent still arrives, then the other side is closed.
        into.stop();
        from.finishAndClose();
      });
    };
    onClose(client, upload, download);
    onClose(server, download, upload);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    get connections() {
      return connections;
    },
    async close() {
      for (const direction of directions) direction.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
