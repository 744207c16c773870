/**
 * What main reports, said in the UI's language: every reason (common/errors.ts) from its
 * code and typed fields, an error without one by its kind. The switch over reasons is
 * exhaustive, so a reason without words does not compile. Main's English `message` is for
 * its log and is never shown.
 */
import type {
  AppErrorData,
  ErrorDetails,
  ErrorKind,
  InvalidValue,
  LostSetting,
  PathUse,
  ReasonDetails,
} from '../../../common/errors';
import type { SecretNeededDetails } from '../../../common/secret-binding';
import type { MessageKey } from './en';
import { statusLabel, visibilityLabel, type Say } from './labels';

/** How the UI's language says things: its dictionary, byte sizes and lists. */
export interface Speech {
  say: Say;
  bytes: (bytes: number) => string;
  list: (items: string[]) => string;
}

export const kindKeys: Record<ErrorKind, MessageKey> = {
  auth: 'error.auth',
  forbidden: 'error.forbidden',
  'not-found': 'error.not-found',
  conflict: 'error.conflict',
  'bad-request': 'error.bad-request',
  unsupported: 'error.unsupported',
  server: 'error.server',
  network: 'error.network',
  tls: 'error.tls',
  timeout: 'error.timeout',
  cancelled: 'error.cancelled',
  validation: 'error.validation',
  integrity: 'error.integrity',
  filesystem: 'error.filesystem',
  settings: 'error.settings',
  unexpected: 'error.unexpected',
};

/** `error` in the UI's words: its reason's, or else its kind's. */
export function errorText(speech: Speech, error: AppErrorData): string {
  return reasonText(speech, error.details, error.kind);
}

/**
 * The words for `details` (those of an error of `kind`). A reason this build does not know
 * (an error saved by another version) is said by the kind.
 */
export function reasonText(
  speech: Speech,
  details: ErrorDetails | undefined,
  kind: ErrorKind,
): string {
  return (
    (details === undefined ? undefined : wordReason(speech, details, kind)) ??
    kindText(speech, kind)
  );
}

function kindText({ say }: Speech, kind: ErrorKind): string {
  const key = Object.hasOwn(kindKeys, kind) ? kindKeys[kind] : kindKeys.unexpected;
  return say(key);
}

