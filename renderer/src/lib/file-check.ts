/**
 * The file check's outcome (common/disk-image.ts) in the UI's words: what the file is, its
 * facts, why it may not be sent, what to know before sending it. Names read from a file's
 * header (backing files, extents, volume labels) are untrusted text: control and bidi
 * characters are shown as their code points, so `evil\u202Egpj.exe` cannot pass for
 * `evilexe.jpg` and no name can break the line it is shown in.
 */
import {
  diskFormatMismatch,
  suggestUpload,
  type DetectedFormat,
  type DiskImage,
  type FileInspection,
} from '../../../common/disk-image';
import type { Say } from '../i18n/labels';

const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** `text` with control, format (bidi) and line-separator characters shown as `[U+XXXX]`. */
export function visibleText(text: string): string {
  return text.replace(
    invisible,
    (char) => `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}

const formatNames: Record<DetectedFormat, string> = {
  raw: 'raw',
  qcow2: 'QCOW2',
  vmdk: 'VMDK',
  vhd: 'VHD',
  vhdx: 'VHDX',
  vdi: 'VDI',
  iso: 'ISO 9660',
  gzip: 'gzip',
  xz: 'xz',
  zstd: 'zstd',
  bzip2: 'bzip2',
  zip: 'zip',
  qed: 'QED',
  luks: 'LUKS',
};

const compressions: ReadonlySet<DetectedFormat> = new Set(['gzip', 'xz', 'zstd', 'bzip2', 'zip']);

/** The name of a detected format, as the UI says it. */
export function formatName(say: Say, format: DetectedFormat): string {
  if (format === 'raw') return say('fileCheck.raw');
  if (compressions.has(format)) {
    return say('fileCheck.compressedFile', { format: formatNames[format] });
  }
  return formatNames[format];
}

/** The facts worth knowing about an image beyond its format and size, one line each. */
function facts(say: Say, image: DiskImage, bytes: (n: number) => string): string[] {
  const lines = [say('fileCheck.fileSize', { size: bytes(image.fileSize) })];
  switch (image.format) {
    case 'qcow2':
      lines.push(say('fileCheck.version', { version: image.version }));
      if (image.backingFile !== null) {
        lines.push(say('fileCheck.backingFile', { name: visibleText(image.backingFile) }));
      }
      if (image.externalDataFile !== null) {
        const { name } = image.externalDataFile;
        lines.push(
          name === null
            ? say('fileCheck.dataFileUnnamed')
            : say('fileCheck.dataFile', { name: visibleText(name) }),
        );
      }
      if (image.encryption !== null) {
        lines.push(say('fileCheck.encryption', { method: image.encryption }));
      }
      if (image.compression !== 'zlib') {
        lines.push(say('fileCheck.compression', { method: image.compression }));
      }
      if (image.snapshotCount > 0) {
        lines.push(say('fileCheck.snapshots', { count: image.snapshotCount }));
      }
      break;
    case 'vmdk': {
      if (image.createType !== null) {
        lines.push(say('fileCheck.variant', { variant: visibleText(image.createType) }));
      }
      const others = image.extents.filter((extent) => extent.inOtherFile && extent.fileName);
      if (others.length > 0) {
        const names = others.map((extent) => visibleText(extent.fileName ?? '')).join(', ');
        lines.push(say('fileCheck.extents', { names }));
      }
      if (image.parentFileName !== null) {
        lines.push(say('fileCheck.backingFile', { name: visibleText(image.parentFileName) }));
      }
      break;
    }
    case 'vhd':
      lines.push(say('fileCheck.variant', { variant: image.type }));
      if (image.parentName !== null) {
        lines.push(say('fileCheck.backingFile', { name: visibleText(image.parentName) }));
      }
      break;
    case 'vdi':
      lines.push(say('fileCheck.variant', { variant: image.type }));
      break;
    case 'iso':
      if (image.volumeId !== '') {
        lines.push(say('fileCheck.volumeId', { name: visibleText(image.volumeId) }));
      }
      break;
    case 'qed':
      if (image.backingFile !== null) {
        lines.push(say('fileCheck.backingFile', { name: visibleText(image.backingFile) }));
      }
      break;
    case 'luks':
      lines.push(say('fileCheck.version', { version: image.version }));
      break;
  }
  return lines;
}

/** What the dialog shows about a checked file. */
export interface FileCheckView {
  /** One line: the format and the virtual size. */
  summary: string;
  facts: string[];
  /** Why it must not be sent; empty: it may be sent. */
  refusals: string[];
  warnings: string[];
}

export function fileCheckView(
  say: Say,
  inspection: FileInspection,
  bytes: (n: number) => string,
): FileCheckView {
  const suggestion = suggestUpload(inspection);
  const refusals = suggestion.refuse.map((reason) => say(`fileCheck.refuse.${reason}`));
  const warnings = suggestion.warn.map((reason) => say(`fileCheck.warn.${reason}`));
  switch (inspection.status) {
    case 'image': {
      const { image } = inspection;
      const format = formatName(say, image.format);
      return {
        summary:
          image.virtualSize === null
            ? say('fileCheck.summaryNoSize', { format })
            : say('fileCheck.summary', { format, size: bytes(image.virtualSize) }),
        facts: facts(say, image, bytes),
        refusals,
        warnings,
      };
    }
    case 'damaged': {
      const { damaged } = inspection;
      return {
        summary: say('fileCheck.damagedAt', {
          format: formatName(say, damaged.format),
          field: visibleText(damaged.field),
        }),
        facts: [say('fileCheck.fileSize', { size: bytes(damaged.fileSize) })],
        refusals,
        warnings,
      };
    }
    case 'empty':
    case 'not-a-file':
      return { summary: refusals[0] ?? '', facts: [], refusals, warnings };
  }
}

/** The warning for a chosen disk format that does not describe the file, if it does not. */
export function mismatchText(
  say: Say,
  inspection: FileInspection,
  chosen: string,
): string | undefined {
  if (!chosen) return undefined;
  const mismatch = diskFormatMismatch(inspection, chosen);
  if (mismatch === null) return undefined;
  const content = formatName(say, mismatch.content);
  return mismatch.suggested === null
    ? say('fileCheck.mismatchNone', { chosen, content })
    : say('fileCheck.mismatch', { chosen, content, suggested: mismatch.suggested });
}
