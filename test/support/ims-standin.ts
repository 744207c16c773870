/**
 * A stand-in for Huawei Cloud's IAM and IMS on 127.0.0.1, answering as their API references
 * describe: IAM issues region-scoped tokens in `X-Subject-Token` like Keystone (the user's
 * domain is the account, the project is the region); IMS's OpenStack-native `/v2/images`
 * takes `__imagetype`, `__platform`, `__os_bit`, `__isregistered` and `member_status`, pages
 * 25 images unless asked for another `limit`, and carries `__image_size` (a string),
 * `virtual_env_type` and the `zvhd2` / `zvhd` disk formats. A fake is right here: no IMS
 * runs on loopback. Modelled on hostile-glance.ts, but well-behaved.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImsImage {
  id: string;
  name: string;
  /** `gold` (public), `private`, `shared` or `market`. */
  imagetype: 'gold' | 'private' | 'shared' | 'market';
  platform: string;
  osBit: '32' | '64';
  isRegistered: boolean;
  visibility: 'public' | 'private' | 'shared';
  protected: boolean;
  diskFormat: string;
  /** For a shared image: the member status of the caller's project. */
  memberStatus?: 'pending' | 'accepted' | 'rejected';
  data?: Buffer;
}

export interface ImsStandin {
  /** The IAM URL to sign in at, e.g. http://127.0.0.1:PORT/v3 */
  iamUrl: string;
  /** The IMS endpoint the catalog lists (when it lists one). */
  imsUrl: string;
  /** Every request received: method, path and query, headers. */
  requests: { method: string; url: URL; headers: IncomingHttpHeaders; body: string }[];
  stop(): Promise<void>;
}

/** The parts of a Keystone v3 sign-in the stand-in checks. */
interface TokenRequest {
  auth?: {
    identity?: {
      password?: { user?: { name?: string; password?: string; domain?: { name?: string } } };
    };
    scope?: { project?: { name?: string; domain?: { name?: string } } };
  };
}

export interface StandinOptions {
  account: string;
  user: string;
  password: string;
  region: string;
  /** Leave the image service out of the catalog (as where the catalog lists none). */
  catalogWithoutIms?: boolean;
}

/** IMS's answer for one image: Glance's fields plus its own. */
function imsImageJson(image: ImsImage): Record<string, unknown> {
  const size = image.data?.length ?? 0;
  return {
    id: image.id,
    name: image.name,
    status: 'active',
    visibility: image.visibility,
    protected: image.protected,
    disk_format: image.diskFormat,
    container_format: 'bare',
    size,
    virtual_size: null,
    min_disk: 40,
    min_ram: 1024,
    owner: 'f1e2d3c4b5a60718293a4b5c6d7e8f90',
    checksum: 'd41d8cd98f00b204e9800998ecf8427e',
    tags: [],
    created_at: '2026-03-01T08:00:00Z',
    updated_at: '2026-03-02T08:00:00Z',
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
    __imagetype: image.imagetype,
    __platform: image.platform,
    __os_bit: image.osBit,
    __isregistered: String(image.isRegistered),
    __os_type: image.platform === 'Windows' ? 'Windows' : 'Linux',
    __image_size: String(size),
    __image_source_type: 'uds',
    __data_origin: 'file',
    virtual_env_type: 'FusionCompute',
  };
}

/** The filters `/v2/images` applies, as IMS names them. */
function matches(image: ImsImage, query: URLSearchParams): boolean {
  const wants = (key: string, value: string) => !query.has(key) || query.get(key) === value;
  return (
    wants('__imagetype', image.imagetype) &&
    wants('__platform', image.platform) &&
    wants('__os_bit', image.osBit) &&
    wants('__isregistered', String(image.isRegistered)) &&
    wants('visibility', image.visibility) &&
    wants('protected', String(image.protected)) &&
    wants('disk_format', image.diskFormat) &&
    (!query.has('member_status') || query.get('member_status') === image.memberStatus)
  );
}

export async function startImsStandin(
  images: readonly ImsImage[],
  options: StandinOptions,
): Promise<ImsStandin> {
  const requests: ImsStandin['requests'] = [];
  const token = `MIIstandin-${options.region}-token`;
  let base = '';
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const tokenBody = () => ({
    token: {
      expires_at: new Date(Date.now() + 24 * 3600_000).toISOString(),
      methods: ['password'],
      catalog: options.catalogWithoutIms
        ? [{ type: 'compute', name: 'ecs', endpoints: [] }]
        : [
            {
              type: 'image',
              name: 'glance',
              endpoints: [
                {
                  interface: 'public',
                  region: options.region,
                  region_id: options.region,
                  url: base,
                },
              ],
            },
          ],
      project: { id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: options.region },
      user: { id: 'u-1', name: options.user, domain: { id: 'd-1', name: options.account } },
    },
  });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url, headers: req.headers, body });

      if (req.method === 'POST' && url.pathname === '/v3/auth/tokens') {
        const { auth } = JSON.parse(body) as TokenRequest;
        const user = auth?.identity?.password?.user;
        const project = auth?.scope?.project;
        const signedIn =
          user?.name === options.user &&
          user?.domain?.name === options.account &&
          user?.password === options.password &&
          project?.name === options.region &&
          (project?.domain === undefined || project.domain.name === options.account);
        if (!signedIn) {
          json(res, 401, { error: { code: 401, message: 'The username or password is wrong.' } });
          return;
        }
        res.setHeader('x-subject-token', token);
        json(res, 201, tokenBody());
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v3/auth/tokens') {
        if (req.headers['x-subject-token'] !== token) json(res, 404, { error: { code: 404 } });
        else json(res, 200, tokenBody());
        return;
      }
      if (req.headers['x-auth-token'] !== token) {
        json(res, 401, { error: { code: 401, message: 'Authentication required' } });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v2/images') {
        const limit = Number(url.searchParams.get('limit') ?? 25);
        const marker = url.searchParams.get('marker');
        const found = images.filter((image) => matches(image, url.searchParams));
        const start = marker === null ? 0 : found.findIndex((image) => image.id === marker) + 1;
        const page = found.slice(start, start + limit);
        const last = page.at(-1);
        const next = new URLSearchParams(url.searchParams);
        if (last) next.set('marker', last.id);
        json(res, 200, {
          images: page.map(imsImageJson),
          schema: '/v2/schemas/images',
          first: `/v2/images?${url.searchParams.toString()}`,
          ...(start + limit < found.length ? { next: `/v2/images?${next.toString()}` } : {}),
        });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v2/schemas/image') {
        // Glance's formats only: the app adds IMS's own for Huawei clouds.
        json(res, 200, {
          name: 'image',
          properties: {
            disk_format: { enum: [null, 'raw', 'qcow2', 'vhd', 'vmdk', 'iso'] },
            container_format: { enum: [null, 'bare', 'ovf'] },
            visibility: { enum: ['public', 'private', 'shared', 'community'] },
          },
        });
        return;
      }
      const parts = url.pathname.split('/').filter(Boolean);
      const image = images.find((candidate) => candidate.id === parts[2]);
      if (req.method === 'GET' && parts[1] === 'images' && image && parts.length === 3) {
        json(res, 200, imsImageJson(image));
        return;
      }
      if (req.method === 'GET' && image && parts[3] === 'file') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(image.data ?? Buffer.alloc(0));
        return;
      }
      json(res, 404, { code: 404, message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    iamUrl: `${base}/v3`,
    imsUrl: base,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
