/**
 * The copy dialog's request, shared by whatever opens it (the image list's "Copy to…", a
 * drop on a cloud in the sidebar, the compare view) and App.svelte, which shows it.
 */

export interface CopyDialogRequest {
  sourceProfileId: string;
  imageIds: string[];
  /** The cloud dropped on or picked; absent: the dialog asks. */
  targetProfileId?: string;
}

class CopyDialog {
  request = $state.raw<CopyDialogRequest | undefined>();

  open(request: CopyDialogRequest): void {
    this.request = request;
  }

  close(): void {
    this.request = undefined;
  }
}

export const copyDialog = new CopyDialog();
