/**
 * One handler per contract call, over the services built by createServices, and
 * `dispatch`: the single entry point every transport uses (Electron's ipcMain in the
 * shell, Playwright's exposeBinding in the renderer tests). Plain Node.
 */
import { stat, writeFile } from 'node:fs/promises';
import {
  calls,
  type CallInput,
  type CallName,
  type CallResult,
  type DeleteResult,
  type Envelope,
  type ImageResult,
  type ImageSchemaInfo,
} from '../../common/contract';
import type { ConnectionConfig } from '../../common/connection';
import {
  AppError,
  defaultMessages,
  isAppError,
  validationError,
  type AppErrorData,
} from '../../common/errors';
import type { Image, PatchOperation } from '../../common/image';
import type { ImportResult, ProfileInput } from '../../common/profile';
import type { Transfer } from '../../common/transfer';
import { activityCsv, activityJson } from '../activity/export';
import { recordedChanges, type ImageChanges } from '../activity/image-changes';
import { Limiter } from '../async/limiter';
import type { Services } from '../app';
import { diagnostics } from '../logging/diagnostics';
import { logRequestFailures } from '../logging/events';
import { scrubSecrets } from '../net/scrub';
import { OpenStackSession } from '../openstack/keystone';
import { ownProject, sharedWithMe } from '../openstack/shared-images';
import { planBulkEdit } from '../openstack/bulk-edit';
import { importCloudsYaml } from '../profiles/import/clouds-yaml';
import { importOpenrc } from '../profiles/import/openrc';
import type { StashSecret } from '../profiles/import/stash-secrets';
import { testConnection } from '../profiles/test-connection';
import { checkSendable } from '../images/sendable';
import { previewCopies } from '../transfers/copy-preview';
import { fileSystemError } from '../transfers/fs-errors';
import { importHandlers } from './import-handlers';
import { grantForPurpose, type PathGrants } from './path-grants';

/** What the transport knows about the caller. */
export interface CallContext {
  /** The caller's WebContents in the shell (needed to start a drag from it); opaque here. */
  sender?: unknown;
}

export type Handler<N extends CallName> = (
  input: CallInput<N>,
  context: CallContext,
) => Promise<CallResult<N>>;

/** Every call must have its handler: a missing one is a compile error. */
export type Handlers = { [N in CallName]: Handler<N> };

/** Changes to several images (deletes, patches, share answers) run a few at a time: fast, gentle on the cloud. */
const changeConcurrency = 4;

