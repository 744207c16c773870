/**
 * App-wide state: settings, profiles and the active one, transfers (kept current by
 * main's `transfersChanged` events) and toasts. One instance, shared by every view.
 */
import type { AppInfo } from '../../../common/contract';
import {
  defaultAppSettings,
  type AppSettings,
  type Profile,
  type SecretStorageStatus,
} from '../../../common/profile';
import {
  actionOutcome,
  bytesInPart,
  isFinished,
  type Transfer,
  type TransferAction,
  type TransferProgressEvent,
} from '../../../common/transfer';
import { api, onEvent } from './api';
import { errorText, setLocale, t, uiLocaleFor } from '../i18n/index.svelte';

export type View =
  'images' | 'shared' | 'compare' | 'transfers' | 'profiles' | 'activity' | 'settings';

export interface Toast {
  id: number;
  kind: 'info' | 'ok' | 'error';
  text: string;
}

export { isFinished } from '../../../common/transfer';

/** A step that would drop unsaved edits, waiting for the user's answer. */
export interface LeaveQuestion {
  /** The edited image's name, to say whose changes would go. */
  name: string;
  go: () => void;
}

/**
 * Downloaded bytes that `action` would delete, to ask before: those in the `.part`, when
 * the action discards it (cancelling a download, removing a failed one).
 */
export function bytesLostBy(transfer: Transfer, action: TransferAction): number {
  return actionOutcome(transfer, action)?.leftovers === 'discard' ? bytesInPart(transfer) : 0;
}

class AppState {
  info = $state<AppInfo>({ version: '', platform: '', systemLocale: 'en' });
  settings = $state<AppSettings>({ ...defaultAppSettings });
  profiles = $state<Profile[]>([]);
  activeProfileId = $state<string | undefined>();
  activeProfile = $derived(this.profiles.find((p) => p.id === this.activeProfileId));
  secretStatus = $state<SecretStorageStatus | undefined>();
  view = $state<View>('images');
  transfers = $state.raw<Transfer[]>([]);
  activeTransfers = $derived(this.transfers.filter((tr) => !isFinished(tr)).length);
  toasts = $state<Toast[]>([]);
  ready = $state(false);
  startupError = $state<string | undefined>();
  /** An image whose details the image list opens when it shows its cloud (see `openImage`). */
  pendingDetails = $state.raw<{ profileId: string; imageId: string } | undefined>();
  /** Set while the user is asked whether unsaved edits may be dropped. */
  leaving = $state.raw<LeaveQuestion | undefined>();

  #nextToast = 1;
  #unsaved: (() => string | undefined) | undefined;
  readonly #finishedListeners = new Set<(transfer: Transfer) => void>();

  /**
   * Hears of each transfer as it ends (done, failed or cancelled), e.g. to show its image
   * as the cloud has it now. Returns the removal.
   */
  onTransferFinished(listener: (transfer: Transfer) => void): () => void {
    this.#finishedListeners.add(listener);
    return () => this.#finishedListeners.delete(listener);
  }

