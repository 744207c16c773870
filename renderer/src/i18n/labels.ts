/**
 * Glance's own words (image status, visibility) and the units of its fields, in a UI
 * language. Pure: the caller passes its `t` and locale (index.svelte.ts, the current ones).
 */
import type { MessageKey } from './en';

/** Translates a key (index.svelte.ts's `t`). */
export type Say = (key: MessageKey, params?: Record<string, string | number>) => string;

const statusKeys: Partial<Record<string, MessageKey>> = {
  queued: 'imageStatus.queued',
  saving: 'imageStatus.saving',
  uploading: 'imageStatus.uploading',
  importing: 'imageStatus.importing',
  active: 'imageStatus.active',
  deactivated: 'imageStatus.deactivated',
  killed: 'imageStatus.killed',
  deleted: 'imageStatus.deleted',
  pending_delete: 'imageStatus.pending_delete',
};

const visibilityKeys: Partial<Record<string, MessageKey>> = {
  public: 'visibility.public',
  private: 'visibility.private',
  shared: 'visibility.shared',
  community: 'visibility.community',
};

/** A Glance image status in `locale`; one this app does not know is shown as the cloud sent it. */
export function statusLabel(say: Say, status: string): string {
  const key = Object.hasOwn(statusKeys, status) ? statusKeys[status] : undefined;
  return key ? say(key) : status;
}

/** A Glance visibility in `locale`; one this app does not know is shown as the cloud sent it. */
export function visibilityLabel(say: Say, visibility: string): string {
  const key = Object.hasOwn(visibilityKeys, visibility) ? visibilityKeys[visibility] : undefined;
  return key ? say(key) : visibility;
}

/** Glance's min_disk is in GB, min_ram in MB. */
export type FieldUnit = 'gigabyte' | 'megabyte';

const unitFormats = new Map<string, Intl.NumberFormat>();
function unitFormat(locale: string, unit: FieldUnit): Intl.NumberFormat {
  const key = `${locale}|${unit}`;
  let format = unitFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' });
    unitFormats.set(key, format);
  }
  return format;
}

/** A number of `unit`s with the locale's digits and short unit name, e.g. "1,024 MB". */
export function formatQuantity(locale: string, value: number, unit: FieldUnit): string {
  return unitFormat(locale, unit).format(value);
}

/** The locale's short name of `unit` ("GB"), for a field label. */
export function unitName(locale: string, unit: FieldUnit): string {
  const parts = unitFormat(locale, unit).formatToParts(1);
  return parts.find((part) => part.type === 'unit')?.value ?? unit;
}
