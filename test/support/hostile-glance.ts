/**
 * A hostile image service for security tests: a small HTTP server on 127.0.0.1 that speaks
 * just enough of Glance v2 (list, show, file) to be used through a token + image-endpoint
 * profile, and lies the way a compromised server or a man in the middle would: names and
 * ids built to escape the download folder, more bytes than announced, huge or malformed
 * JSON, wrong types, another image than the one asked for. A fake is right here: a real
 * Glance will not lie. Every answer is bounded (endless bodies stop after `maxBytes`).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `GET /v2/images/{id}` (and the list entry) answers for one image. */
export type Detail =
  /** A JSON object; the list shows the same object. */
  | { kind: 'json'; body: Record<string, unknown> }
  /** These exact bytes with a JSON content type (malformed JSON, a wrong top-level type). */
  | { kind: 'raw'; body: string }
  /** A JSON-looking body of `bytes` bytes that never ends where a parser would like it to. */
  | { kind: 'huge'; bytes: number };

/** What `GET /v2/images/{id}/file` sends. */
export interface FileAnswer {
  data: Buffer;
  /** Bytes sent after `data` (the image's `size` announces only `data`). */
  extraBytes?: number;
}

export interface HostileImage {
  /** The id the client asks for (the path segment); the answer may claim another. */
  id: string;
  /** Left out of `GET /v2/images` (which lists every other image with a JSON detail). */
  unlisted?: boolean;
  detail: Detail;
  file?: FileAnswer;
}

export interface HostileGlance {
  /** The image endpoint, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Every request line received ("GET /v2/images?limit=…"), in order. */
  requests: string[];
  /** Bytes of image data written to clients, per image id. */
  bytesSent: Map<string, number>;
  stop(): Promise<void>;
}

/** Glance's image fields, filled in for a well-formed image whose data is `data`. */
export function imageFor(
  id: string,
  data: Buffer,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name: `image ${id}`,
    status: 'active',
    visibility: 'private',
    protected: false,
    os_hidden: false,
    disk_format: 'raw',
    container_format: 'bare',
    size: data.length,
    virtual_size: null,
    min_disk: 0,
    min_ram: 0,
    checksum: createHash('md5').update(data).digest('hex'),
    os_hash_algo: 'sha512',
    os_hash_value: createHash('sha512').update(data).digest('hex'),
    owner: 'hostile-project',
    tags: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    self: `/v2/images/${id}`,
    file: `/v2/images/${id}/file`,
    schema: '/v2/schemas/image',
    ...fields,
  };
}

const chunk = Buffer.alloc(64 * 1024, 0x61);

function writeBody(res: ServerResponse, detail: Detail): void {
  res.setHeader('content-type', 'application/json');
  if (detail.kind === 'json') {
    res.end(JSON.stringify(detail.body));
    return;
  }
  if (detail.kind === 'raw') {
    res.end(detail.body);
    return;
  }
  // '{"id":"aaaa…' that goes on for `bytes` bytes: a parser that reads it all runs out of memory.
  res.write('{"id":"');
  let left = detail.bytes;
  const pump = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('"}');
  };
  res.on('close', () => (left = 0));
  pump();
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  image: HostileImage,
  sent: Map<string, number>,
): void {
  const file = image.file;
  if (!file) {
    res.writeHead(204).end();
    return;
  }
  const extra = file.extraBytes ?? 0;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const body = file.data.subarray(Math.min(start, file.data.length));
  const total = file.data.length;
  res.writeHead(range ? 206 : 200, {
    'content-type': 'application/octet-stream',
    ...(range ? { 'content-range': `bytes ${start}-${total - 1}/${total}` } : {}),
    // No length: the extra bytes would otherwise be cut by the HTTP layer, not by the app.
  });
  let left = body.length + extra;
  let offset = 0;
  const count = (n: number) => sent.set(image.id, (sent.get(image.id) ?? 0) + n);
  const pump = () => {
    while (left > 0) {
      const piece =
        offset < body.length
          ? body.subarray(offset, offset + 64 * 1024)
          : chunk.subarray(0, Math.min(chunk.length, left));
      offset += piece.length;
      left -= piece.length;
      count(piece.length);
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => (left = 0));
  pump();
}

export interface HostileOptions {
  /** What `GET /v2/images` answers instead of the listed images. */
  list?: Detail;
}

export async function startHostileGlance(
  images: readonly HostileImage[],
  options: HostileOptions = {},
): Promise<HostileGlance> {
  const byId = new Map(images.map((image) => [image.id, image]));
  const requests: string[] = [];
  const bytesSent = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://hostile');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'GET' && url.pathname === '/v2/images' && options.list) {
      writeBody(res, options.list);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v2/images') {
      const listed = images.flatMap((image) =>
        image.detail.kind === 'json' && !image.unlisted ? [image.detail.body] : [],
      );
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ images: listed, schema: '/v2/schemas/images', first: '/v2/images' }),
      );
      return;
    }
    const image = parts[0] === 'v2' && parts[1] === 'images' ? byId.get(parts[2] ?? '') : undefined;
    if (req.method === 'GET' && image && parts.length === 3) {
      writeBody(res, image.detail);
      return;
    }
    if (req.method === 'GET' && image && parts.length === 4 && parts[3] === 'file') {
      sendFile(req, res, image, bytesSent);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found', code: '404 Not Found', title: 'Not Found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bytesSent,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
