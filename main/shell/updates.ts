/**
 * electron-updater behind main/updates/service.ts's UpdaterPort: it downloads what it finds
 * in the background and installs it when the app quits; its events and warnings become
 * UpdaterEvents. The only module that touches electron-updater (which imports electron).
 */
import type { AppUpdater, ProgressInfo, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import type { UpdaterEvent, UpdaterPort } from '../updates/service';

export function electronUpdaterPort(updater: AppUpdater): UpdaterPort {
  const listeners = new Set<(event: UpdaterEvent) => void>();
  const send = (event: UpdaterEvent) => {
    for (const listener of listeners) listener(event);
  };
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.logger = {
    info: () => undefined,
    warn: (message: unknown) => send({ type: 'log', level: 'warn', message: String(message) }),
    error: (message: unknown) => send({ type: 'log', level: 'error', message: String(message) }),
  };
  updater.on('checking-for-update', () => send({ type: 'checking' }));
  updater.on('update-available', (info: UpdateInfo) =>
    send({ type: 'available', version: info.version }),
  );
  updater.on('update-not-available', () => send({ type: 'not-available' }));
  updater.on('download-progress', (progress: ProgressInfo) =>
    send({ type: 'progress', percent: progress.percent }),
  );
  updater.on('update-downloaded', (event: UpdateDownloadedEvent) =>
    send({ type: 'downloaded', version: event.version }),
  );
  updater.on('error', (error: Error) => send({ type: 'error', error }));

  return {
    useGenericFeed(url) {
      updater.setFeedURL({ provider: 'generic', url });
    },
    async check() {
      const result = await updater.checkForUpdates();
      // null: not an installation that can update itself (e.g. Linux, but not an AppImage).
      if (result === null) return 'inactive';
      // Its failure is also reported by the 'error' event.
      result.downloadPromise?.catch(() => undefined);
      return 'checked';
    },
    installNow() {
      // Silently (no installer window), then start the new version.
      updater.quitAndInstall(true, true);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
