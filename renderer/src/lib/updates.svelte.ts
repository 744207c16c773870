/**
 * The update state main reports (`updateStatusChanged`), and the user's answers to it:
 * check now, restart now or after the transfers, or later. "Later" hides the banner until
 * main has something new to say.
 */
import type { InstallTime, UpdateStatus } from '../../../common/updates';
import { errorText } from '../i18n/index.svelte';
import { api, onEvent } from './api';
import { app } from './app.svelte';

/** What makes one notice differ from the next: a new phase, version, percent or transfer count. */
function noticeKey(status: UpdateStatus): string {
  return JSON.stringify({ ...status, manual: undefined });
}

class UpdateState {
  status = $state.raw<UpdateStatus | undefined>();
  #dismissed = $state<string | undefined>();
  /** The banner is shown: main has something to say that the user has not put off. */
  shown = $derived(
    this.status !== undefined &&
      this.status.notice !== 'none' &&
      noticeKey(this.status) !== this.#dismissed,
  );

  async start(): Promise<void> {
    onEvent('updateStatusChanged', (status) => (this.status = status));
    try {
      // Events sent before this page subscribed are in the current status.
      this.status ??= await api.getUpdateStatus();
    } catch (error) {
      app.toast('error', errorText(error));
    }
  }

  /** Main answers with `updateStatusChanged` events, as for every change. */
  async check(): Promise<void> {
    this.#dismissed = undefined;
    try {
      await api.checkForUpdates();
    } catch (error) {
      app.toast('error', errorText(error));
    }
  }

  async install(when: InstallTime): Promise<void> {
    try {
      await api.installUpdate({ when });
    } catch (error) {
      app.toast('error', errorText(error));
    }
  }

  /** "Later": the update is installed on quit; the banner comes back when there is news. */
  later(): void {
    if (this.status) this.#dismissed = noticeKey(this.status);
  }
}

export const updates = new UpdateState();
