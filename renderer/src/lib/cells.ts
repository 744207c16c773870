/**
 * The image table's cell texts for one image in one locale. The table formats a row once
 * and keeps the result, so scrolling back over rows costs no Intl work.
 */
import type { Image } from '../../../common/image';
import { imageStores } from '../../../common/import';
import { formatQuantity, statusLabel, visibilityLabel, type Say } from '../i18n/labels';
import { translate } from '../i18n/translate';
import { formatBytes, formatDate, type UiLocale } from './format';

export interface ImageCells {
  /** The status dot's colour: 'ok', 'warn', 'bad', or '' for a status we do not know. */
  tone: 'ok' | 'warn' | 'bad' | '';
  status: string;
  visibility: string;
  format: string;
  size: string;
  min: string;
  owner: string;
  tags: string;
  /** The stores holding the image's data (multiple stores). */
  stores: string;
  updated: string;
}

const statusTone: Partial<Record<string, ImageCells['tone']>> = {
  active: 'ok',
  queued: 'warn',
  saving: 'warn',
  uploading: 'warn',
  importing: 'warn',
  killed: 'bad',
  deactivated: 'bad',
  pending_delete: 'bad',
  deleted: 'bad',
};

export function imageCells(image: Image, locale: UiLocale): ImageCells {
  const say: Say = (key, params) => translate(locale, key, params);
  return {
    tone: (Object.hasOwn(statusTone, image.status) && statusTone[image.status]) || '',
    status: statusLabel(say, image.status),
    visibility: visibilityLabel(say, image.visibility),
    format: `${image.disk_format ?? '—'} / ${image.container_format ?? '—'}`,
    size: image.size === null ? '—' : formatBytes(image.size, locale),
    min: `${formatQuantity(locale, image.min_disk, 'gigabyte')} / ${formatQuantity(locale, image.min_ram, 'megabyte')}`,
    owner: image.owner ?? '—',
    tags: image.tags.join(', '),
    stores: imageStores(image).join(', ') || '—',
    updated: formatDate(image.updated_at, locale),
  };
}
