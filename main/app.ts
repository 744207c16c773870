/**
 * The composition root: builds every service of the main process from its dependencies.
 * Plain Node. The Electron shell passes electron-store, a safeStorage SecretBox and the
 * real dialog / shell / notification adapters; tests pass `conf`, an AES SecretBox and
 * test adapters.
 */
import { join } from 'node:path';
import type { AppInfo } from '../common/contract';
import type { AppError } from '../common/errors';
import { ActivityLog } from './activity/activity-log';
import { recordCopies } from './activity/copy-activity';
import { recordUploads } from './activity/image-changes';
import { appLocale, wordsFor, type Words } from './i18n';
import { PathGrants } from './ipc/path-grants';
import { AppLog, type AppLogOptions } from './logging/app-log';
import { logRequestFailures, logTransfers } from './logging/events';
import { ClientCache } from './openstack/client-cache';
import type { SecretBox } from './profiles/secret-box';
import { ProfileStore } from './profiles/store';
import { AppSettingsStore } from './settings/app-settings';
import {
  openSettingsStore,
  type SettingsStoreLike,
  type SettingsStoreOptions,
} from './settings/settings-file';
import { imageDataFor } from './transfers/image-data';
import { notificationText, notifyWhenLongTransfersEnd } from './transfers/notifications';
import { TransferQueue, type TransferQueueOptions } from './transfers/queue';
import { systemPolicyFile } from './updates/policy';
import { UpdateService, type UpdaterPort } from './updates/service';

export type SavePurpose = 'activity-csv' | 'activity-json';

export type FilePurpose = 'image' | 'clouds-yaml' | 'openrc' | 'ca-file';

/** Native dialogs (the shell parents them to the app window). */
export interface DialogAdapter {
  /** The folder the user picked, or null when they cancelled. */
  chooseFolder(options: { title?: string; defaultPath?: string }): Promise<string | null>;
  /** The files the user picked; empty when they cancelled. */
  chooseFiles(options: { purpose: FilePurpose; multiple?: boolean }): Promise<string[]>;
  /** Where the user chose to save a new file, or null when they cancelled. */
  saveFile(options: {
    purpose: SavePurpose;
    defaultName: string;
    title?: string;
  }): Promise<string | null>;
}

/** The operating system around the app. */
export interface OsAdapter {
  /** Shows the file selected in the file manager. */
  revealInFolder(path: string): void;
  /**
   * Starts an OS drag of an existing file from the window that asked. `sender` is opaque
   * here: the shell passes the IPC event's WebContents through dispatch.
   */
  startDrag(path: string, sender: unknown): void;
  notify(title: string, body: string): void;
  /** Opens a folder in the file manager. */
  openFolder(path: string): Promise<void>;
}

export interface ServiceDeps {
  /** The app's data folder: the settings file and the transfer queue live here. */
  dataDir: string;
  /** Builds the settings store: `(o) => new Store(o)` (electron-store) or `(o) => new Conf(o)`. */
  createSettingsStore: (options: SettingsStoreOptions) => SettingsStoreLike;
  secretBox: SecretBox;
  dialogs: DialogAdapter;
  os: OsAdapter;
  appInfo: AppInfo;
  /**
   * Where unexpected errors are reported besides the log file (never with secrets).
   * Default: console.error.
   */
  log?: (line: string) => void;
  /** Log file rotation (tests make it small). */
  logFiles?: Pick<AppLogOptions, 'maxFileBytes' | 'rotatedFiles'>;
  /** Queue tuning (tests shorten the timings). */
  transfers?: Pick<TransferQueueOptions, 'retry' | 'stallTimeoutMs' | 'eventIntervalMs'>;
  /** A transfer that took at least this long gets a desktop notification when it ends. Default 10 s. */
  notifyAfterMs?: number;
  /** Automatic updates (the shell passes electron-updater). Absent: never checked. */
  updates?: UpdateDeps;
}

export interface UpdateDeps {
  /** Builds the updater; called only when this build may update. */
  createUpdater: () => UpdaterPort;
  /** `app.isPackaged`: development builds never look for updates. */
  packaged: boolean;
  /** Default: process.env. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Default: the platform's system policy file (main/updates/policy.ts). */
  policyFile?: string;
}