export function createHandlers(services: Services): Handlers {
  const { profiles, clients, transfers, settings, dialogs, os, pathGrants } = services;
  const glance = (profileId: string) => clients.get(profileId).glance;
  /** The calls that change images, recorded in the activity log. */
  const changes = (profileId: string) =>
    recordedChanges(glance(profileId), services.activity, {
      id: profileId,
      name: profiles.nameOf(profileId),
    });

  return {
    getAppInfo: async () => services.appInfo,
    getSettings: async () => settings.all(),
    updateSettings: async (patch) => {
      for (const folder of patch.pinnedFolders ?? []) {
        pathGrants.check('folder', folder, 'pinned-folder');
      }
      return settings.update(patch);
    },
    getStartupProblems: async () => services.startupProblems.map((problem) => problem.toJSON()),

    listProfiles: async () => profiles.list(),
    saveProfile: async ({ id, profile }) => {
      checkProfilePaths(pathGrants, profile);
      const saved = profiles.save(profile, id);
      clients.invalidate(saved.id);
      return saved;
    },
    deleteProfile: async ({ id }) => {
      profiles.delete(id);
      clients.invalidate(id);
    },
    testConnection: async (input) => {
      if ('profile' in input) checkProfilePaths(pathGrants, input.profile);
      let config: ConnectionConfig;
      try {
        config =
          'profile' in input
            ? profiles.resolveInput(input.profile, input.id)
            : profiles.resolveConnection(input.id);
      } catch (error) {
        // No usable secret (none saved, or it cannot be unlocked): the sign-in step fails.
        // A saved secret the form would send elsewhere is refused outright ('validation').
        if (isAppError(error) && error.kind === 'auth') {
          return { ok: false, step: 'auth', error: error.toJSON() };
        }
        throw error;
      }
      // Its failed requests go to the log file like every other: support asks for them first.
      const onRequestFailed = logRequestFailures(services.appLog);
      return testConnection(config, {
        openSession: (tested) => new OpenStackSession(tested, { onRequestFailed }),
      });
    },
    importProfiles: async ({ kind, path }) => {
      if (path !== undefined) pathGrants.check('import-file', path, 'import-file');
      // Secrets found in the files stay in main, bound to the profile they were found for;
      // the renderer gets references to them.
      const stashSecret: StashSecret = (kind, secret, profile) =>
        profiles.stashSecret(kind, secret, profile);
      let result: ImportResult;
      if (kind === 'clouds-yaml') {
        result = await importCloudsYaml({
          stashSecret,
          ...(path === undefined ? {} : { cloudsPath: path }),
        });
      } else if (path === undefined) {
        throw new AppError({
          kind: 'validation',
          message: 'Choose the openrc file to import.',
          details: { reason: 'openrc-file-needed' },
        });
      } else {
        result = await importOpenrc(path, { stashSecret });
      }
      // A CA file named in the imported files is one main handed out, as a CA file only:
      // it may be saved in a profile, never uploaded.
      for (const { caFile } of result.profiles) {
        if (caFile !== undefined) pathGrants.grant('ca-file', caFile);
      }
      return result;
    },
    getSecretStorageStatus: async () => profiles.secretStorageStatus(),

    listImages: ({ profileId, query, nextLimit }) =>
      clients.get(profileId).pages.page(query, nextLimit),
    getImage: ({ profileId, imageId }) => glance(profileId).getImage(imageId),
    createImage: ({ profileId, fields }) => changes(profileId).createImage(fields),
    // z.json() checked every value is JSON, which is what PropertyValue describes.
    updateImage: ({ profileId, imageId, ops }) =>
      changes(profileId).updateImage(imageId, ops as PatchOperation[]),
    deleteImages: ({ profileId, imageIds }) => deleteImages(changes(profileId), imageIds),
    planBulkEdit: async ({ profileId, imageIds, change }) => {
      const { session, glance: client } = clients.get(profileId);
      return planBulkEdit(client, await session.projectId(), imageIds, change);
    },
    updateImages: async ({ profileId, edits }) => {
      const recorded = changes(profileId);
      const updated = new Map<string, Image>();
      const opsOf = new Map(edits.map((edit) => [edit.imageId, edit.ops as PatchOperation[]]));
      const results = await forEachImage([...opsOf.keys()], async (imageId) => {
        updated.set(imageId, await recorded.updateImage(imageId, opsOf.get(imageId) ?? []));
      });
      return results.map((result) => {
        const image = updated.get(result.imageId);
        return image === undefined ? result : { ...result, image };
      });
    },
    setImageActive: async ({ profileId, imageId, active }) => {
      await changes(profileId).setActive(imageId, active);
    },
    getImageSchema: async ({ profileId }) =>
      imageSchemaInfo(await glance(profileId).getImageSchema()),
    getMetadefs: ({ profileId, reload }) => clients.get(profileId).metadefs.namespaces(reload),

    listImageMembers: async ({ profileId, imageId }) => {
      const { glance: client, projects } = clients.get(profileId);
      const members = await client.listMembers(imageId);
      const names = await Promise.all(members.map((member) => projects.nameOf(member.member_id)));
      return members.map((member, index) => {
        const projectName = names[index];
        return projectName === undefined ? member : { ...member, projectName };
      });
    },
    countImageMembers: async ({ profileId, imageIds }) => {
      const counts: Record<string, number> = {};
      // An image whose members cannot be read (gone, or another project's) gets no count.
      await forEachImage(imageIds, async (imageId) => {
        counts[imageId] = (await glance(profileId).listMembers(imageId)).length;
      });
      return counts;
    },
    addImageMember: async ({ profileId, imageId, project }) => {
      const { projects } = clients.get(profileId);
      const found =
        'id' in project ? await projects.byId(project.id) : await projects.byName(project.name);
      const member = await changes(profileId).addMember(imageId, found.id);
      return {
        member: found.name === undefined ? member : { ...member, projectName: found.name },
        checked: found.checked,
      };
    },
    removeImageMember: async ({ profileId, imageId, memberId }) => {
      await changes(profileId).removeMember(imageId, memberId);
    },
    listSharedWithMe: async ({ profileId }) => {
      const { session, glance: client } = clients.get(profileId);
      return sharedWithMe(client, await ownProject(session));
    },
    setShareStatus: async ({ profileId, imageIds, status }) => {
      const me = await ownProject(clients.get(profileId).session);
      const recorded = changes(profileId);
      return forEachImage(imageIds, (imageId) => recorded.setMemberStatus(imageId, me, status));
    },

    listActivity: async (filter) => services.activity.list(filter),
    // Main writes the file the user chose in its own save dialog: no path comes from the page.
    exportActivity: async ({ format, profileId, title }) => {
      const entries = services.activity.list(profileId === undefined ? {} : { profileId });
      const path = await dialogs.saveFile({
        purpose: format === 'csv' ? 'activity-csv' : 'activity-json',
        defaultName: `glance-desk-activity-${new Date().toISOString().slice(0, 10)}.${format}`,
        ...(title === undefined ? {} : { title }),
      });
      if (path === null) return null;
      const text = format === 'csv' ? activityCsv(entries) : activityJson(entries);
      await writeFile(path, text).catch((error: unknown) => {
        throw fileSystemError(error, path);
      });
      return path;
    },
    getDiagnostics: async () => diagnostics(services.appInfo, profiles.list()),
    openLogFolder: async () => {
      await os.openFolder(services.appLog.dir);
    },

    getUpdateStatus: async () => services.updates.status(),
    checkForUpdates: async () => services.updates.check(true),
    installUpdate: async ({ when }) => services.updates.install(when),

    listTransfers: async () => transfers.list(),
    startDownloads: async ({ profileId, imageIds, folder, existing }) => {
      const target = folder ?? profiles.get(profileId).downloadFolder;
      if (target === undefined) {
        throw new AppError({
          kind: 'validation',
          message: 'Choose a download folder, or set one in the profile.',
          details: { reason: 'download-folder-needed' },
        });
      }
      return transfers.enqueueDownloads({
        profileId,
        imageIds,
        folder: pathGrants.check('folder', target, 'download-folder'),
        ...(existing === undefined ? {} : { existing }),
      });
    },
    startUpload: async (input) => {
      const sourcePath = pathGrants.check('upload-file', input.path, 'upload-file');
      await checkSendable(sourcePath);
      const store = input.store === undefined ? {} : { store: input.store };
      return transfers.enqueueUpload(
        'imageId' in input
          ? { profileId: input.profileId, sourcePath, imageId: input.imageId, ...store }
          : { profileId: input.profileId, sourcePath, create: input.create, ...store },
      );
    },
    ...importHandlers(services),
    previewCopies: ({ sourceProfileId, targetProfileId, imageIds }) =>
      previewCopies({ source: glance(sourceProfileId), target: glance(targetProfileId) }, imageIds),
    startCopies: ({ localCopyFolder, ...request }) =>
      transfers.enqueueCopies(
        localCopyFolder === undefined
          ? request
          : {
              ...request,
              localCopyFolder: pathGrants.check('folder', localCopyFolder, 'download-folder'),
            },
      ),
    controlTransfer: async ({ id, action, keepTarget }) => {
      switch (action) {
        case 'pause':
          await transfers.pause(id);
          break;
        case 'resume':
          transfers.resume(id);
          break;
        case 'cancel':
          await transfers.cancel(id, keepTarget);
          break;
        case 'retry':
          await transfers.retry(id);
          break;
        case 'remove':
          await transfers.remove(id);
          break;
      }
    },
    revealTransfer: async ({ id }) => {
      os.revealInFolder(await existingFile(transfers.get(id)));
    },
    startDragTransfer: async ({ id }, { sender }) => {
      os.startDrag(await existingFile(transfers.get(id)), sender);
    },

    // What the user picks in main's own dialogs is granted to the renderer, for that purpose.
    chooseFolder: async (options) => {
      const folder = await dialogs.chooseFolder(options);
      if (folder !== null) pathGrants.grant('folder', folder);
      return folder;
    },
    chooseFiles: async (options) => {
      const files = await dialogs.chooseFiles(options);
      for (const file of files) pathGrants.grant(grantForPurpose[options.purpose], file);
      return files;
    },
  };
}