function wordReason(speech: Speech, details: ErrorDetails, kind: ErrorKind): string | undefined {
  const { say, bytes } = speech;
  switch (details.reason) {
    case 'bad-answer':
      return details.field === ''
        ? say('error.badAnswerShape', { service: serviceName(say, details), host: details.host })
        : say('error.badAnswer', {
            service: serviceName(say, details),
            host: details.host,
            field: details.field,
          });
    case 'not-json':
      return say('error.notJson', { service: serviceName(say, details), host: details.host });
    case 'answer-too-large':
      return say('error.answerTooLarge', {
        service: serviceName(say, details),
        host: details.host,
        size: details.limitBytes / 2 ** 20,
      });
    case 'wrong-image':
      return say('error.wrongImage', {
        host: details.host,
        expected: details.expected,
        actual: details.actual,
      });
    case 'https-downgrade':
      return say('error.httpsDowngrade', {
        service: serviceName(say, details),
        host: details.host,
        url: details.url,
      });
    case 'bad-scheme':
      return say('error.badScheme', {
        service: serviceName(say, details),
        host: details.host,
        scheme: details.scheme,
      });
    case 'repeated-page':
      return say('error.repeatedPage');
    case 'no-token-in-answer':
      return say('error.noTokenInAnswer');
    case 'unexpected-status':
      return say('error.unexpectedStatus', { status: String(details.status) });
    case 'not-allowed-here':
      return say('error.notAllowedHere');
    case 'too-large':
      return say('error.tooLarge');
    case 'range-outside':
      return say('error.rangeOutside');
    case 'busy':
      return say('error.busy');
    case 'unavailable':
      return say('error.unavailable');
    case 'credentials-rejected':
      return say(`error.credentialsRejected.${details.method}`);
    case 'token-rejected-mid-transfer':
      return say('error.tokenRejectedMidTransfer');
    case 'token-rejected-after-sign-in':
      return say('error.tokenRejectedAfterSignIn');
    case 'no-keystone':
      return say('error.noKeystone', { url: details.url });
    case 'unscoped-token':
      return say('error.unscopedToken');
    case 'scope-missing':
      return say(`error.scopeMissing.${details.what}`);
    case 'no-auth-url':
      return say('error.noAuthUrl');
    case 'no-image-service':
      return say('error.noImageService');
    case 'no-image-endpoint': {
      const available = speech.list(details.available);
      return details.region === undefined
        ? say('error.noImageEndpoint', { interface: details.interface, available })
        : say('error.noImageEndpointInRegion', {
            interface: details.interface,
            region: details.region,
            available,
          });
    }
    case 'no-image-api':
      return say('error.noImageApi', { url: details.url });
    case 'delete-refused':
      return say('error.deleteRefused');
    case 'stores-not-listed':
      return say('error.storesNotListed');
    case 'download-refused':
      return say('error.downloadRefused');
    case 'resume-past-end':
      return say('error.resumePastEnd', { offset: details.offset });
    case 'no-data':
      return say('error.noData');
    case 'data-exists':
      return details.imageStatus === undefined
        ? say('error.dataExists')
        : say('error.alreadyHasData', { status: statusLabel(say, details.imageStatus) });
    case 'deactivated':
      return say('error.deactivated');
    case 'method-not-offered':
      return details.offered.length === 0
        ? say('error.methodNotOfferedAtAll', { method: details.method })
        : say('error.methodNotOffered', {
            method: details.method,
            offered: speech.list(details.offered),
          });
    case 'import-refused':
      return say('error.importRefused', { method: details.method });
    case 'upload-refused':
      return say('error.uploadRefused');
    case 'import-failed': {
      const stores =
        details.failed.length === 0
          ? say('stores.default')
          : speech.list(details.failed.map((store) => `“${store}”`));
      const said = {
        method: details.method,
        stores,
        status: statusLabel(say, details.imageStatus),
      };
      return details.taskMessage === undefined
        ? say('error.importFailed', said)
        : say('error.importFailedTask', { ...said, message: details.taskMessage });
    }
    case 'unknown-store':
      return say('error.unknownStore', { store: details.store });
    case 'already-in-store':
      return say('error.alreadyInStore', { store: details.store });
    case 'not-in-store':
      return say('error.notInStore', { store: details.store });
    case 'last-store':
      return say('error.lastStore', { store: details.store });
    case 'store-delete-refused':
      return say('error.storeDeleteRefused', { store: details.store });
    case 'file-refused':
      return say('error.fileRefused', {
        path: details.path,
        why: details.refuse.map((reason) => say(`fileCheck.refuse.${reason}`)).join(' '),
      });
    case 'share-needs-shared':
      return details.visibility === 'public'
        ? say('error.sharePublic')
        : say('error.shareNeedsShared', { visibility: visibilityLabel(say, details.visibility) });
    case 'share-not-allowed':
      return say('error.shareNotAllowed');
    case 'member-exists':
      return say('error.memberExists', { project: details.project });
    case 'member-limit':
      return details.limit === undefined
        ? say('error.memberLimit')
        : say('error.memberLimitOf', { limit: details.limit });
    case 'member-missing':
      return say('error.memberMissing', { project: details.project });
    case 'not-a-member':
      return say('error.notAMember');
    case 'project-not-found':
      return say(details.by === 'name' ? 'error.noProjectNamed' : 'error.noProjectWithId', {
        project: details.project,
      });
    case 'project-name-ambiguous':
      return say('error.projectNameAmbiguous', { name: details.name, count: details.count });
    case 'project-lookup-refused':
      return say('error.projectLookupRefused', { name: details.name });
    case 'project-lookup-unavailable':
      return say('error.projectLookupUnavailable');
    case 'property-refused':
      return say(`error.propertyRefused.${details.rule}`, { key: details.key });
    case 'property-too-long':
      return details.part === 'key'
        ? say('error.propertyKeyTooLong', {
            key: `${details.key.slice(0, 40)}…`,
            limit: details.limit,
          })
        : say('error.propertyValueTooLong', { key: details.key, limit: details.limit });
    case 'edit-refused':
      return say('error.editRefused');
    case 'filter-key-reserved':
      return say('error.filterKeyReserved', { key: details.key });
    case 'stalled':
      return say('error.stalled', { seconds: details.seconds });
    case 'gave-up':
      return say('error.gaveUp', {
        reason: reasonText(speech, details.last, kind),
        count: details.retries,
      });
    case 'upload-failed':
      return uploadFailedText(speech, details, kind);
    case 'connection-ended':
      return say('error.connectionEnded', {
        received: details.receivedBytes,
        total: details.totalBytes,
      });
    case 'data-changed':
      return say('error.dataChanged');
    case 'wrong-range':
      return say('error.wrongRange', { offset: details.offset });
    case 'too-many-bytes':
      return say('error.tooManyBytes', { size: bytes(details.expectedBytes) });
    case 'hash-mismatch': {
      const { algorithm, expected, actual } = details;
      return details.transfer === 'download'
        ? say('error.downloadHashMismatch', { algorithm, expected, actual })
        : say('error.uploadHashMismatch', { algorithm, expected, actual });
    }
    case 'size-mismatch':
      return sizeMismatchText(say, details);
    case 'part-cut-short':
      return say('error.partCutShort', { size: details.actualBytes });
    case 'file-changed-size':
      return say('error.fileChangedSize');
    case 'outside-folder':
      return say('error.outsideFolder', { folder: details.folder });
    case 'action-not-allowed':
      return say('error.actionNotAllowed', {
        state: say(`state.${details.state}`),
        action: say(`transfers.${details.action}`),
      });
    case 'transfer-gone':
      return say('error.transferGone');
    case 'copy-mismatch':
      return copyMismatchText(say, details);
    case 'copy-to-same-cloud':
      return say('error.copyToSameCloud');
    case 'disk-full':
      return diskFullText(speech, details);
    case 'no-permission':
      return say('error.noPermission', { path: details.path });
    case 'read-only':
      return say('error.readOnly', { path: details.path });
    case 'path-missing':
      return say('error.pathMissing', { path: details.path });
    case 'not-a-folder':
      return say('error.notAFolder', { path: details.path });
    case 'is-a-folder':
      return say('error.isAFolder', { path: details.path });
    case 'path-too-long':
      return say('error.pathTooLong', { path: details.path });
    case 'file-error':
      return say('error.fileError', { path: details.path, code: details.code });
    case 'cannot-open':
      return say('error.cannotOpen', { path: details.path });
    case 'connection-refused':
      return say('error.connectionRefused');
    case 'host-not-found':
      return say('error.hostNotFound');
    case 'dns-failed':
      return say('error.dnsFailed');
    case 'connection-dropped':
      return say('error.connectionDropped');
    case 'host-unreachable':
      return say('error.hostUnreachable');
    case 'network-unreachable':
      return say('error.networkUnreachable');
    case 'connection-closed':
      return say('error.connectionClosed');
    case 'response-cut-short':
      return say('error.responseCutShort');
    case 'network-error':
      return details.code === undefined
        ? say('error.network')
        : say('error.networkError', { code: details.code });
    case 'untrusted-certificate':
      return say('error.untrustedCertificate');
    case 'certificate-expired':
      return say('error.certificateExpired');
    case 'certificate-not-yet-valid':
      return say('error.certificateNotYetValid');
    case 'certificate-revoked':
      return say('error.certificateRevoked');
    case 'certificate-wrong-host':
      return say('error.certificateWrongHost');
    case 'not-https':
      return say('error.notHttps');
    case 'tls-error':
      return say('error.tlsError', { code: details.code });
    case 'connect-timeout':
      return say('error.connectTimeout');
    case 'answer-timeout':
      return say('error.answerTimeout');
    case 'body-timeout':
      return say('error.bodyTimeout');
    case 'ca-file-unreadable':
      return say('error.caFileUnreadable', { path: details.path });
    case 'ca-file-not-pem':
      return say('error.caFileNotPem', { path: details.path });
    case 'secret-required':
      return say('error.secretRequired');
    case 'secret-missing': {
      const secret = say(`secret.${details.secret}`);
      return details.profile === undefined
        ? say('error.secretMissing', { secret })
        : say('error.secretNotSaved', { secret, profile: details.profile });
    }
    case 'secret-needed':
      return secretNeededMessage(say, details);
    case 'secret-locked':
      return say('error.secretLocked', {
        secret: say(`secret.${details.secret}`),
        profile: details.profile,
      });
    case 'profile-gone':
      return say('error.profileGone');
    case 'settings-unreadable':
      return say('error.settingsUnreadable', { path: details.path });
    case 'settings-repaired':
      return settingsRepairedText(speech, details);
    case 'settings-reset':
      return say(
        details.notJson ? 'error.settingsResetNotJson' : 'error.settingsResetNotSettings',
        {
          path: details.backupPath,
        },
      );
    case 'invalid-values':
      return invalidValuesText(speech, details.values);
    case 'unknown-settings':
      return say('error.unknownSettings', { keys: speech.list(details.keys) });
    case 'not-yaml':
      return details.line === undefined || details.column === undefined
        ? say('error.notYaml', { path: details.path })
        : say('error.notYamlAt', {
            path: details.path,
            line: details.line,
            column: details.column,
          });
    case 'not-clouds-yaml':
      return say('error.notCloudsYaml', { path: details.path });
    case 'no-clouds-yaml':
      return say('error.noCloudsYaml', { looked: speech.list(details.looked) });
    case 'unknown-call':
      return say('error.unknownCall', { name: details.name });
    case 'not-from-app-window':
      return say('error.notFromAppWindow');
    case 'relative-path':
      return say('error.relativePath', { what: say(pathUseKeys[details.use]), path: details.path });
    case 'path-not-chosen':
      return say('error.pathNotChosen', {
        what: say(pathUseKeys[details.use]),
        path: details.path,
        how: say(howToChooseKeys[details.use]),
      });
    case 'openrc-file-needed':
      return say('error.openrcFileNeeded');
    case 'download-folder-needed':
      return say('error.downloadFolderNeeded');
    case 'download-not-finished':
      return say('error.downloadNotFinished');
    case 'file-gone':
      return say('error.fileGone', { path: details.path });
    case 'drag-needs-window':
      return say('error.dragNeedsWindow');
    case 'link-not-allowed':
      return say('error.linkNotAllowed', { hosts: speech.list(details.hosts) });
    case 'no-update-ready':
      return say('error.noUpdateReady');
    case 'transfers-running':
      return say('error.transfersRunning', { count: details.count });
    default:
      return unknownReason(details);
  }
}

