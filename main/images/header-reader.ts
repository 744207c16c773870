/**
 * Bounded reads of a disk image's headers at known offsets, and typed field access that
 * turns every out-of-range offset into a HeaderDamage rather than a RangeError.
 */
import type { FileHandle } from 'node:fs/promises';

/** A header that ends early or contradicts itself; `field` names the part (e.g. 'header'). */
export class HeaderDamage extends Error {
  constructor(
    readonly damage: 'truncated' | 'malformed',
    readonly field: string,
  ) {
    super(`${damage} ${field}`);
    this.name = 'HeaderDamage';
  }
}

/** The most any one read asks for: a qcow2 header cluster (2 MiB) is the largest header. */
export const maxReadBytes = 2 << 20;

/** A value from a 64-bit field as a number, or damage if it is beyond 2^53. */
export function safeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeaderDamage('malformed', field);
  return Number(value);
}

/** A part of the file read into memory, with typed fields; `part` names it in damage. */
export class HeaderBytes {
  constructor(
    readonly buffer: Buffer,
    private readonly part: string,
  ) {}

  get length(): number {
    return this.buffer.length;
  }

  private at(offset: number, size: number): number {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.buffer.length) {
      throw new HeaderDamage('malformed', this.part);
    }
    return offset;
  }

  u8(offset: number): number {
    return this.buffer.readUInt8(this.at(offset, 1));
  }
  u16le(offset: number): number {
    return this.buffer.readUInt16LE(this.at(offset, 2));
  }
  u16be(offset: number): number {
    return this.buffer.readUInt16BE(this.at(offset, 2));
  }
  u32le(offset: number): number {
    return this.buffer.readUInt32LE(this.at(offset, 4));
  }
  u32be(offset: number): number {
    return this.buffer.readUInt32BE(this.at(offset, 4));
  }
  u64le(offset: number): bigint {
    return this.buffer.readBigUInt64LE(this.at(offset, 8));
  }
  u64be(offset: number): bigint {
    return this.buffer.readBigUInt64BE(this.at(offset, 8));
  }

  bytes(offset: number, length: number): Buffer {
    return this.buffer.subarray(this.at(offset, length), offset + length);
  }

  /** Whether `magic` is at `offset` (false where the buffer is too short). */
  has(magic: Uint8Array, offset = 0): boolean {
    return (
      offset + magic.length <= this.buffer.length &&
      this.buffer.subarray(offset, offset + magic.length).equals(magic)
    );
  }
}

/** Reads parts of one open file whose size is known; never more than `maxReadBytes` at once. */
export class HeaderReader {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Up to `length` bytes at `offset`: fewer where the file ends. */
  async readUpTo(offset: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    if (wanted > maxReadBytes) throw new HeaderDamage('malformed', 'read-size');
    const buffer = Buffer.alloc(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await this.handle.read(
        buffer,
        filled,
        wanted - filled,
        offset + filled,
      );
      if (bytesRead === 0) break; // the file shrank since it was opened
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  }

  /** Exactly `length` bytes at `offset`, or 'truncated' damage naming `part`. */
  async read(offset: number, length: number, part: string): Promise<HeaderBytes> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new HeaderDamage('malformed', part);
    if (offset + length > this.size) throw new HeaderDamage('truncated', part);
    const buffer = await this.readUpTo(offset, length);
    if (buffer.length < length) throw new HeaderDamage('truncated', part);
    return new HeaderBytes(buffer, part);
  }
}

/** Text stored in a header: up to the first NUL, at most `maxChars` characters. */
export function headerText(bytes: Buffer, encoding: 'utf8' | 'latin1', maxChars = 4096): string {
  const end = bytes.indexOf(0);
  return (end === -1 ? bytes : bytes.subarray(0, end)).toString(encoding).slice(0, maxChars);
}

/** A table of offsets into the file (a qcow2 L1 table, a VHD block allocation table…). */
export interface OffsetTable {
  offset: number;
  entries: number;
  entryBytes: number;
  /** The byte offset an entry points to; 0 (or null) for an entry that points nowhere. */
  target: (table: HeaderBytes, at: number) => bigint | null;
  part: string;
}

/**
 * 'truncated' damage naming the table's part unless the table, and everything it points
 * to, starts inside the file: a file cut short (a download that stopped) loses the
 * clusters its tables point to. A table larger than one read is checked for its own bounds only.
 */
export async function checkTableInside(reader: HeaderReader, table: OffsetTable): Promise<void> {
  const bytes = table.entries * table.entryBytes;
  if (table.offset + bytes > reader.size) throw new HeaderDamage('truncated', table.part);
  if (bytes > maxReadBytes) return;
  const entries = await reader.read(table.offset, bytes, table.part);
  for (let at = 0; at < bytes; at += table.entryBytes) {
    const target = table.target(entries, at);
    if (target !== null && target !== 0n && target >= BigInt(reader.size)) {
      throw new HeaderDamage('truncated', table.part);
    }
  }
}
