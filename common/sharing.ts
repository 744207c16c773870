/**
 * Sharing images between projects (Glance's image members), as main reports it to the
 * renderer. The owner adds member projects to an image whose visibility is `shared`; each
 * member project accepts or rejects it (or puts it back to pending). Types only.
 */
import type { Image, ImageMember } from './image';

export type MemberStatus = ImageMember['status'];

export const memberStatuses = [
  'pending',
  'accepted',
  'rejected',
] as const satisfies readonly MemberStatus[];

/** A member project of an image, with the project's name where Keystone told it. */
export interface ImageMemberInfo extends ImageMember {
  projectName?: string;
}

/** A member just added, and whether Keystone confirmed that its project exists. */
export interface AddedMember {
  member: ImageMemberInfo;
  /** False where Keystone does not let the user look projects up: Glance takes any ID. */
  checked: boolean;
}

/** An image another project shared with the user's project, and the project's answer. */
export interface SharedImage {
  image: Image;
  status: MemberStatus;
}

export interface SharedWithMe {
  /** The user's project: the member the answers are given for. */
  projectId: string;
  images: SharedImage[];
}
