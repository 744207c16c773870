/**
 * Glance's metadata definitions (metadefs) for images, as main reads them for the property
 * editor: each namespace that applies to `OS::Glance::Image`, with its properties under
 * the keys an image carries them as (the resource type's prefix applied, e.g. `hw_`).
 * Types only; the texts are the cloud's own.
 */

export const metadefTypes = ['string', 'integer', 'number', 'boolean', 'array'] as const;
export type MetadefType = (typeof metadefTypes)[number];

export interface PropertyDefinition {
  /** The image property's key, prefix included. */
  key: string;
  title: string;
  description?: string;
  type: MetadefType;
  /** The values it takes (for an array: those of its items). */
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: string;
  /** Set by the cloud, not by people. */
  readonly?: boolean;
}

export interface MetadefNamespace {
  /** e.g. `OS::Compute::LibvirtImage`. */
  namespace: string;
  /** e.g. `libvirt Driver Options for Images`. */
  title: string;
  description?: string;
  properties: PropertyDefinition[];
}