/** The paths in a profile form: the download folder main writes into and the CA file it reads. */
function checkProfilePaths(pathGrants: PathGrants, profile: ProfileInput): void {
  if (profile.downloadFolder !== undefined) {
    pathGrants.check('folder', profile.downloadFolder, 'download-folder');
  }
  if (profile.caFile !== undefined) pathGrants.check('ca-file', profile.caFile, 'ca-file');
}

/** Deletes the images a few at a time; one result per image, in order. */
function deleteImages(
  glance: Pick<ImageChanges, 'deleteImage'>,
  imageIds: string[],
): Promise<DeleteResult[]> {
  return forEachImage(imageIds, (imageId) => glance.deleteImage(imageId));
}

/** Runs `task` for each image, a few at a time; one result per image, in order. */
async function forEachImage(
  imageIds: string[],
  task: (imageId: string) => Promise<unknown>,
): Promise<ImageResult[]> {
  const limiter = new Limiter(changeConcurrency);
  const outcomes = await Promise.allSettled(
    imageIds.map((imageId) => limiter.queue(() => task(imageId))),
  );
  return outcomes.map((outcome, index) => {
    const imageId = imageIds[index] as string;
    return outcome.status === 'fulfilled'
      ? { imageId, ok: true }
      : { imageId, ok: false, error: toErrorData(outcome.reason) };
  });
}

