/**
 * The activity log as a file for someone else: CSV (RFC 4180, UTF-8 with a byte-order mark
 * so that spreadsheet programs read non-Latin names right) or JSON. Column names are codes,
 * not sentences: the file is data, read the same in every language.
 */
import type { ActivityEntry } from '../../common/activity';

const columns = [
  'time',
  'cloud_id',
  'cloud',
  'action',
  'image_id',
  'image_name',
  'outcome',
  'error_kind',
  'http_status',
  'error_code',
  'request_id',
  'patch',
  'project',
  'copied_from',
] as const;

/**
 * One CSV cell. Text a spreadsheet would run as a formula (starting with = + - @, or a tab
 * or carriage return that hides one) gets a leading apostrophe; a cell with a comma, quote
 * or line break is quoted, its quotes doubled.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(entry: ActivityEntry): Record<(typeof columns)[number], string | number | undefined> {
  const { outcome } = entry;
  const failed = outcome.ok ? undefined : outcome;
  return {
    time: entry.time,
    cloud_id: entry.profileId,
    cloud: entry.profileName,
    action: entry.action,
    image_id: entry.imageId,
    image_name: entry.imageName,
    outcome: outcome.ok ? 'ok' : 'failed',
    error_kind: failed?.kind,
    http_status: failed?.status,
    error_code: failed?.code,
    request_id: failed?.requestId,
    patch: entry.patch === undefined ? undefined : JSON.stringify(entry.patch),
    project: entry.project,
    copied_from:
      entry.copiedFrom === undefined
        ? undefined
        : `${entry.copiedFrom.cloud} ${entry.copiedFrom.imageId}`,
  };
}

export function activityCsv(entries: readonly ActivityEntry[]): string {
  const lines = [columns.join(',')];
  for (const entry of entries) {
    const cells = row(entry);
    lines.push(columns.map((column) => csvCell(cells[column])).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function activityJson(entries: readonly ActivityEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