/** A reason from another version of the app (a saved transfer): said by its kind instead. */
function unknownReason(details: never): undefined {
  void details;
  return undefined;
}

function serviceName(say: Say, { service }: { service: 'keystone' | 'glance' }): string {
  return say(service === 'keystone' ? 'error.service.keystone' : 'error.service.glance');
}

function uploadFailedText(
  speech: Speech,
  details: ReasonDetails<'upload-failed'>,
  kind: ErrorKind,
): string {
  const reason = reasonText(speech, details.cause, kind);
  const status = details.imageStatus;
  if (status === undefined) return reason;
  return status === 'queued'
    ? speech.say('error.uploadFailedQueued', { reason })
    : speech.say('error.uploadFailedStatus', { reason, status: statusLabel(speech.say, status) });
}

/** What did not match in a copy, and what became of the image on the target cloud. */
function copyMismatchText(say: Say, details: ReasonDetails<'copy-mismatch'>): string {
  const { side, algorithm, expected, actual } = details;
  const what =
    algorithm === null
      ? say(`error.copyMismatch.${side}Size`, { expected, actual })
      : say(`error.copyMismatch.${side}`, { algorithm, expected, actual });
  const after = details.targetDeleted
    ? say('error.copyMismatch.deleted')
    : say('error.copyMismatch.notDeleted');
  return `${what} ${after}`;
}

