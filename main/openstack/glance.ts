/**
 * Glance v2 over an OpenStackSession: images, their data, tags, members, and the
 * informational calls. Every failure is an AppError (see main/net/errors.ts).
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, isAppError, type ErrorDetails } from '../../common/errors';
import type {
  Image,
  ImageCreate,
  ImageListQuery,
  ImageMember,
  ImagePage,
  PatchOperation,
} from '../../common/image';
import { filterKeyRule, patchProblem, propertyProblem } from '../../common/properties';
import type { StoreChoice } from '../../common/import';
import type { OpenStackSession, ServiceRequest } from './keystone';
import { wrongImage, type StatusExplanation } from '../net/errors';
import type { HttpResponse } from '../net/transport';
import {
  checkedImage,
  createImageBody,
  imageListParams,
  markerFromNext,
  parseContentRange,
  toImage,
} from './image-format';

export interface ImageDownload {
  status: 200 | 206;
  /** undici's body: a Readable with `dump()` to discard it without an error. */
  body: HttpResponse['body'];
  contentLength: number | null;
  /** Glance sends the image's md5 checksum (hex) here. */
  contentMd5: string | null;
  contentRange: { start: number; end: number; total: number | null } | null;
  /** The response's strong ETag (a weak one cannot make a range conditional), if any. */
  etag: string | null;
}

export interface DownloadOptions {
  /** Start at this byte (sends `Range: bytes=N-`). */
  offset?: number;
  /** The last byte wanted (sends `Range: bytes=offset-end`, from 0 without `offset`). */
  end?: number;
  /**
   * With `offset`: the ETag the earlier bytes came with, sent as `If-Range`, so a server
   * whose image changed answers 200 with all of the new data instead of a range of it.
   */
  ifRange?: string;
  signal?: AbortSignal;
}

export interface UploadOptions {
  /** Bytes, when known: sent as Content-Length. */
  size?: number | null;
  signal?: AbortSignal;
  /** `PUT /file` only: the store to write to (`X-Image-Meta-Store`); absent: the default. */
  store?: string;
}

/** What `POST /import` names as its method (a glance-direct file is staged before). */
export type ImportCall =
  | { method: 'glance-direct' }
  | { method: 'web-download'; uri: string }
  | { method: 'copy-image' }
  | { method: 'glance-download'; region: string; imageId: string };

/** One of an image's tasks (`GET /v2/images/{id}/tasks`). */
export type ImageTask = z.output<typeof taskSchema>;

/** `/v2/info/import`: the import methods this Glance offers. */
export interface ImportInfo {
  methods: string[];
}

// What is read from Glance's answers, checked (see readJson): loose objects, since clouds
// send more than this.
const imagePageSchema = z.looseObject({
  images: z.array(checkedImage),
  next: z
    .string()
    .refine((next) => URL.canParse(next, 'http://glance.invalid'), 'Not a link.')
    .nullish(),
});

const memberSchema = z.looseObject({
  image_id: z.string(),
  member_id: z.string(),
  status: z.enum(['pending', 'accepted', 'rejected']),
  created_at: z.string(),
  updated_at: z.string(),
});

/** `/v2/schemas/image`: the create form reads the properties' `enum`s. */
const imageJsonSchema = z.looseObject({
  properties: z.record(z.string(), z.looseObject({ enum: z.array(z.unknown()).optional() })),
});

const importInfoSchema = z.looseObject({
  'import-methods': z.looseObject({ value: z.array(z.string()) }).optional(),
});

/** Glance writes some flags as strings: `"default": "true"` in /v2/info/stores. */
const flag = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true');

const storeSchema = z.looseObject({
  id: z.string(),
  description: z.string().optional(),
  default: flag.optional(),
  read_only: flag.optional(),
});

/** One entry of `/v2/info/stores`. */
export type ImageStore = z.output<typeof storeSchema>;

const storeDetailSchema = z.looseObject({ id: z.string(), type: z.string().optional() });

const taskSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  message: z.string().nullish(),
});

export type ImageMemberStatus = ImageMember['status'];

