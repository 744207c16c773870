/**
 * Starting downloads, from wherever (the image list's buttons, a drop on a folder), and the
 * question main leaves to the user: what to do with the images whose file is in the folder
 * already. App.svelte shows the question (ExistingFileDialog.svelte).
 */
import type { ExistingFileChoice } from '../../../common/profile';
import type { ExistingDownload } from '../../../common/transfer';
import { errorText, t } from '../i18n/index.svelte';
import { api } from './api';
import { app } from './app.svelte';

export type ExistingAnswer = Exclude<ExistingFileChoice, 'ask'>;

/** Where the downloads go: a profile, and a folder (absent: the profile's). */
export interface DownloadPlace {
  profileId: string;
  folder?: string;
  /** The folder's name for the toast; absent: the toast names none. */
  label?: string;
}

/** Images whose file is in the folder already, the first one being asked about. */
export interface ExistingQuestion {
  place: DownloadPlace;
  files: ExistingDownload[];
}

class ExistingFiles {
  question = $state.raw<ExistingQuestion | undefined>();

  /**
   * The user's answer for the first file, or for it and the rest (`forTheRest`); none
   * (the dialog closed): none of them is downloaded.
   */
  async answer(choice: ExistingAnswer | undefined, forTheRest: boolean): Promise<void> {
    const question = this.question;
    if (question === undefined) return;
    const all = choice === undefined || forTheRest;
    const answered = all ? question.files : question.files.slice(0, 1);
    const left = all ? [] : question.files.slice(1);
    this.question = left.length > 0 ? { ...question, files: left } : undefined;
    if (choice === undefined) return;
    await startDownloads(
      question.place,
      answered.map((file) => file.imageId),
      choice,
    );
  }
}

export const existingFiles = new ExistingFiles();

/**
 * Queues downloads of `imageIds`, says how many started (and how many were skipped), and
 * asks about the images whose file is in the folder already. `existing` answers for them.
 */
export async function startDownloads(
  place: DownloadPlace,
  imageIds: string[],
  existing?: ExistingAnswer,
): Promise<void> {
  try {
    const started = await api.startDownloads({
      profileId: place.profileId,
      imageIds,
      ...(place.folder === undefined ? {} : { folder: place.folder }),
      ...(existing === undefined ? {} : { existing }),
    });
    app.mergeTransfers(started.transfers);
    const count = started.transfers.length;
    if (count > 0) {
      app.toast(
        'info',
        place.label === undefined
          ? t('toast.downloadsStarted', { count })
          : t('toast.downloadsStartedIn', { count, folder: place.label }),
      );
    }
    if (started.skipped.length > 0) {
      app.toast('info', t('toast.downloadsSkipped', { count: started.skipped.length }));
    }
    if (started.existing.length > 0) {
      const asked = existingFiles.question?.files ?? [];
      existingFiles.question = { place, files: [...asked, ...started.existing] };
    }
  } catch (error) {
    app.toast('error', errorText(error));
  }
}