function sizeMismatchText(say: Say, details: ReasonDetails<'size-mismatch'>): string {
  const { expectedBytes, actualBytes } = details;
  if (details.transfer === 'download') {
    return say('error.downloadSizeMismatch', { expected: expectedBytes, actual: actualBytes ?? 0 });
  }
  // main/transfers/upload.ts: expected = the file's bytes, actual = what Glance stored.
  return actualBytes === null
    ? say('error.uploadSizeUnknown', { file: expectedBytes })
    : say('error.uploadSizeMismatch', { file: expectedBytes, stored: actualBytes });
}

/** A full disk or quota; a download paused by it says how much more must fit. */
function diskFullText({ say, bytes }: Speech, details: ReasonDetails<'disk-full'>): string {
  const { path, quota, bytesNeeded } = details;
  if (bytesNeeded === undefined) return say(quota ? 'error.quotaFull' : 'error.diskFull', { path });
  const size = bytes(bytesNeeded);
  return say(quota ? 'error.quotaFullPaused' : 'error.diskFullPaused', { path, size });
}

function settingsRepairedText(speech: Speech, details: ReasonDetails<'settings-repaired'>): string {
  const { say } = speech;
  const cause = say(details.newerVersion ? 'error.settingsNewer' : 'error.settingsDamaged');
  const path = details.backupPath;
  if (details.lost.length === 0) return say('error.settingsRepairedAll', { cause, path });
  const lost = speech.list(details.lost.map((part) => lostSettingText(say, part)));
  return say('error.settingsRepaired', { cause, lost, path });
}

