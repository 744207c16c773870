/**
 * The app's main process without Electron: createServices with conf, a real AES secret box
 * and recording dialog / OS adapters, plus `call`, which goes through `dispatch` exactly as
 * an IPC message does. Used by the IPC integration tests and the renderer e2e tests.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import type { CallName, CallResult, Envelope } from '../../../common/contract';
import type { ProfileInput } from '../../../common/profile';
import type { Transfer, TransferState } from '../../../common/transfer';
import {
  createServices,
  type DialogAdapter,
  type FilePurpose,
  type OsAdapter,
  type ServiceDeps,
  type Services,
} from '../../../main/app';
import { createHandlers, dispatch, type Handlers } from '../../../main/ipc/handlers';
import type { Settings } from '../../../main/settings/settings-file';
import type { TestbedInfo, TestbedUser } from '../../testbed/types';
import { aesSecretBox } from '../../unit/profiles/helpers';

/** What the OS adapter was asked to do. */
export interface OsRecord {
  revealed: string[];
  dragged: { path: string; sender: unknown }[];
  notifications: { title: string; body: string }[];
  /** Folders opened in the file manager. */
  folders: string[];
}

export interface TestMain {
  services: Services;
  handlers: Handlers;
  /** The app's data folder (settings file, transfer queue). */
  dataDir: string;
  os: OsRecord;
  /** What the dialogs answer next; change them at will. */
  dialogAnswers: { folder: string | null; files: string[]; saveAs: string | null };
  call<N extends CallName>(name: N, payload?: unknown): Promise<Envelope<CallResult<N>>>;
  /** Like `call`, but returns the value and throws the error data of a failed call. */
  value<N extends CallName>(name: N, payload?: unknown): Promise<CallResult<N>>;
  /**
   * The user picks `path` in main's folder dialog, or in its file dialog opened for
   * `purpose` ('image' to upload, 'ca-file', …), as in the app: from then on main accepts
   * that path from the renderer for that purpose (and only then).
   */
  pick(purpose: 'folder' | FilePurpose, path: string): Promise<void>;
  close(): Promise<void>;
}

export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `glance-desk-${prefix}-`));
}

export async function startTestMain(
  options: Partial<Pick<ServiceDeps, 'transfers' | 'notifyAfterMs' | 'log' | 'updates'>> & {
    dataDir?: string;
    /** The secret box's key: the same one opens saved secrets again after a restart. */
    secretKey?: Buffer;
  } = {},
): Promise<TestMain> {
  const dataDir = options.dataDir ?? tempFolder('data');
  const os: OsRecord = { revealed: [], dragged: [], notifications: [], folders: [] };
  const dialogAnswers: TestMain['dialogAnswers'] = {
    folder: tempFolder('downloads'),
    files: [],
    saveAs: null,
  };
  const dialogs: DialogAdapter = {
    chooseFolder: async () => dialogAnswers.folder,
    chooseFiles: async ({ multiple }) =>
      multiple ? dialogAnswers.files : dialogAnswers.files.slice(0, 1),
    saveFile: async () => dialogAnswers.saveAs,
  };
  const osAdapter: OsAdapter = {
    revealInFolder: (path) => void os.revealed.push(path),
    startDrag: (path, sender) => void os.dragged.push({ path, sender }),
    notify: (title, body) => void os.notifications.push({ title, body }),
    openFolder: async (path) => void os.folders.push(path),
  };
  const services = await createServices({
    dataDir,
    createSettingsStore: (storeOptions) => new Conf<Settings>(storeOptions),
    secretBox: aesSecretBox(options.secretKey),
    dialogs,
    os: osAdapter,
    appInfo: { version: '0.0.0-test', platform: process.platform, systemLocale: 'en-US' },
    transfers: { eventIntervalMs: 50, ...options.transfers },
    ...(options.notifyAfterMs === undefined ? {} : { notifyAfterMs: options.notifyAfterMs }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.updates === undefined ? {} : { updates: options.updates }),
  });
  const handlers = createHandlers(services);
  const call = <N extends CallName>(name: N, payload?: unknown) =>
    dispatch(handlers, name, payload, { sender: 'test-sender', log: services.log });
  const value = async <N extends CallName>(name: N, payload?: unknown) => {
    const result = await call(name, payload);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value;
  };
  return {
    services,
    handlers,
    dataDir,
    os,
    dialogAnswers,
    call,
    value,
    async pick(purpose, path) {
      if (purpose === 'folder') {
        dialogAnswers.folder = path;
        await value('chooseFolder', {});
      } else {
        dialogAnswers.files = [path];
        await value('chooseFiles', { purpose });
      }
    },
    async close() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A password profile for a test-bed user, as the profile form would send it. */
export function passwordProfile(
  bed: TestbedInfo,
  user: TestbedUser,
  overrides: Partial<ProfileInput> = {},
): ProfileInput {
  return {
    name: `${user.username} on the test bed`,
    authUrl: bed.authUrl,
    authMethod: 'password',
    userName: user.username,
    userDomainId: user.domainId,
    projectName: user.projectName,
    projectDomainId: user.domainId,
    region: bed.region,
    interface: 'public',
    secret: user.password,
    ...overrides,
  };
}

/** Resolves when the transfer reaches one of `states` (it may already be there). */
export function waitForTransfer(
  main: TestMain,
  id: string,
  states: readonly TransferState[] = ['done', 'failed', 'cancelled'],
): Promise<Transfer> {
  const { transfers } = main.services;
  return new Promise((resolve) => {
    const check = () => {
      const transfer = transfers.get(id);
      if (!states.includes(transfer.state)) return;
      unsubscribe();
      resolve(transfer);
    };
    const unsubscribe = transfers.onChange(check);
    check();
  });
}