  /**
   * Registers the one place that may hold unsaved edits (the details panel): `check`
   * answers the edited image's name while there are unsaved changes. Returns the removal.
   */
  guardUnsaved(check: () => string | undefined): () => void {
    this.#unsaved = check;
    return () => {
      if (this.#unsaved === check) this.#unsaved = undefined;
    };
  }

  /** Runs `go`, a step that would drop unsaved edits, at once if there are none, else once the user agrees. */
  leave(go: () => void): void {
    const name = this.#unsaved?.();
    if (name === undefined) go();
    else this.leaving = { name, go };
  }

  /** The answer to `leaving`: drop the edits and take the step, or keep editing. */
  answerLeave(discard: boolean): void {
    const question = this.leaving;
    this.leaving = undefined;
    if (discard) question?.go();
  }

  async start(): Promise<void> {
    onEvent('transfersChanged', (event) => this.followTransfers(event));
    try {
      const [info, settings, profiles, secretStatus, transfers, problems] = await Promise.all([
        api.getAppInfo(),
        api.getSettings(),
        api.listProfiles(),
        api.getSecretStorageStatus(),
        api.listTransfers(),
        api.getStartupProblems(),
      ]);
      this.info = info;
      this.settings = settings;
      this.applyAppearance();
      this.profiles = profiles;
      this.secretStatus = secretStatus;
      this.transfers = transfers;
      const last = profiles.find((p) => p.id === settings.lastProfileId) ?? profiles[0];
      this.activeProfileId = last?.id;
      if (!last) this.view = 'profiles';
      for (const problem of problems) this.toast('error', errorText(problem));
    } catch (error) {
      this.startupError = errorText(error);
    }
    this.ready = true;
  }

  applyAppearance(): void {
    const locale =
      this.settings.locale === 'system'
        ? uiLocaleFor(this.info.systemLocale)
        : this.settings.locale;
    setLocale(locale);
    const root = document.documentElement;
    if (this.settings.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = this.settings.theme;
  }

  async updateSettings(change: Partial<AppSettings>): Promise<void> {
    try {
      this.settings = await api.updateSettings(change);
      this.applyAppearance();
    } catch (error) {
      this.toast('error', errorText(error));
    }
  }

  async useProfile(id: string): Promise<void> {
    this.activeProfileId = id;
    this.view = 'images';
    await this.updateSettings({ lastProfileId: id });
  }

  /** Shows an image's details in the image list of its cloud (from the compare view). */
  openImage(profileId: string, imageId: string): void {
    this.leave(() => {
      this.pendingDetails = { profileId, imageId };
      void this.useProfile(profileId);
    });
  }

  async reloadProfiles(): Promise<void> {
    this.profiles = await api.listProfiles();
    if (!this.profiles.some((p) => p.id === this.activeProfileId)) {
      this.activeProfileId = this.profiles[0]?.id;
    }
  }

  /**
   * Applies main's change event: the one source of the transfer list, so no view adds,
   * edits or removes an entry by itself. Says when a transfer ends or main pauses one.
   */
  followTransfers({ transfers: changed, removed }: TransferProgressEvent): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
    const byId = new Map(this.transfers.map((tr) => [tr.id, tr]));
    for (const id of removed) byId.delete(id);
    for (const transfer of changed) {
      const before = byId.get(transfer.id);
      if (before && !isFinished(before) && isFinished(transfer)) {
        this.announceFinished(transfer);
        for (const listener of this.#finishedListeners) listener(transfer);
      } else if (before?.state !== 'paused' && transfer.state === 'paused' && transfer.error) {
        // Main paused it (a full disk): say so, as for a failure.
        const reason = errorText(transfer.error);
        const name = transfer.imageName || transfer.imageId;
        this.toast('error', t('toast.transferPaused', { name, reason }));
      }
      byId.set(transfer.id, transfer);
    }
    this.transfers = [...byId.values()];
  }

  /**
   * The transfers a start call answered with, shown at once: only those no event has
   * brought yet, since any event about a transfer is at least as new as that answer.
   */
  mergeTransfers(started: Transfer[]): void {
    const known = new Set(this.transfers.map((tr) => tr.id));
    const news = started.filter((tr) => !known.has(tr.id));
    if (news.length > 0) this.transfers = [...this.transfers, ...news];
  }

  announceFinished(transfer: Transfer): void {
    const name = transfer.imageName || transfer.imageId;
    if (transfer.state === 'done' && transfer.copy) {
      const cloud = this.profiles.find((p) => p.id === transfer.copy?.targetProfileId)?.name ?? '';
      this.toast('ok', t('toast.copied', { name, cloud }));
    } else if (transfer.state === 'done') {
      const key =
        transfer.kind === 'download'
          ? 'toast.downloaded'
          : transfer.kind === 'import'
            ? 'toast.imported'
            : 'toast.uploaded';
      this.toast('ok', t(key, { name }));
    } else if (transfer.state === 'failed') {
      const reason = transfer.error ? errorText(transfer.error) : '';
      this.toast('error', t('toast.transferFailed', { name, reason }));
    }
  }

  toast(kind: Toast['kind'], text: string): void {
    const id = this.#nextToast++;
    this.toasts.push({ id, kind, text });
    setTimeout(() => this.dismiss(id), kind === 'error' ? 10_000 : 5_000);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }
}

export const app = new AppState();