function lostSettingText(say: Say, lost: LostSetting): string {
  switch (lost.part) {
    case 'profile':
      return lost.name === undefined
        ? say('error.lostProfileNumber', { number: lost.number })
        : say('error.lostProfile', { name: lost.name });
    case 'profiles':
      return say('error.lostProfiles');
    case 'setting':
      return say('error.lostSetting', { key: lost.key });
  }
}

/** The form's label for a field main refused (its path's last part), or the path itself. */
const fieldKeys: Partial<Record<string, MessageKey>> = {
  name: 'profile.name',
  label: 'profile.label',
  color: 'profile.color',
  authUrl: 'profile.authUrl',
  authMethod: 'profile.authMethod',
  region: 'profile.region',
  userName: 'profile.userName',
  userId: 'profile.userName',
  userDomainName: 'profile.userDomain',
  userDomainId: 'profile.userDomain',
  projectName: 'profile.projectName',
  projectDomainName: 'profile.projectDomain',
  projectDomainId: 'profile.projectDomain',
  projectId: 'profile.projectName',
  applicationCredentialId: 'profile.appCredId',
  interface: 'profile.interface',
  imageEndpoint: 'profile.imageEndpoint',
  proxy: 'profile.proxy',
  caFile: 'profile.caFile',
  insecure: 'profile.insecure',
  downloadFolder: 'profile.downloadFolder',
  locale: 'settings.language',
  theme: 'settings.theme',
  pinnedFolders: 'settings.pinned',
  transfersAtOnce: 'settings.transfersAtOnce',
  connectionsPerDownload: 'settings.connectionsPerDownload',
  downloadLimitMBps: 'settings.downloadLimit',
  uploadLimitMBps: 'settings.uploadLimit',
  existingFile: 'settings.existingFile',
};

/** A form field's label, quoted (“User name”), for a field path main names. */
export function fieldLabel(say: Say, field: string): string {
  const last = field.split('.').findLast((part) => !/^\d+$/.test(part)) ?? field;
  const key = Object.hasOwn(fieldKeys, last) ? fieldKeys[last] : undefined;
  return say('error.quotedField', { field: key === undefined ? field : say(key) });
}

function invalidValuesText(speech: Speech, values: InvalidValue[]): string {
  const { say, list } = speech;
  const labels = (missing: boolean) =>
    list(values.filter((value) => value.missing === missing).map((v) => fieldLabel(say, v.field)));
  const [missing, invalid] = [values.some((v) => v.missing), values.some((v) => !v.missing)];
  if (missing && invalid) {
    return say('error.missingAndInvalid', { missing: labels(true), invalid: labels(false) });
  }
  if (missing) return say('error.missingValues', { fields: labels(true) });
  return invalid ? say('error.invalidValues', { fields: labels(false) }) : say('error.validation');
}

const pathUseKeys: Record<PathUse, MessageKey> = {
  'upload-file': 'pathUse.uploadFile',
  'import-file': 'pathUse.importFile',
  'ca-file': 'pathUse.caFile',
  'download-folder': 'pathUse.downloadFolder',
  'pinned-folder': 'pathUse.pinnedFolder',
};

const howToChooseKeys: Record<PathUse, MessageKey> = {
  'upload-file': 'error.chooseUploadFile',
  'import-file': 'error.chooseImportFile',
  'ca-file': 'error.chooseCaFile',
  'download-folder': 'error.chooseFolder',
  'pinned-folder': 'error.chooseFolder',
};

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
