/**
 * App-wide settings (language, theme, pinned download folders, last active profile, window
 * bounds, how transfers run), kept in the same settings file as the profiles. Every write
 * is validated; settings a file does not hold yet read as their defaults.
 */
import { AppError, validationError } from '../../common/errors';
import { appSettingsSchema, type AppSettings } from '../../common/profile';
import type { SettingsStoreLike } from './settings-file';

export class AppSettingsStore {
  private readonly listeners = new Set<(settings: AppSettings) => void>();

  constructor(private readonly store: SettingsStoreLike) {}

  all(): AppSettings {
    return appSettingsSchema.parse(this.store.get('app'));
  }

  /** Calls `listener` with the settings after each change; returns the unsubscribe function. */
  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get<K extends keyof AppSettings>(key: K): AppSettings[K] {
    return this.all()[key];
  }

  /** Sets one setting; `undefined` clears an optional one (last profile, window bounds). */
  set<K extends keyof AppSettings>(key: K, value: AppSettings[K]): AppSettings {
    return this.update({ [key]: value });
  }

  /** Applies several settings at once; `patch` may come straight from the renderer. */
  update(patch: unknown): AppSettings {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new AppError({
        kind: 'validation',
        message: 'Settings must be an object.',
        details: { reason: 'invalid-values', values: [{ field: 'value', missing: false }] },
      });
    }
    const unknownKeys = Object.keys(patch).filter((key) => !(key in appSettingsSchema.shape));
    if (unknownKeys.length > 0) {
      throw new AppError({
        kind: 'validation',
        message: `Unknown setting: ${unknownKeys.join(', ')}.`,
        details: { reason: 'unknown-settings', keys: unknownKeys },
      });
    }
    const merged = Object.fromEntries(
      Object.entries({ ...this.all(), ...patch }).filter(([, value]) => value !== undefined),
    );
    const parsed = appSettingsSchema.safeParse(merged);
    if (!parsed.success) throw validationError(parsed.error);
    this.store.set('app', parsed.data);
    for (const listener of this.listeners) listener(parsed.data);
    return parsed.data;
  }
}
