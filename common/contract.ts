/**
 * The IPC contract: every call the renderer can make into main, with its input schema
 * (validated in main at run time, before any handler runs) and its result type, and every
 * event main pushes. Main registers one handler per call, the preload builds `window.api`
 * from this list, and the renderer imports only the types.
 *
 * Adding a call: add an entry to `calls`, then a handler in main/ipc/handlers.ts — the
 * compiler points at everything else.
 */
import { z } from 'zod';
import type { ActivityEntry } from './activity';
import type { ChannelCallName, EventName } from './channels';
import type { CopyPreview } from './copy';
import type { Diagnostics } from './diagnostics';
import type { FileInspection } from './disk-image';
import type { AppErrorData } from './errors';
import type { BulkPlan } from './bulk-edit';
import type { Image, ImagePage } from './image';
import { imageSortKeys } from './image';
import type { MetadefNamespace } from './metadefs';
import type { ImportOptions } from './import';
import {
  memberStatuses,
  type AddedMember,
  type ImageMemberInfo,
  type SharedWithMe,
} from './sharing';
import {
  appSettingsPatchSchema,
  existingFileChoices,
  profileInputSchema,
  type AppSettings,
  type ImportResult,
  type Profile,
  type SecretStorageStatus,
  type TestConnectionResult,
} from './profile';
import {
  transferActions,
  type DownloadsStarted,
  type Transfer,
  type TransferProgressEvent,
} from './transfer';
import { installTimes, type UpdateStatus } from './updates';

/** A call: its input schema, and (as a type only) its result. */
interface Call<Input extends z.ZodType, Result> {
  input: Input;
  /** Never set at run time: only carries the result type. */
  readonly resultType?: (result: Result) => Result;
}

function call<Result>() {
  return <Input extends z.ZodType>(input: Input): Call<Input, Result> => ({ input });
}

const none = z.undefined();
const id = z.string().min(1).max(255);
const profileId = id;
const imageId = id;
const path = z.string().min(1).max(4096);
const text = (max: number) => z.string().max(max);

const compareOperator = z.enum(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);
const oneOrMany = z.union([text(255), z.array(text(255)).max(100)]);

export const imageListQuerySchema = z
  .object({
    name: oneOrMany,
    status: oneOrMany,
    visibility: z.enum(['public', 'private', 'shared', 'community', 'all']),
    owner: oneOrMany,
    id: oneOrMany,
    disk_format: oneOrMany,
    container_format: oneOrMany,
    tags: z.array(text(255)).max(50),
    member_status: z.enum(['accepted', 'pending', 'rejected', 'all']),
    size_min: z.int().nonnegative(),
    size_max: z.int().nonnegative(),
    protected: z.boolean(),
    os_hidden: z.boolean(),
    created_at: z.object({ op: compareOperator, value: z.iso.datetime({ offset: true }) }),
    updated_at: z.object({ op: compareOperator, value: z.iso.datetime({ offset: true }) }),
    properties: z.record(text(255), text(255)),
    sort: z
      .array(z.object({ key: z.enum(imageSortKeys), dir: z.enum(['asc', 'desc']) }))
      .max(imageSortKeys.length),
    limit: z.int().min(1).max(1000),
    marker: id,
  })
  .partial()
  .strict();

const visibility = z.enum(['public', 'private', 'shared', 'community']);
const nonNegative = z
  .int()
  .nonnegative()
  .max(2 ** 31 - 1);
const propertyKey = z.string().min(1).max(255);

export const imageCreateSchema = z
  .object({
    id: z.uuid(),
    name: text(255),
    container_format: text(255),
    disk_format: text(255),
    min_disk: nonNegative,
    min_ram: nonNegative,
    protected: z.boolean(),
    os_hidden: z.boolean(),
    tags: z.array(text(255)).max(128),
    visibility,
    properties: z.record(propertyKey, text(65_535)),
  })
  .partial()
  .strict();

const jsonValue: z.ZodType<unknown> = z.json();
const pointer = z.string().regex(/^\/[^\s]*$/, 'A JSON pointer such as /name.');

export const patchOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: pointer, value: jsonValue }).strict(),
  z.object({ op: z.literal('replace'), path: pointer, value: jsonValue }).strict(),
  z.object({ op: z.literal('remove'), path: pointer }).strict(),
]);

