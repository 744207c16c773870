/**
 * The IPC channel names, without the schemas: the sandboxed preload imports only this, so
 * that its bundle stays tiny and free of zod. common/contract.ts checks that `callNames`
 * lists exactly its calls (and test/unit/shell checks it at run time too).
 */
export const callNames = [
  'getAppInfo',
  'getSettings',
  'updateSettings',
  'getStartupProblems',
  'listProfiles',
  'saveProfile',
  'deleteProfile',
  'testConnection',
  'importProfiles',
  'getSecretStorageStatus',
  'listImages',
  'getImage',
  'createImage',
  'updateImage',
  'deleteImages',
  'planBulkEdit',
  'updateImages',
  'setImageActive',
  'getImageSchema',
  'getMetadefs',
  'getImportOptions',
  'removeImageFromStore',
  'listImageMembers',
  'countImageMembers',
  'addImageMember',
  'removeImageMember',
  'listSharedWithMe',
  'setShareStatus',
  'listTransfers',
  'startDownloads',
  'startUpload',
  'startImport',
  'inspectFile',
  'controlTransfer',
  'previewCopies',
  'startCopies',
  'revealTransfer',
  'startDragTransfer',
  'listActivity',
  'exportActivity',
  'getDiagnostics',
  'openLogFolder',
  'getUpdateStatus',
  'checkForUpdates',
  'installUpdate',
  'chooseFolder',
  'chooseFiles',
] as const;
export type ChannelCallName = (typeof callNames)[number];

export const eventNames = ['transfersChanged', 'updateStatusChanged'] as const;
export type EventName = (typeof eventNames)[number];

export const channelPrefix = 'glance-desk:';
export const callChannel = (name: ChannelCallName): string => `${channelPrefix}call:${name}`;
export const eventChannel = (name: EventName): string => `${channelPrefix}event:${name}`;
/**
 * Not a contract call: the preload alone sends on it (synchronously) the path of a file it
 * resolved from a real dropped File, so that main accepts that path for an upload.
 */
export const droppedFileChannel = `${channelPrefix}grant:dropped-file`;
