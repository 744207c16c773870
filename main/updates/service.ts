/**
 * The app's update state, in plain Node: it applies main/updates/policy.ts to what the
 * updater reports (through `UpdaterPort`, which main/shell/updates.ts implements over
 * electron-updater), reports one `UpdateStatus` to its listeners (the renderer), and
 * restarts into a downloaded update only when no transfer would be interrupted.
 */
import { AppError } from '../../common/errors';
import type { Transfer, TransferProgressEvent } from '../../common/transfer';
import type { InstallTime, UpdatePhase, UpdateStatus } from '../../common/updates';
import type { LogFields } from '../logging/app-log';
import {
  decideUpdates,
  interruptedByRestart,
  noticeFor,
  readPolicyFile,
  updateProblem,
  type UpdatePolicyFile,
} from './policy';

/** What the updater reports, in its own order: checking, then available or not, progress, downloaded; or an error. */
export type UpdaterEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; error: unknown }
  /** The updater's own warnings, for the log file. */
  | { type: 'log'; level: 'warn' | 'error'; message: string };

/** The updater, as the shell wraps it: it downloads what it finds, and installs it when the app quits. */
export interface UpdaterPort {
  /** Uses the generic feed at `url` instead of the one the package was built with. */
  useGenericFeed(url: string): void;
  /** Looks for an update (and starts its download); 'inactive' when this installation cannot update itself. */
  check(): Promise<'checked' | 'inactive'>;
  /** Quits, installs the downloaded update and starts the new version. */
  installNow(): void;
  subscribe(listener: (event: UpdaterEvent) => void): () => void;
}

export interface UpdateLog {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface UpdateServiceOptions {
  /** Builds the updater, only once updates are allowed. Absent: no updater (tests, development). */
  createUpdater?: () => UpdaterPort;
  /** `app.isPackaged`: development builds never look for updates. */
  packaged: boolean;
  environment: Readonly<Record<string, string | undefined>>;
  /** The machine's policy file (policy.ts `systemPolicyFile`). */
  policyFile: string;
  currentVersion: string;
  /** The user's setting: look for updates at start. */
  automatic: () => boolean;
  transfers: {
    list(): Transfer[];
    onChange(listener: (event: TransferProgressEvent) => void): () => void;
  };
  log: UpdateLog;
}

/** The phases from which a check starts. */
const startsCheck = new Set<UpdatePhase['phase']>(['idle', 'up-to-date', 'error']);

export class UpdateService {
  #phase: UpdatePhase;
  readonly #port: UpdaterPort | undefined;
  #manual = false;
  #restartPending = false;
  #transfersRunning: number;
  readonly #listeners = new Set<(status: UpdateStatus) => void>();
  readonly #stop: (() => void)[] = [];

  private constructor(
    private readonly options: UpdateServiceOptions,
    policy: UpdatePolicyFile,
  ) {
    const { createUpdater, packaged, environment, log } = options;
    const decision = decideUpdates({
      packaged: packaged && createUpdater !== undefined,
      environment,
      policy,
    });
    if (policy.kind === 'invalid') {
      log.error('update.policy-invalid', { path: options.policyFile, problem: policy.problem });
    }
    if (!decision.allowed) {
      this.#phase = {
        phase: 'off',
        reason: decision.reason,
        ...(decision.reason.startsWith('policy') ? { policyFile: options.policyFile } : {}),
      };
      if (packaged) log.info('update.off', { reason: decision.reason });
    } else {
      this.#phase = { phase: 'idle' };
      try {
        this.#port = createUpdater?.();
      } catch (error) {
        // electron-updater refuses to start (e.g. an app version that is not semver).
        log.error('update.unavailable', { message: String(error) });
        this.#phase = { phase: 'off', reason: 'unsupported' };
      }
      if (this.#port && decision.feedUrl !== undefined) {
        this.#port.useGenericFeed(decision.feedUrl);
        log.info('update.feed', { url: decision.feedUrl });
      }
      if (this.#port) this.#stop.push(this.#port.subscribe((event) => this.#follow(event)));
    }
    this.#transfersRunning = this.#countRunning();
    this.#stop.push(options.transfers.onChange(() => this.#transfersChanged()));
  }

  /** Reads the policy file and sets the updater up; checks nothing yet. */
  static async open(options: UpdateServiceOptions): Promise<UpdateService> {
    const policy: UpdatePolicyFile =
      options.packaged && options.createUpdater !== undefined
        ? await readPolicyFile(options.policyFile)
        : { kind: 'absent' };
    return new UpdateService(options, policy);
  }