/** A project to share with: by ID, or by name where Keystone lets the user look it up. */
const projectRef = z.union([
  z.object({ id }).strict(),
  z.object({ name: z.string().trim().min(1).max(64) }).strict(),
]);

/** One change to several images (common/bulk-edit.ts); main refuses properties Glance would. */
const bulkChangeSchema = z
  .object({
    addTags: z.array(text(255)).max(128),
    removeTags: z.array(text(255)).max(128),
    setProperties: z.record(propertyKey, text(65_535)),
    unsetProperties: z.array(propertyKey).max(500),
    visibility,
    protected: z.boolean(),
    os_hidden: z.boolean(),
    min_disk: nonNegative,
    min_ram: nonNegative,
  })
  .partial()
  .strict();

const transferAction = z.enum(transferActions);

const storeId = z.string().min(1).max(255);
/** The stores an import writes to (common/import.ts StoreChoice). */
const storeChoice = {
  stores: z.array(storeId).min(1).max(50).optional(),
  allStores: z.boolean().optional(),
  allStoresMustSucceed: z.boolean().optional(),
};
const importSource = z.discriminatedUnion('method', [
  z.object({ method: z.literal('glance-direct'), path }).strict(),
  z.object({ method: z.literal('web-download'), url: z.url({ protocol: /^https?$/ }) }).strict(),
  z.object({ method: z.literal('copy-image') }).strict(),
  z
    .object({ method: z.literal('glance-download'), region: text(255).min(1), imageId: z.uuid() })
    .strict(),
]);

/** What the create form needs from the cloud's image schema. */
export interface ImageSchemaInfo {
  diskFormats: string[];
  containerFormats: string[];
  visibilities: string[];
}

/** What a change to one of several images did. */
export interface ImageResult {
  imageId: string;
  ok: boolean;
  error?: AppErrorData;
}

/** What a patch did to one of several images: the image as it is now, when it worked. */
export interface UpdatedImage extends ImageResult {
  image?: Image;
}

export interface DeleteResult {
  imageId: string;
  ok: boolean;
  error?: AppErrorData;
}

export interface AppInfo {
  version: string;
  platform: string;
  /** The system locale, e.g. 'zh-CN' or 'en-US'. */
  systemLocale: string;
}

