/**
 * The failures main marks with machine-readable details (main/transfers: no data, a
 * deactivated image, a stall, a hash or size mismatch, more bytes than announced, a full or
 * read-only disk, no permission, a path outside the download folder; a server answer main
 * refused), said in the UI's own words with the details filled in. Main's English
 * message stays the fallback for everything else.
 */
import type { AppErrorData } from '../../../common/errors';
import type { TransferKind } from '../../../common/transfer';
import { secretNeededDetails, type SecretNeededDetails } from '../../../common/secret-binding';
import { statusLabel, type Say } from './labels';

/** Where the error happened, when the words depend on it. */
export interface ErrorContext {
  /** The error is a transfer's: a mismatch means something else for a download than for an upload. */
  transfer?: TransferKind;
}

/**
 * The dictionary's message for `error` (in `say`'s language, sizes said by `sayBytes`), or
 * undefined when it is not a known one.
 */
export function knownErrorMessage(
  say: Say,
  error: AppErrorData,
  context: ErrorContext = {},
  sayBytes: (bytes: number) => string = String,
): string | undefined {
  const details = error.details ?? {};
  const text = (key: string) => {
    const value = details[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const count = (key: string) => {
    const value = details[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  switch (error.kind) {
    case 'conflict': {
      if (text('reason') === 'no-data') return say('error.noData');
      const status = text('imageStatus');
      if (context.transfer === 'upload' && status && status !== 'queued') {
        return say('error.alreadyHasData', { status: statusLabel(say, status) });
      }
      return undefined;
    }
    case 'forbidden':
      if (text('reason') === 'deactivated' || text('imageStatus') === 'deactivated') {
        return say('error.deactivated');
      }
      return undefined;
    case 'timeout': {
      const seconds = count('seconds');
      if (text('reason') !== 'stalled' || seconds === undefined) return undefined;
      const retries = count('retries');
      return retries === undefined
        ? say('error.stalled', { seconds })
        : say('error.stalledGaveUp', { seconds, count: retries });
    }
    case 'integrity': {
      const announced = count('expectedBytes');
      if (text('reason') === 'too-many-bytes' && announced !== undefined) {
        return say('error.tooManyBytes', { size: sayBytes(announced) });
      }
      const [algorithm, expected, actual] = [text('algorithm'), text('expected'), text('actual')];
      if (algorithm && expected && actual) {
        if (context.transfer === 'download') {
          return say('error.downloadHashMismatch', { algorithm, expected, actual });
        }
        if (context.transfer === 'upload') {
          return say('error.uploadHashMismatch', { algorithm, expected, actual });
        }
        return undefined;
      }
      const [expectedBytes, actualBytes] = [count('expectedBytes'), count('actualBytes')];
      if (expectedBytes === undefined || actualBytes === undefined) return undefined;
      if (context.transfer === 'download') {
        return say('error.downloadSizeMismatch', { expected: expectedBytes, actual: actualBytes });
      }
      if (context.transfer === 'upload') {
        // main/transfers/upload.ts: expected = the file's bytes, actual = what Glance stored.
        return say('error.uploadSizeMismatch', { file: expectedBytes, stored: actualBytes });
      }
      return undefined;
    }
    case 'filesystem': {
      const path = text('path');
      if (!path) return undefined;
      // A download that ran out of space is paused, keeping its .part (main/transfers/download.ts).
      const needed = count('bytesNeeded');
      switch (text('code')) {
        case 'ENOSPC':
          return needed === undefined
            ? say('error.diskFull', { path })
            : say('error.diskFullPaused', { path, size: sayBytes(needed) });
        case 'EDQUOT':
          return needed === undefined
            ? say('error.quotaFull', { path })
            : say('error.quotaFullPaused', { path, size: sayBytes(needed) });
        case 'EROFS':
          return say('error.readOnly', { path });
        case 'EACCES':
        case 'EPERM':
          return say('error.noPermission', { path });
        default:
          return undefined;
      }
    }
    case 'validation': {
      const secretNeeded = secretNeededDetails(details);
      if (secretNeeded) return secretNeededMessage(say, secretNeeded);
      const folder = text('folder');
      if (text('reason') === 'outside-folder' && folder)
        return say('error.outsideFolder', { folder });
      return undefined;
    }
    case 'server':
      return badAnswerMessage(say, text, count('limitBytes'));
    default:
      return undefined;
  }
}

/**
 * A server's answer main refused (main/net/errors.ts): not JSON, too large, of the wrong
 * shape, another image than asked for, a link to plain http or to another scheme.
 */
function badAnswerMessage(
  say: Say,
  text: (key: string) => string | undefined,
  limitBytes: number | undefined,
): string | undefined {
  const host = text('host');
  if (host === undefined) return undefined;
  const service = say(
    text('service') === 'keystone' ? 'error.service.keystone' : 'error.service.glance',
  );
  switch (text('reason')) {
    case 'bad-answer': {
      const field = text('field');
      return field === undefined
        ? say('error.badAnswerShape', { service, host })
        : say('error.badAnswer', { service, host, field });
    }
    case 'not-json':
      return say('error.notJson', { service, host });
    case 'answer-too-large':
      return limitBytes === undefined
        ? undefined
        : say('error.answerTooLarge', { service, host, size: limitBytes / 2 ** 20 });
    case 'wrong-image': {
      const [expected, actual] = [text('expected'), text('actual')];
      return expected && actual ? say('error.wrongImage', { host, expected, actual }) : undefined;
    }
    case 'https-downgrade': {
      const url = text('url');
      return url ? say('error.httpsDowngrade', { host, url }) : undefined;
    }
    case 'bad-scheme': {
      const scheme = text('scheme');
      return scheme ? say('error.badScheme', { host, scheme }) : undefined;
    }
    default:
      return undefined;
  }
}

/** Main's refusal to use a saved secret where it was not entered for (main/profiles/store.ts). */
export function secretNeededMessage(say: Say, needed: SecretNeededDetails): string {
  if (needed.secret === 'proxy-credentials') {
    return needed.changed === undefined
      ? say('error.proxyCredentialsGone')
      : say('error.proxyCredentialsNeeded');
  }
  const secret = say(`secret.${needed.secret}`);
  return needed.changed === undefined
    ? say('error.secretGone', { secret })
    : say('error.secretNeeded', { secret, setting: say(`setting.${needed.changed}`) });
}