  status(): UpdateStatus {
    const context = {
      manual: this.#manual,
      transfersRunning: this.#transfersRunning,
      restartPending: this.#restartPending,
    };
    return {
      ...this.#phase,
      currentVersion: this.options.currentVersion,
      ...context,
      notice: noticeFor(this.#phase, context),
    };
  }

  onChange(listener: (status: UpdateStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The check at start, unless the user turned automatic checks off. */
  async checkAtStart(): Promise<void> {
    if (this.options.automatic()) await this.check(false);
  }

  /**
   * Looks for an update (downloaded in the background when found). `manual`: the user
   * asked (Help menu, Settings), so its outcome is shown, whatever it is.
   */
  async check(manual: boolean): Promise<UpdateStatus> {
    const port = this.#port;
    // Off, or already under way (a downloaded update is not looked for again).
    if (!port || !startsCheck.has(this.#phase.phase)) return this.#ask(manual);
    this.#manual = manual;
    this.#set({ phase: 'checking' });
    try {
      if ((await port.check()) === 'inactive') this.#set({ phase: 'off', reason: 'unsupported' });
    } catch (error) {
      this.#fail(error);
    }
    return this.status();
  }

  /**
   * Installs the downloaded update: now (refused while transfers run), as soon as they
   * have finished, or when the app quits (the default, which also cancels a pending restart).
   */
  install(when: InstallTime): UpdateStatus {
    if (this.#phase.phase !== 'ready') {
      throw new AppError({
        kind: 'conflict',
        message: 'No update has been downloaded.',
        details: { reason: 'no-update-ready' },
      });
    }
    this.options.log.info('update.install', { when, transfersRunning: this.#transfersRunning });
    if (when === 'now' && this.#transfersRunning > 0) {
      throw new AppError({
        kind: 'conflict',
        message: `${this.#transfersRunning} transfers are running; a restart would interrupt them.`,
        details: { reason: 'transfers-running', count: this.#transfersRunning },
      });
    }
    if (when === 'on-quit') {
      this.#restartPending = false;
    } else if (this.#transfersRunning === 0) {
      this.#port?.installNow();
    } else {
      this.#restartPending = true;
    }
    this.#emit();
    return this.status();
  }

  close(): void {
    for (const stop of this.#stop.splice(0)) stop();
    this.#listeners.clear();
  }

  /** A check asked for while one runs, or while updates are off: say where things stand. */
  #ask(manual: boolean): UpdateStatus {
    if (manual && !this.#manual) {
      this.#manual = true;
      this.#emit();
    }
    return this.status();
  }

  #follow(event: UpdaterEvent): void {
    const { log } = this.options;
    switch (event.type) {
      case 'checking':
        if (this.#phase.phase !== 'checking') this.#set({ phase: 'checking' });
        return;
      case 'available':
        log.info('update.found', { version: event.version });
        return this.#set({ phase: 'available', version: event.version });
      case 'not-available':
        return this.#set({ phase: 'up-to-date' });
      case 'progress': {
        const phase = this.#phase;
        if (phase.phase !== 'available' && phase.phase !== 'downloading') return;
        const percent = Math.min(100, Math.max(0, Math.floor(event.percent)));
        // Progress comes many times a second: tell the renderer only whole percents.
        if (phase.phase === 'downloading' && phase.percent === percent) return;
        return this.#set({ phase: 'downloading', version: phase.version, percent });
      }
      case 'downloaded':
        log.info('update.ready', { version: event.version });
        return this.#set({ phase: 'ready', version: event.version });
      case 'error':
        return this.#fail(event.error);
      case 'log':
        log[event.level]('update.updater', { message: event.message });
        return;
    }
  }

  #fail(error: unknown): void {
    if (this.#phase.phase === 'error') return;
    const { problem, status } = updateProblem(error);
    this.options.log.warn('update.failed', {
      problem,
      status,
      message: error instanceof Error ? error.message : String(error),
    });
    this.#restartPending = false;
    this.#set({ phase: 'error', problem, ...(status === undefined ? {} : { status }) });
  }

  #countRunning(): number {
    return this.options.transfers.list().filter(interruptedByRestart).length;
  }

  #transfersChanged(): void {
    const running = this.#countRunning();
    if (running === this.#transfersRunning) return;
    this.#transfersRunning = running;
    if (running === 0 && this.#restartPending && this.#phase.phase === 'ready') {
      this.#restartPending = false;
      this.options.log.info('update.install', { when: 'transfers-finished' });
      this.#port?.installNow();
    }
    this.#emit();
  }

  #set(phase: UpdatePhase): void {
    this.#phase = phase;
    this.#emit();
  }

  #emit(): void {
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }
}