export const calls = {
  // App and settings
  getAppInfo: call<AppInfo>()(none),
  getSettings: call<AppSettings>()(none),
  updateSettings: call<AppSettings>()(appSettingsPatchSchema),
  /** Problems found at start-up (a corrupt settings file that was backed up, …), shown once. */
  getStartupProblems: call<AppErrorData[]>()(none),

  // Profiles
  listProfiles: call<Profile[]>()(none),
  saveProfile: call<Profile>()(
    z.object({ id: profileId.optional(), profile: profileInputSchema }).strict(),
  ),
  deleteProfile: call<undefined>()(z.object({ id: profileId }).strict()),
  testConnection: call<TestConnectionResult>()(
    z.union([
      z.object({ id: profileId }).strict(),
      /** An unsaved profile from the form; with `id`, a missing secret comes from that saved profile. */
      z.object({ profile: profileInputSchema, id: profileId.optional() }).strict(),
    ]),
  ),
  importProfiles: call<ImportResult>()(
    z
      .object({
        kind: z.enum(['clouds-yaml', 'openrc']),
        /** Absent for clouds.yaml: search the usual places. */
        path: path.optional(),
      })
      .strict(),
  ),
  getSecretStorageStatus: call<SecretStorageStatus>()(none),

  // Images
  /** With `nextLimit`, main starts loading the next page (that many images) at once. */
  listImages: call<ImagePage>()(
    z
      .object({
        profileId,
        query: imageListQuerySchema,
        nextLimit: z.int().min(1).max(1000).optional(),
      })
      .strict(),
  ),
  getImage: call<Image>()(z.object({ profileId, imageId }).strict()),
  createImage: call<Image>()(z.object({ profileId, fields: imageCreateSchema }).strict()),
  updateImage: call<Image>()(
    z.object({ profileId, imageId, ops: z.array(patchOperationSchema).min(1).max(500) }).strict(),
  ),
  deleteImages: call<DeleteResult[]>()(
    z.object({ profileId, imageIds: z.array(imageId).min(1).max(1000) }).strict(),
  ),
  /** Reads the images and says what patch the change would send to each; sends nothing. */
  planBulkEdit: call<BulkPlan>()(
    z
      .object({ profileId, imageIds: z.array(imageId).min(1).max(1000), change: bulkChangeSchema })
      .strict(),
  ),
  /** One patch per image, sent a few at a time; one result per image, in order. */
  updateImages: call<UpdatedImage[]>()(
    z
      .object({
        profileId,
        edits: z
          .array(z.object({ imageId, ops: z.array(patchOperationSchema).min(1).max(500) }).strict())
          .min(1)
          .max(1000)
          .refine(
            (edits) => new Set(edits.map((edit) => edit.imageId)).size === edits.length,
            'One patch per image.',
          ),
      })
      .strict(),
  ),
  setImageActive: call<undefined>()(z.object({ profileId, imageId, active: z.boolean() }).strict()),
  getImageSchema: call<ImageSchemaInfo>()(z.object({ profileId }).strict()),
  /** The cloud's metadata definitions for image properties (kept per cloud; `reload` reads them again). */
  getMetadefs: call<MetadefNamespace[]>()(
    z.object({ profileId, reload: z.boolean().optional() }).strict(),
  ),
  /** The import methods the cloud advertises and its stores. */
  getImportOptions: call<ImportOptions>()(z.object({ profileId }).strict()),
  /** Removes an image's data from one store (it stays in the others); the image after. */
  removeImageFromStore: call<Image>()(z.object({ profileId, imageId, store: storeId }).strict()),

  // Sharing: the owner's side (an image's member projects), then the member's.
  listImageMembers: call<ImageMemberInfo[]>()(z.object({ profileId, imageId }).strict()),
  /** How many projects each image is shared with (images the user owns); an image whose members cannot be read is left out. */
  countImageMembers: call<Record<string, number>>()(
    z.object({ profileId, imageIds: z.array(imageId).min(1).max(100) }).strict(),
  ),
  addImageMember: call<AddedMember>()(
    z.object({ profileId, imageId, project: projectRef }).strict(),
  ),
  removeImageMember: call<undefined>()(z.object({ profileId, imageId, memberId: id }).strict()),
  /** The images other projects shared with the user's project, and its answers. */
  listSharedWithMe: call<SharedWithMe>()(z.object({ profileId }).strict()),
  /** The user's project accepts, rejects or puts back to pending the shares of these images. */
  setShareStatus: call<ImageResult[]>()(
    z
      .object({
        profileId,
        imageIds: z.array(imageId).min(1).max(1000),
        status: z.enum(memberStatuses),
      })
      .strict(),
  ),

  // Transfers
  listTransfers: call<Transfer[]>()(none),
  /**
   * Queues downloads; images whose file is in the folder already come back in `existing`
   * for the user to choose, unless `existing` says what to do (absent: the settings').
   */
  startDownloads: call<DownloadsStarted>()(
    z
      .object({
        profileId,
        imageIds: z.array(imageId).min(1).max(1000),
        /** Absent: the profile's download folder. */
        folder: path.optional(),
        existing: z.enum(existingFileChoices).exclude(['ask']).optional(),
      })
      .strict(),
  ),
  /** Upload a local file into an existing queued image, or create the image first. */
  startUpload: call<Transfer>()(
    z.union([
      z.object({ profileId, path, imageId, store: storeId.optional() }).strict(),
      z.object({ profileId, path, create: imageCreateSchema, store: storeId.optional() }).strict(),
    ]),
  ),
  /** Import with one of Glance's methods, into an existing image or a new one. */
  startImport: call<Transfer>()(
    z.union([
      z.object({ profileId, source: importSource, imageId, ...storeChoice }).strict(),
      z
        .object({ profileId, source: importSource, create: imageCreateSchema, ...storeChoice })
        .strict(),
    ]),
  ),
  /** What a file picked or dropped for upload really is, from its headers. */
  inspectFile: call<FileInspection>()(z.object({ path }).strict()),
  controlTransfer: call<undefined>()(
    z
      .object({
        id,
        action: transferAction,
        /**
         * A copy's cancel: keep its unfinished image on the target cloud (queued, named as
         * such). An import's: keep its image (a file already staged whole is imported), or
         * delete it; unset, only an image the import created is deleted.
         */
        keepTarget: z.boolean().optional(),
      })
      .strict(),
  ),
  /** What copying these images to another cloud would set there, leave out, and find already there. */
  previewCopies: call<CopyPreview[]>()(
    z
      .object({
        sourceProfileId: profileId,
        targetProfileId: profileId,
        imageIds: z.array(imageId).min(1).max(1000),
      })
      .strict(),
  ),
  /** Copy images to another cloud, each with the fields the user settled on (common/copy.ts). */
  startCopies: call<Transfer[]>()(
    z
      .object({
        sourceProfileId: profileId,
        targetProfileId: profileId,
        items: z
          .array(z.object({ imageId, create: imageCreateSchema }).strict())
          .min(1)
          .max(1000),
        /** Also keep a local copy of each image in this folder. */
        localCopyFolder: path.optional(),
      })
      .strict(),
  ),
  /** Show a finished download in the file manager. */
  revealTransfer: call<undefined>()(z.object({ id }).strict()),
  /** Start an OS drag of a finished download's file (call from the row's dragstart). */
  startDragTransfer: call<undefined>()(z.object({ id }).strict()),

  // Activity log and diagnostics
  /** What the user changed, newest first; of one cloud with `profileId`. */
  listActivity: call<ActivityEntry[]>()(
    z
      .object({ profileId: profileId.optional(), limit: z.int().min(1).max(10_000).optional() })
      .strict(),
  ),
  /** Asks where to save (main's dialog) and writes the activity log there: the path, or null when cancelled. */
  exportActivity: call<string | null>()(
    z
      .object({
        format: z.enum(['csv', 'json']),
        profileId: profileId.optional(),
        /** The save dialog's title, in the UI's language. */
        title: text(200).optional(),
      })
      .strict(),
  ),
  /** Versions, platform and the clouds without secrets, for "Copy diagnostics". */
  getDiagnostics: call<Diagnostics>()(none),
  /** Shows the folder of the log files in the file manager. */
  openLogFolder: call<undefined>()(none),

  // Updates (main/updates)
  getUpdateStatus: call<UpdateStatus>()(none),
  /** Looks for an update now, as the Help menu does; the outcome comes as `updateStatusChanged`. */
  checkForUpdates: call<UpdateStatus>()(none),
  /** Installs the downloaded update: now (refused while transfers run), after the transfers, or on quit. */
  installUpdate: call<UpdateStatus>()(z.object({ when: z.enum(installTimes) }).strict()),

  // Dialogs (main owns them; the result is what the user picked, or nothing)
  chooseFolder: call<string | null>()(
    z.object({ title: text(200).optional(), defaultPath: path.optional() }).strict(),
  ),
  chooseFiles: call<string[]>()(
    z
      .object({
        purpose: z.enum(['image', 'clouds-yaml', 'openrc', 'ca-file']),
        multiple: z.boolean().optional(),
      })
      .strict(),
  ),
} as const;

/** Events main pushes to the renderer. */
export interface Events {
  transfersChanged: TransferProgressEvent;
  updateStatusChanged: UpdateStatus;
}

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallResult<N extends CallName> =
  Calls[N] extends Call<z.ZodType, infer Result> ? Result : never;

/** What crosses IPC for every call: errors travel as data, never as thrown Error objects (which lose their fields). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

// The channel names live in ./channels (no zod, for the sandboxed preload's bundle); this
// fails to compile unless its lists name exactly the calls and events above.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ChannelListsMatch = [
  Assert<Same<CallName, ChannelCallName>>,
  Assert<Same<keyof Events, EventName>>,
];
export { callChannel, callNames, channelPrefix, eventChannel, eventNames } from './channels';

/**
 * `window.api` as the preload exposes it: one method per call, resolving to an envelope,
 * one `on…` subscription per event returning an unsubscribe, and the preload-only
 * `pathForFile` for files dropped from the OS.
 */
export type Api = {
  [N in CallName]: (
    ...args: z.input<Calls[N]['input']> extends undefined ? [] : [input: z.input<Calls[N]['input']>]
  ) => Promise<Envelope<CallResult<N>>>;
} & {
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** The local path of a File dropped from the OS (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
};
