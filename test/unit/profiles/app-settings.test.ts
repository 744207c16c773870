import { describe, expect, it } from 'vitest';
import { AppError, type ErrorDetails } from '../../../common/errors';
import { AppSettingsStore } from '../../../main/settings/app-settings';
import { openConf, tempSettingsFolder } from './helpers';

function validationDetails(action: () => unknown): ErrorDetails | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('validation');
    return (error as AppError).details;
  }
  throw new Error('expected a validation error');
}

const invalid = (...fields: string[]) => ({
  reason: 'invalid-values',
  values: fields.map((field) => ({ field, missing: false })),
});

describe('AppSettingsStore', () => {
  it('sets each setting and keeps it across a restart', () => {
    const folder = tempSettingsFolder();
    const settings = new AppSettingsStore(openConf(folder).store);
    settings.set('locale', 'zh-CN');
    settings.set('theme', 'dark');
    settings.set('pinnedFolders', ['/srv/images', 'D:\\Images']);
    settings.set('lastProfileId', 'c5a1e7f0-3b7d-4e0b-9a7e-2f1d0c9b8a76');
    settings.set('windowBounds', { x: -1280, y: 24, width: 1280, height: 800, maximized: false });

    const reopened = new AppSettingsStore(openConf(folder).store);
    expect(reopened.all()).toEqual({
      locale: 'zh-CN',
      theme: 'dark',
      pinnedFolders: ['/srv/images', 'D:\\Images'],
      lastProfileId: 'c5a1e7f0-3b7d-4e0b-9a7e-2f1d0c9b8a76',
      windowBounds: { x: -1280, y: 24, width: 1280, height: 800, maximized: false },
    });
    expect(reopened.get('theme')).toBe('dark');

    reopened.set('lastProfileId', undefined);
    expect(new AppSettingsStore(openConf(folder).store).all()).not.toHaveProperty('lastProfileId');
  });

  it('applies several settings at once and leaves the others alone', () => {
    const settings = new AppSettingsStore(openConf(tempSettingsFolder()).store);
    expect(settings.update({ locale: 'en', theme: 'light' })).toEqual({
      locale: 'en',
      theme: 'light',
      pinnedFolders: [],
    });
  });

  it('rejects invalid values and unknown settings, and keeps what was there', () => {
    const settings = new AppSettingsStore(openConf(tempSettingsFolder()).store);
    settings.set('theme', 'dark');
    expect(validationDetails(() => settings.update({ locale: 'fr' }))).toEqual(invalid('locale'));
    expect(
      validationDetails(() => settings.update({ theme: 'light', pinnedFolders: [''] })),
    ).toEqual(invalid('pinnedFolders.0'));
    expect(
      validationDetails(() =>
        settings.update({
          windowBounds: { x: 0, y: 0, width: 10.5, height: 600, maximized: false },
        }),
      ),
    ).toEqual(invalid('windowBounds.width'));
    expect(validationDetails(() => settings.update({ autoUpdate: true }))).toEqual({
      reason: 'unknown-settings',
      keys: ['autoUpdate'],
    });
    expect(validationDetails(() => settings.update('dark'))).toEqual(invalid('value'));
    expect(settings.get('theme')).toBe('dark');
  });
});
