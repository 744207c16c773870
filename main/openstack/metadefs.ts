/**
 * Glance's metadata definitions for images (`/v2/metadefs`): the namespaces that apply to
 * `OS::Glance::Image` and their properties, read once per cloud and kept. Each namespace
 * is read with `resource_type=OS::Glance::Image`, so Glance applies that resource type's
 * prefix (`hw_`, `cinder_`, …) and the keys are those an image carries.
 */
import { z } from 'zod';
import type { MetadefNamespace, MetadefType, PropertyDefinition } from '../../common/metadefs';
import { metadefTypes } from '../../common/metadefs';
import { Limiter } from '../async/limiter';
import type { OpenStackSession } from './keystone';
import { markerFromNext } from './image-format';

const resourceType = 'OS::Glance::Image';

const namespaceListSchema = z.looseObject({
  namespaces: z.array(z.looseObject({ namespace: z.string() })),
  next: z.string().nullish(),
});

const text = z.string().optional().catch(undefined);
const count = z.number().optional().catch(undefined);

/** A property as Glance describes it; what the editor cannot use is left out, not an error. */
const propertySchema = z.looseObject({
  type: z.string().optional(),
  title: text,
  description: text,
  enum: z.array(z.unknown()).optional().catch(undefined),
  items: z
    .looseObject({ type: z.string().optional(), enum: z.array(z.unknown()).optional() })
    .optional()
    .catch(undefined),
  minimum: count,
  maximum: count,
  minLength: count,
  maxLength: count,
  pattern: text,
  default: z.unknown().optional(),
  readonly: z.boolean().optional().catch(undefined),
});

const propertiesSchema = z.record(z.string(), propertySchema).optional();

const namespaceSchema = z.looseObject({
  namespace: z.string(),
  display_name: text,
  description: text,
  properties: propertiesSchema,
  objects: z
    .array(z.looseObject({ name: z.string(), properties: propertiesSchema }))
    .optional()
    .catch(undefined),
});

type PropertyJson = z.output<typeof propertySchema>;

const isType = (type: unknown): type is MetadefType =>
  (metadefTypes as readonly unknown[]).includes(type);

const strings = (values: unknown[] | undefined): string[] | undefined =>
  values?.filter((value) => value !== null).map(String);

function definition(key: string, json: PropertyJson, titlePrefix = ''): PropertyDefinition {
  const type = isType(json.type) ? json.type : 'string';
  const choices = strings(type === 'array' ? json.items?.enum : json.enum);
  const found: PropertyDefinition = { key, title: `${titlePrefix}${json.title ?? key}`, type };
  if (json.description) found.description = json.description;
  if (choices && choices.length > 0) found.enum = choices;
  for (const bound of ['minimum', 'maximum', 'minLength', 'maxLength'] as const) {
    const value = json[bound];
    if (value !== undefined) found[bound] = value;
  }
  if (json.pattern) found.pattern = json.pattern;
  if (json.default !== undefined && json.default !== null) found.default = String(json.default);
  if (json.readonly) found.readonly = true;
  return found;
}

/** A namespace's own properties, then its objects' (titled "Object: property"). */
function namespaceOf(json: z.output<typeof namespaceSchema>): MetadefNamespace {
  const properties = Object.entries(json.properties ?? {}).map(([key, property]) =>
    definition(key, property),
  );
  for (const object of json.objects ?? []) {
    for (const [key, property] of Object.entries(object.properties ?? {})) {
      properties.push(definition(key, property, `${object.name}: `));
    }
  }
  const found: MetadefNamespace = {
    namespace: json.namespace,
    title: json.display_name || json.namespace,
    properties: properties.sort((a, b) => a.key.localeCompare(b.key)),
  };
  if (json.description) found.description = json.description;
  return found;
}

/** Namespaces are read a few at a time. */
const readConcurrency = 4;

export class MetadefCatalog {
  readonly #session: OpenStackSession;
  #loaded: Promise<MetadefNamespace[]> | undefined;

  constructor(session: OpenStackSession) {
    this.#session = session;
  }

  /** The image namespaces, read on first use and kept (a failed read is tried again next time). */
  namespaces(reload = false): Promise<MetadefNamespace[]> {
    if (reload || this.#loaded === undefined) {
      const loading = this.#read();
      this.#loaded = loading;
      loading.catch(() => {
        if (this.#loaded === loading) this.#loaded = undefined;
      });
    }
    return this.#loaded;
  }

  async #read(): Promise<MetadefNamespace[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const query = new URLSearchParams({ resource_types: resourceType, limit: '100' });
      if (marker !== undefined) query.set('marker', marker);
      const page = await this.#session.json(
        { method: 'GET', path: '/v2/metadefs/namespaces', query },
        namespaceListSchema,
      );
      names.push(...page.namespaces.map((namespace) => namespace.namespace));
      const next = markerFromNext(page.next);
      marker = next === marker ? undefined : next;
    } while (marker !== undefined);
    const limiter = new Limiter(readConcurrency);
    const namespaces = await Promise.all(
      names.map((name) =>
        limiter.queue(async () =>
          namespaceOf(
            await this.#session.json(
              {
                method: 'GET',
                path: `/v2/metadefs/namespaces/${encodeURIComponent(name)}`,
                query: new URLSearchParams({ resource_type: resourceType }),
              },
              namespaceSchema,
            ),
          ),
        ),
      ),
    );
    return namespaces
      .filter((namespace) => namespace.properties.length > 0)
      .sort((a, b) => a.title.localeCompare(b.title));
  }
}
