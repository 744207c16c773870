/**
 * The image table's cell texts for one image in one locale. The table formats a row once
 * and keeps the result, so scrolling back over rows costs no Intl work.
 */
import type { Image } from '../../../common/image';
import { formatBytes, formatDate, formatNumber, type UiLocale } from './format';

export interface ImageCells {
  /** The status dot's colour: 'ok', 'warn', 'bad', or '' for a status we do not know. */
  tone: 'ok' | 'warn' | 'bad' | '';
  format: string;
  size: string;
  min: string;
  owner: string;
  tags: string;
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
  return {
    tone: (Object.hasOwn(statusTone, image.status) && statusTone[image.status]) || '',
    format: `${image.disk_format ?? '—'} / ${image.container_format ?? '—'}`,
    size: image.size ? formatBytes(image.size, locale) : '—',
    min: `${formatNumber(image.min_disk, locale)} GB / ${formatNumber(image.min_ram, locale)} MB`,
    owner: image.owner ?? '—',
    tags: image.tags.join(', '),
    updated: formatDate(image.updated_at, locale),
  };
}
