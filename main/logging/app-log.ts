/**
 * The app's log file, for support: one JSON object a line (ISO time, level, event code,
 * fields) in `<data folder>/logs/main.log`, rotated by size into main.log.1 … .N by
 * rotating-file-stream, so the folder never holds more than (N + 1) files of about
 * `maxFileBytes`. Every string is scrubbed of secrets before it is written. Writing the log
 * never fails the app: if the file cannot be written, lines go to stderr instead.
 */
import { join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { scrubSecrets } from '../net/scrub';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface AppLogOptions {
  /** The folder of the log files (created when missing). */
  dir: string;
  /** A file is rotated once it reaches this size. Default 1 MiB. */
  maxFileBytes?: number;
  /** Rotated files kept besides main.log. Default 3. */
  rotatedFiles?: number;
  /** Where lines go when the file cannot be written. Default: stderr. */
  fallback?: (line: string) => void;
}

export const logFileName = 'main.log';

const redacted = '[redacted]';
/** Fields whose value is a secret whatever it looks like. */
const secretField = /pass(word|phrase)?|secret|token|authorization|cookie|credential/i;
/** user:password@ in a URL (a proxy, an auth URL typed with credentials). */
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** `text` without known secrets, token-like strings, secret JSON fields or URL credentials. */
export function scrubLogText(text: string, secrets: readonly string[] = []): string {
  return scrubSecrets(text, secrets).replace(urlCredentials, `$1${redacted}@`);
}

function scrubFields(fields: LogFields, secrets: readonly string[]): Record<string, LogValue> {
  const clean: Record<string, LogValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (secretField.test(key) && value !== null && typeof value !== 'boolean') {
      clean[key] = redacted;
    } else {
      clean[key] = typeof value === 'string' ? scrubLogText(value, secrets) : value;
    }
  }
  return clean;
}

export class AppLog {
  readonly dir: string;
  readonly #stream: RotatingFileStream;
  readonly #fallback: (line: string) => void;
  #broken = false;
  #lastWrite: Promise<void> = Promise.resolve();

  constructor(options: AppLogOptions) {
    this.dir = options.dir;
    this.#fallback = options.fallback ?? ((line) => process.stderr.write(`${line}\n`));
    this.#stream = createStream(logFileName, {
      path: options.dir,
      size: `${options.maxFileBytes ?? 1024 * 1024}B`,
      rotate: options.rotatedFiles ?? 3,
    });
    this.#stream.on('error', (error) => {
      this.#broken = true;
      this.#fallback(this.#format('error', 'log.unwritable', { message: String(error) }, []));
    });
  }

  /** The current log file. */
  get file(): string {
    return join(this.dir, logFileName);
  }

  info(event: string, fields: LogFields = {}, secrets: readonly string[] = []): void {
    this.#write('info', event, fields, secrets);
  }

  warn(event: string, fields: LogFields = {}, secrets: readonly string[] = []): void {
    this.#write('warn', event, fields, secrets);
  }

  error(event: string, fields: LogFields = {}, secrets: readonly string[] = []): void {
    this.#write('error', event, fields, secrets);
  }

  /** Resolves once every line logged so far is in the file. */
  flush(): Promise<void> {
    return this.#lastWrite;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#broken || this.#stream.destroyed) return;
    await new Promise<void>((resolve) => this.#stream.end(resolve));
  }

  #write(level: LogLevel, event: string, fields: LogFields, secrets: readonly string[]): void {
    const line = this.#format(level, event, fields, secrets);
    if (this.#broken || this.#stream.writableEnded) {
      this.#fallback(line);
      return;
    }
    this.#lastWrite = new Promise((resolve) => {
      this.#stream.write(`${line}\n`, (error) => {
        if (error) this.#fallback(line);
        resolve();
      });
    });
  }

  #format(level: LogLevel, event: string, fields: LogFields, secrets: readonly string[]): string {
    return JSON.stringify({
      time: new Date().toISOString(),
      level,
      event,
      ...scrubFields(fields, secrets),
    });
  }
}
