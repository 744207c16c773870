/**
 * The activity log: what the user changed on each cloud through Glance Desk, kept on this
 * computer so that "who deleted that image, and when" has an answer. Main records and
 * exports the entries; the renderer shows them and words the action and outcome codes.
 * Types only: the renderer imports this file.
 */
import type { ErrorKind } from './errors';
import type { PatchOperation } from './image';

export const activityActions = [
  'created',
  'uploaded',
  'imported',
  'edited',
  'deleted',
  'deactivated',
  'reactivated',
  // Sharing: the owner adds or removes a member project; the member answers.
  'member-added',
  'member-removed',
  'share-accepted',
  'share-rejected',
  'share-pending',
  /** An image copied here from another cloud (`copiedFrom` says which). */
  'copied',
] as const;
export type ActivityAction = (typeof activityActions)[number];

/** Done, or failed with the error's kind and, when known, its HTTP status, code and request id. */
export type ActivityOutcome =
  { ok: true } | { ok: false; kind: ErrorKind; status?: number; code?: string; requestId?: string };

export interface ActivityEntry {
  /** ISO 8601, UTC. */
  time: string;
  profileId: string;
  /** The cloud's profile name at the time (the profile may have been renamed or deleted since). */
  profileName: string;
  action: ActivityAction;
  imageId: string;
  imageName: string;
  /** `edited`: the JSON patch that was sent. */
  patch?: PatchOperation[];
  /** Set when long patch values were cut short to keep the log small. */
  abridged?: true;
  /** Sharing: the member project (the one added or removed, or the user's own that answered). */
  project?: string;
  /** `copied`: the cloud (its profile name then) and the image it was copied from. */
  copiedFrom?: { cloud: string; imageId: string };
  outcome: ActivityOutcome;
}

export type ActivityExportFormat = 'csv' | 'json';