/** The enums of Glance's image schema the create form offers (Glance lists `null` among them). */
function imageSchemaInfo(schema: Record<string, unknown>): ImageSchemaInfo {
  const properties = (schema.properties ?? {}) as Record<string, { enum?: unknown } | undefined>;
  const options = (field: string): string[] => {
    const values = properties[field]?.enum;
    return Array.isArray(values) ? values.filter((value) => typeof value === 'string') : [];
  };
  return {
    diskFormats: options('disk_format'),
    containerFormats: options('container_format'),
    visibilities: options('visibility'),
  };
}

/** The file of a transfer, for reveal and drag-out: a finished download's file, or an upload's source. */
async function existingFile(transfer: Transfer): Promise<string> {
  if (transfer.kind === 'download' && transfer.state !== 'done') {
    throw new AppError({
      kind: 'conflict',
      message: 'The download has not finished yet, so there is no file to show.',
      details: { reason: 'download-not-finished' },
    });
  }
  const found = await stat(transfer.path).catch(() => null);
  if (found === null || !found.isFile()) {
    throw new AppError({
      kind: 'not-found',
      message: `The file ${transfer.path} is no longer there: it was moved or deleted.`,
      details: { reason: 'file-gone', path: transfer.path },
    });
  }
  return transfer.path;
}

function toErrorData(error: unknown): AppErrorData {
  return isAppError(error)
    ? error.toJSON()
    : { kind: 'unexpected', message: defaultMessages.unexpected };
}

export interface DispatchOptions extends CallContext {
  /** Where unexpected errors are logged. Default: console.error. */
  log?: (line: string) => void;
}

/**
 * Runs one call from outside: validates the payload against the call's schema first (a bad
 * payload never reaches the handler), runs the handler, and returns an Envelope. Never
 * throws: an AppError crosses as its data; anything else becomes an 'unexpected' error
 * and is logged, scrubbed of secrets.
 */
export async function dispatch<N extends CallName>(
  handlers: Handlers,
  name: N,
  payload: unknown,
  options: DispatchOptions = {},
): Promise<Envelope<CallResult<N>>> {
  if (!Object.hasOwn(calls, name)) {
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: `There is no call named “${String(name)}”.`,
        details: { reason: 'unknown-call', name: String(name) },
      },
    };
  }
  const parsed = calls[name].input.safeParse(payload);
  if (!parsed.success) return { ok: false, error: validationError(parsed.error).toJSON() };
  const handler = handlers[name] as Handler<N>;
  try {
    return { ok: true, value: await handler(parsed.data as CallInput<N>, options) };
  } catch (error) {
    if (!isAppError(error)) {
      const log = options.log ?? ((line: string) => console.error(line));
      const text =
        error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
      log(`Call ${name} failed unexpectedly: ${scrubSecrets(text)}`);
    }
    return { ok: false, error: toErrorData(error) };
  }
}