const jsonPatchType = 'application/openstack-images-v2.1-json-patch';

/** Images per page when the caller names no limit: Glance's own maximum by default. */
const defaultPageLimit = 1000;

function imagePath(id: string, rest = ''): string {
  return `/v2/images/${encodeURIComponent(id)}${rest}`;
}

/**
 * Whether a tag can go in the tag URL. Glance routes `/tags/a%2Fb` as a path with a slash
 * (404) and reads the URL's bytes as Latin-1, so `/tags/中文` would store mojibake: such
 * tags are written through the image's tag list instead.
 */
function urlSafeTag(tag: string): boolean {
  return /^[\x20-\x7e]*$/.test(tag) && !tag.includes('/');
}

function jsonBody(value: unknown): Pick<ServiceRequest, 'body' | 'headers'> {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

function headerValue(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? null : first;
}

/** Glance's 413 for members says `… Maximum: 128`. */
function memberLimitOf(error: AppError): number | undefined {
  const limit = /Maximum:\s*(\d+)/.exec(error.serverMessage ?? '')?.[1];
  return limit === undefined ? undefined : Number(limit);
}

/** A custom property Glance would refuse (common/properties.ts), refused before sending. */
function refusedProperty(problem: ErrorDetails): AppError {
  return new AppError({
    kind: 'validation',
    message: `Glance does not take this custom property (${problem.reason}).`,
    details: problem,
  });
}

export class GlanceClient {
  readonly #session: OpenStackSession;

  constructor(session: OpenStackSession) {
    this.#session = session;
  }

  /**
   * One page of images. `limit` is always sent: pages default to 25 images (Glance's
   * default, and Huawei IMS's), or to whatever a cloud's operator set.
   */
  async listImages(query: ImageListQuery = {}, signal?: AbortSignal): Promise<ImagePage> {
    const reserved = Object.keys(query.properties ?? {}).find(filterKeyRule);
    if (reserved !== undefined) {
      throw new AppError({
        kind: 'validation',
        message: `“${reserved}” is one of the image list's own parameters, not a property filter.`,
        details: { reason: 'filter-key-reserved', key: reserved },
      });
    }
    const data = await this.#session.json(
      {
        method: 'GET',
        path: '/v2/images',
        query: imageListParams({ ...query, limit: query.limit ?? defaultPageLimit }),
        ...(signal === undefined ? {} : { signal }),
      },
      imagePageSchema,
    );
    const page: ImagePage = { images: data.images.map(toImage) };
    const nextMarker = markerFromNext(data.next);
    if (nextMarker !== undefined) page.nextMarker = nextMarker;
    return page;
  }

  async getImage(id: string): Promise<Image> {
    return this.#image({ method: 'GET', path: imagePath(id) }, id);
  }

  async createImage(create: ImageCreate): Promise<Image> {
    for (const [key, value] of Object.entries(create.properties ?? {})) {
      const problem = propertyProblem(key, value);
      if (problem !== undefined) throw refusedProperty(problem);
    }
    return this.#image({
      method: 'POST',
      path: '/v2/images',
      ...jsonBody(createImageBody(create)),
    });
  }

  async updateImage(id: string, ops: PatchOperation[]): Promise<Image> {
    const problem = patchProblem(ops);
    if (problem !== undefined) throw refusedProperty(problem);
    return this.#image(
      {
        method: 'PATCH',
        path: imagePath(id),
        body: JSON.stringify(ops),
        headers: { 'content-type': jsonPatchType },
        explanations: {
          403: {
            details: { reason: 'edit-refused' },
            message:
              'The cloud refused the change: you do not own this image, or its policy does not allow this change.',
          },
        },
      },
      id,
    );
  }

  async deleteImage(id: string): Promise<void> {
    await this.#empty({
      method: 'DELETE',
      path: imagePath(id),
      explanations: {
        403: {
          details: { reason: 'delete-refused' },
          message:
            'The image is protected, or you are not allowed to delete it. Unprotect it first if you own it.',
        },
      },
    });
  }

  /** Admin only by default. */
  async deactivateImage(id: string): Promise<void> {
    await this.#empty({ method: 'POST', path: imagePath(id, '/actions/deactivate') });
  }

  async reactivateImage(id: string): Promise<void> {
    await this.#empty({ method: 'POST', path: imagePath(id, '/actions/reactivate') });
  }

  async addTag(id: string, tag: string): Promise<void> {
    if (urlSafeTag(tag)) {
      await this.#empty({ method: 'PUT', path: imagePath(id, `/tags/${encodeURIComponent(tag)}`) });
    } else {
      await this.#editTags(id, (tags) => (tags.includes(tag) ? tags : [...tags, tag]));
    }
  }

  async removeTag(id: string, tag: string): Promise<void> {
    if (urlSafeTag(tag)) {
      await this.#empty({
        method: 'DELETE',
        path: imagePath(id, `/tags/${encodeURIComponent(tag)}`),
      });
    } else {
      await this.#editTags(id, (tags) => tags.filter((t) => t !== tag));
    }
  }

  async listMembers(id: string): Promise<ImageMember[]> {
    const data = await this.#session.json(
      { method: 'GET', path: imagePath(id, '/members') },
      z.looseObject({ members: z.array(memberSchema) }),
    );
    return data.members;
  }

  /**
   * Shares an image (visibility `shared`) with a project; the member then accepts or rejects
   * it. Glance answers 403 both to an image that is not `shared` and to a user who may not
   * share it: the image is read to tell which.
   */
  async addMember(id: string, memberId: string): Promise<ImageMember> {
    try {
      return await this.#member({
        method: 'POST',
        path: imagePath(id, '/members'),
        ...jsonBody({ member: memberId }),
        explanations: {
          409: {
            details: { reason: 'member-exists', project: memberId },
            message: `The image is already shared with project ${memberId}.`,
          },
        },
      });
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.status === 413) {
        const limit = memberLimitOf(error);
        throw new AppError(
          {
            ...error.toJSON(),
            details: { reason: 'member-limit', ...(limit === undefined ? {} : { limit }) },
            message: `The image is shared with as many projects as the cloud allows (${limit ?? '?'}).`,
          },
          { cause: error },
        );
      }
      if (error.status !== 403) throw error;
      const visibility = await this.getImage(id).then(
        (image) => image.visibility,
        () => undefined,
      );
      const details: ErrorDetails =
        visibility === undefined || visibility === 'shared'
          ? { reason: 'share-not-allowed' }
          : { reason: 'share-needs-shared', visibility };
      throw new AppError(
        {
          ...error.toJSON(),
          details,
          message:
            details.reason === 'share-not-allowed'
              ? 'You are not allowed to share this image (only its owner may).'
              : `Only images with visibility “shared” can have members; this one is ${visibility}.`,
        },
        { cause: error },
      );
    }
  }

  /** Called by the member project itself, to accept or reject a shared image. */
  async updateMemberStatus(
    id: string,
    memberId: string,
    status: ImageMemberStatus,
  ): Promise<ImageMember> {
    return this.#member({
      method: 'PUT',
      path: imagePath(id, `/members/${encodeURIComponent(memberId)}`),
      ...jsonBody({ status }),
      explanations: {
        404: {
          details: { reason: 'not-a-member' },
          message: 'This image is not shared with your project (any more).',
        },
      },
    });
  }

  async removeMember(id: string, memberId: string): Promise<void> {
    await this.#empty({
      method: 'DELETE',
      path: imagePath(id, `/members/${encodeURIComponent(memberId)}`),
      explanations: {
        404: {
          details: { reason: 'member-missing', project: memberId },
          message: `The image is not shared with project ${memberId} (any more).`,
        },
      },
    });
  }

  /** `/v2/schemas/image`: the JSON schema of an image, with this cloud's custom property definitions. */
  async getImageSchema(): Promise<Record<string, unknown>> {
    return this.#session.json({ method: 'GET', path: '/v2/schemas/image' }, imageJsonSchema);
  }

  async getImportInfo(): Promise<ImportInfo> {
    const data = await this.#session.json(
      { method: 'GET', path: '/v2/info/import' },
      importInfoSchema,
    );
    return { methods: data['import-methods']?.value ?? [] };
  }

  /** `/v2/info/stores`; kind `unsupported` when the cloud has multiple stores turned off. */
  async getStores(): Promise<ImageStore[]> {
    const unsupported: StatusExplanation = {
      kind: 'unsupported',
      details: { reason: 'stores-not-listed' },
      message: 'This cloud does not list its image stores (multiple stores are not enabled).',
    };
    const data = await this.#session.json(
      {
        method: 'GET',
        path: '/v2/info/stores',
        explanations: { 404: unsupported, 410: unsupported },
      },
      z.looseObject({ stores: z.array(storeSchema) }),
    );
    return data.stores;
  }

  /** `/v2/info/stores/detail` (each store's type): null where the policy does not allow it. */
  async getStoreTypes(): Promise<Map<string, string> | null> {
    try {
      const data = await this.#session.json(
        { method: 'GET', path: '/v2/info/stores/detail' },
        z.looseObject({ stores: z.array(storeDetailSchema) }),
      );
      return new Map(
        data.stores.flatMap(({ id, type }) => (type === undefined ? [] : [[id, type]])),
      );
    } catch (error) {
      if (isAppError(error) && error.kind === 'forbidden') return null;
      throw error;
    }
  }

  /**
   * Interoperable image import into the stores chosen (none: the default store); Glance
   * does the work in the background, as a task (see listImageTasks).
   */
  async importImage(id: string, call: ImportCall, stores: StoreChoice = {}): Promise<void> {
    const method: Record<string, string> = { name: call.method };
    if (call.method === 'web-download') method.uri = call.uri;
    if (call.method === 'glance-download') {
      method.glance_region = call.region;
      method.glance_image_id = call.imageId;
    }
    const body: Record<string, unknown> = { method };
    if (stores.allStores) body.all_stores = true;
    else if (stores.stores !== undefined && stores.stores.length > 0) body.stores = stores.stores;
    if (stores.allStoresMustSucceed !== undefined) {
      body.all_stores_must_succeed = stores.allStoresMustSucceed;
    }
    await this.#empty({
      method: 'POST',
      path: imagePath(id, '/import'),
      ...jsonBody(body),
      explanations: {
        403: {
          details: { reason: 'import-refused', method: call.method },
          message: `The cloud's policy does not allow you this import (${call.method}).`,
        },
      },
    });
  }

  /** The image's tasks (its imports), oldest first. */
  async listImageTasks(id: string): Promise<ImageTask[]> {
    const data = await this.#session.json(
      { method: 'GET', path: imagePath(id, '/tasks') },
      z.looseObject({ tasks: z.array(taskSchema) }),
    );
    return data.tasks.toSorted((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Removes the image's data from one store (it must stay in another). */
  async deleteFromStore(storeId: string, id: string): Promise<void> {
    await this.#empty({
      method: 'DELETE',
      path: `/v2/stores/${encodeURIComponent(storeId)}/${encodeURIComponent(id)}`,
      explanations: {
        403: {
          details: { reason: 'store-delete-refused', store: storeId },
          message: `The cloud does not allow you to remove this image's data from store ${storeId}.`,
        },
        409: {
          details: { reason: 'unknown-store', store: storeId },
          message: `The cloud has no store ${storeId}, or the image is not active.`,
        },
      },
    });
  }

  /**
   * Opens the image data as a stream. The caller must consume or destroy `body`.
   * 204 (no data yet) fails with kind `conflict` and details `{ reason: 'no-data' }`.
   */
  async openDownload(id: string, opts: DownloadOptions = {}): Promise<ImageDownload> {
    const offset = opts.offset ?? 0;
    const headers: Record<string, string> = {};
    const ranged = offset > 0 || opts.end !== undefined;
    if (ranged) headers.range = `bytes=${offset}-${opts.end ?? ''}`;
    if (ranged && opts.ifRange !== undefined) headers['if-range'] = opts.ifRange;
    const res = await this.#session.request({
      method: 'GET',
      path: imagePath(id, '/file'),
      headers,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      explanations: {
        403: {
          details: { reason: 'download-refused' },
          message:
            'The cloud does not allow you to download this image’s data (the image may be deactivated, or its policy forbids downloads).',
        },
        416: {
          kind: 'bad-request',
          details: { reason: 'resume-past-end', offset },
          message: `The image data is shorter than ${offset} bytes, so the download cannot resume there.`,
        },
      },
    });
    if (res.status === 204) {
      await res.body.dump();
      throw new AppError({
        kind: 'conflict',
        status: 204,
        message:
          'This image has no data yet (it is still queued), so there is nothing to download.',
        details: { reason: 'no-data' },
      });
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body.dump();
      throw new AppError({
        kind: 'server',
        status: res.status,
        message: `The cloud answered the download with an unexpected status ${res.status}.`,
        details: { reason: 'unexpected-status', status: res.status },
      });
    }
    const length = Number(headerValue(res.headers['content-length']) ?? NaN);
    const etag = headerValue(res.headers.etag);
    return {
      status: res.status,
      body: res.body,
      contentLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
      contentMd5: headerValue(res.headers['content-md5']),
      contentRange: parseContentRange(headerValue(res.headers['content-range'])),
      // Only a strong entity tag (RFC 9110: `"…"`, no `W/`) may be used in If-Range.
      etag: /^"[\x21\x23-\x7e]*"$/.test(etag ?? '') ? etag : null,
    };
  }

  /** Streams the image data (`PUT /file`). The image must be queued (no data yet). */
  async uploadData(id: string, body: Readable, opts: UploadOptions = {}): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (opts.size !== undefined && opts.size !== null)
      headers['content-length'] = String(opts.size);
    if (opts.store !== undefined) headers['x-image-meta-store'] = opts.store;
    await this.#empty({
      method: 'PUT',
      path: imagePath(id, '/file'),
      headers,
      body,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      explanations: {
        403: {
          details: { reason: 'upload-refused' },
          message:
            'This cloud does not accept image data sent directly (its policy forbids it): import the file instead.',
        },
        409: {
          details: { reason: 'data-exists' },
          message:
            'This image already has data (or is not queued), and Glance never replaces the data of an image. Create a new image instead.',
        },
      },
    });
  }

  /** Streams the image data into the staging area (`PUT /stage`), for a glance-direct import. */
  async stageData(id: string, body: Readable, opts: UploadOptions = {}): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (opts.size !== undefined && opts.size !== null)
      headers['content-length'] = String(opts.size);
    await this.#empty({
      method: 'PUT',
      path: imagePath(id, '/stage'),
      headers,
      body,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      explanations: {
        404: {
          kind: 'unsupported',
          details: { reason: 'method-not-offered', method: 'glance-direct', offered: [] },
          message: 'This cloud does not offer the glance-direct import.',
        },
        409: {
          details: { reason: 'data-exists' },
          message:
            'This image already has data, or data waiting in the staging area. Create a new image instead.',
        },
      },
    });
  }

  /** Read, change and write back the tag list (not atomic: Glance has no conditional PATCH). */
  async #editTags(id: string, change: (tags: string[]) => string[]): Promise<void> {
    const { tags } = await this.getImage(id);
    const next = change(tags);
    if (next.length !== tags.length) {
      await this.updateImage(id, [{ op: 'replace', path: '/tags', value: next }]);
    }
  }

  /** The image a request answers with; it must be `expectedId`, when the request named one. */
  async #image(req: ServiceRequest, expectedId?: string): Promise<Image> {
    const image = toImage(await this.#session.json(req, checkedImage));
    if (expectedId !== undefined && image.id !== expectedId) {
      const { host } = new URL(await this.#session.imageEndpoint());
      throw wrongImage({ service: 'glance', host }, expectedId, image.id);
    }
    return image;
  }

  async #member(req: ServiceRequest): Promise<ImageMember> {
    return this.#session.json(req, memberSchema);
  }

  async #empty(req: ServiceRequest): Promise<void> {
    const res = await this.#session.request(req);
    await res.body.dump();
  }
}
