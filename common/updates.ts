/**
 * Automatic updates, as main reports them to the renderer: where the update is (a phase
 * with its typed values), why updates are off or why a check failed (codes), and what the
 * renderer should show (`notice`, decided by main/updates/policy.ts). The renderer words
 * every code in the user's language.
 */

/** Why the app does not look for updates. */
export type UpdatesOffReason =
  /** A development build (`app.isPackaged` false): never checked. */
  | 'development'
  /** GLANCE_DESK_DISABLE_UPDATES is set. */
  | 'environment'
  /** The machine's policy file turns updates off. */
  | 'policy'
  /** The policy file exists but is not valid (`policyFile` says where). */
  | 'policy-invalid'
  /** This kind of installation cannot update itself (e.g. an unpacked Linux build, not an AppImage). */
  | 'unsupported';

/** Why a check or a download failed. */
export type UpdateProblem =
  /** No connection to the update server (refused, no DNS, offline, timed out). */
  | 'unreachable'
  /** The TLS certificate of the update server is not trusted. */
  | 'certificate'
  /** The server has no update feed (or file) at that address (404). */
  | 'not-found'
  /** The server answered with an error (`status`, 4xx other than 404 or 5xx). */
  | 'server-error'
  /** The feed (`latest.yml`) is not valid: malformed YAML, no version, no files. */
  | 'bad-feed'
  /** The downloaded update does not match the feed's checksum. */
  | 'bad-download'
  /** Anything else; main's log has the details. */
  | 'other';

export type UpdatePhase =
  | { phase: 'off'; reason: UpdatesOffReason; policyFile?: string }
  /** Nothing checked yet (automatic checks turned off in the settings, or not yet started). */
  | { phase: 'idle' }
  | { phase: 'checking' }
  /** A newer version was found; its download is starting. */
  | { phase: 'available'; version: string }
  | { phase: 'downloading'; version: string; percent: number }
  /** Downloaded: installed on quit, or at once on "Restart now". */
  | { phase: 'ready'; version: string }
  /** The latest version is the one running. */
  | { phase: 'up-to-date' }
  | { phase: 'error'; problem: UpdateProblem; status?: number };

/**
 * What the renderer shows: nothing, a short line about a check the user asked for, or the
 * restart prompt (with its variants while transfers run or a restart waits for them).
 */
export type UpdateNotice =
  | 'none'
  | 'off'
  | 'checking'
  | 'downloading'
  | 'up-to-date'
  | 'error'
  /** "Restart now" / "Later". */
  | 'ready'
  /** Transfers run: "Restart after transfers finish" / "Later". */
  | 'ready-transfers-running'
  /** The app restarts when the transfers finish: "Don't restart". */
  | 'restart-pending';

export type UpdateStatus = UpdatePhase & {
  /** The running version. */
  currentVersion: string;
  /** Whether the user asked for this check (Help menu, Settings): then its outcome is shown. */
  manual: boolean;
  /** Transfers queued or moving bytes: a restart now would interrupt them. */
  transfersRunning: number;
  /** The user chose to restart once the transfers finish. */
  restartPending: boolean;
  notice: UpdateNotice;
};

/** When to install a downloaded update. */
export const installTimes = [
  /** Restart and install at once (refused while transfers run). */
  'now',
  /** Restart as soon as no transfer runs. */
  'when-transfers-finish',
  /** When the app quits (the default; also cancels a pending restart). */
  'on-quit',
] as const;

export type InstallTime = (typeof installTimes)[number];