export interface Services {
  readonly appInfo: AppInfo;
  readonly settings: AppSettingsStore;
  readonly profiles: ProfileStore;
  readonly clients: ClientCache;
  readonly transfers: TransferQueue;
  readonly dialogs: DialogAdapter;
  readonly os: OsAdapter;
  /** The words of the app's language now, for what the OS shows for main (main/i18n.ts). */
  words(): Words;
  /** The paths main accepts from the renderer (dialogs, drops, what the settings hold). */
  readonly pathGrants: PathGrants;
  /** Logs an unexpected error to the log file and `ServiceDeps.log`. */
  readonly log: (line: string) => void;
  /** The log file (in `<data folder>/logs`). */
  readonly appLog: AppLog;
  /** What the user changed on each cloud. */
  readonly activity: ActivityLog;
  readonly updates: UpdateService;
  /** Problems found while opening the settings (already repaired and backed up). */
  readonly startupProblems: readonly AppError[];
  /** Stops the transfers (they resume on the next start) and closes the connections. */
  close(): Promise<void>;
}

const defaultNotifyAfterMs = 10_000;

export async function createServices(deps: ServiceDeps): Promise<Services> {
  const report = deps.log ?? ((line: string) => console.error(line));
  const appLog = new AppLog({ dir: join(deps.dataDir, 'logs'), ...deps.logFiles });
  appLog.info('app.started', { version: deps.appInfo.version, platform: deps.appInfo.platform });
  const log = (line: string) => {
    appLog.error('error.unexpected', { message: line });
    report(line);
  };
  const activity = await ActivityLog.open({
    dataDir: deps.dataDir,
    onError: (error) => appLog.warn('activity.unwritable', { message: String(error) }),
  });
  const { store, problems, heldProxyCredentials } = openSettingsStore(
    deps.dataDir,
    deps.createSettingsStore,
    deps.secretBox,
  );
  const profiles = new ProfileStore(store, deps.secretBox, { problems, heldProxyCredentials });
  const clients = new ClientCache(profiles, logRequestFailures(appLog));
  const settings = new AppSettingsStore(store);
  const pathGrants = savedPathGrants(profiles, settings);
  const words = () => wordsFor(appLocale(settings.get('locale'), deps.appInfo.systemLocale));
  const transfers = await TransferQueue.open({
    ...deps.transfers,
    dataDir: deps.dataDir,
    clientFor: (profileId) => {
      const { session, glance } = clients.get(profileId);
      return Promise.resolve(imageDataFor(session, glance));
    },
    connectionsFor: (profileId) =>
      profiles.list().find((profile) => profile.id === profileId)?.connectionsPerDownload ??
      settings.get('connectionsPerDownload'),
    existingFile: () => settings.get('existingFile'),
  });
  transfers.configure(settings.all());
  const stopFollowingSettings = settings.onChange((all) => transfers.configure(all));
  const stopLoggingTransfers = logTransfers(transfers, appLog);
  const stopRecordingUploads = recordUploads(transfers, activity, (id) => profiles.nameOf(id));
  const stopRecordingCopies = recordCopies(transfers, activity, (id) => profiles.nameOf(id));
  const environment = deps.updates?.environment ?? process.env;
  const updates = await UpdateService.open({
    ...(deps.updates === undefined ? {} : { createUpdater: deps.updates.createUpdater }),
    packaged: deps.updates?.packaged ?? false,
    environment,
    policyFile: deps.updates?.policyFile ?? systemPolicyFile(process.platform, environment),
    currentVersion: deps.appInfo.version,
    automatic: () => settings.get('automaticUpdates') !== false,
    transfers,
    log: appLog,
  });
  const stopNotifying = notifyWhenLongTransfersEnd(
    transfers,
    (notification) => {
      const { title, body } = notificationText(notification, words());
      deps.os.notify(title, body);
    },
    deps.notifyAfterMs ?? defaultNotifyAfterMs,
  );

  return {
    appInfo: deps.appInfo,
    settings,
    profiles,
    clients,
    transfers,
    dialogs: deps.dialogs,
    os: deps.os,
    words,
    pathGrants,
    log,
    appLog,
    activity,
    updates,
    startupProblems: problems,
    async close() {
      updates.close();
      stopNotifying();
      stopFollowingSettings();
      await transfers.close();
      await clients.close();
      stopLoggingTransfers();
      stopRecordingUploads();
      stopRecordingCopies();
      await activity.flush();
      await appLog.close();
    },
  };
}

/**
 * The paths the settings already hold were accepted when they were saved (or were saved by
 * an older version): they stay usable.
 */
function savedPathGrants(profiles: ProfileStore, settings: AppSettingsStore): PathGrants {
  const grants = new PathGrants();
  for (const { downloadFolder, caFile } of profiles.list()) {
    if (downloadFolder !== undefined) grants.grant('folder', downloadFolder);
    if (caFile !== undefined) grants.grant('ca-file', caFile);
  }
  for (const folder of settings.get('pinnedFolders')) grants.grant('folder', folder);
  return grants;
}
