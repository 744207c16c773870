import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, type ErrorDetails } from '../../../common/errors';
import { defaultAppSettings } from '../../../common/profile';
import { AppSettingsStore } from '../../../main/settings/app-settings';
import { settingsFilePath } from '../../../main/settings/settings-file';
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

const transferDefaults = {
  transfersAtOnce: 2,
  connectionsPerDownload: 4,
  downloadLimitMBps: null,
  uploadLimitMBps: null,
  existingFile: 'ask',
};

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
      ...defaultAppSettings,
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
      ...defaultAppSettings,
      locale: 'en',
      theme: 'light',
    });
  });

  it('keeps the transfer settings across a restart, and a change to one leaves the others', () => {
    const folder = tempSettingsFolder();
    const settings = new AppSettingsStore(openConf(folder).store);
    settings.update({
      transfersAtOnce: 8,
      connectionsPerDownload: 16,
      downloadLimitMBps: 12.5,
      uploadLimitMBps: 0.1,
      existingFile: 'skip',
    });
    settings.update({ uploadLimitMBps: null, theme: 'dark' });
    expect(new AppSettingsStore(openConf(folder).store).all()).toMatchObject({
      theme: 'dark',
      transfersAtOnce: 8,
      connectionsPerDownload: 16,
      downloadLimitMBps: 12.5,
      uploadLimitMBps: null,
      existingFile: 'skip',
    });
  });

  it('reads the transfer defaults from a file written before they existed, without repairs', () => {
    const folder = tempSettingsFolder();
    openConf(folder).store.set('app', { locale: 'en', theme: 'light', pinnedFolders: [] });
    const file = JSON.parse(readFileSync(settingsFilePath(folder), 'utf8')) as {
      app: Record<string, unknown>;
    };
    file.app = { locale: 'en', theme: 'light', pinnedFolders: [] }; // as version 3 wrote it
    writeFileSync(settingsFilePath(folder), JSON.stringify(file));

    const opened = openConf(folder);
    expect(opened.problems).toEqual([]);
    const settings = new AppSettingsStore(opened.store);
    expect(settings.all()).toEqual({ ...defaultAppSettings, locale: 'en', theme: 'light' });
    expect(settings.all()).toMatchObject(transferDefaults);
    settings.set('theme', 'dark');
    expect(settings.get('transfersAtOnce')).toBe(2);
  });

  it('refuses transfer settings out of bounds, and keeps what was there', () => {
    const settings = new AppSettingsStore(openConf(tempSettingsFolder()).store);
    settings.set('transfersAtOnce', 3);
    for (const [patch, field] of [
      [{ transfersAtOnce: 0 }, 'transfersAtOnce'],
      [{ transfersAtOnce: 9 }, 'transfersAtOnce'],
      [{ transfersAtOnce: 2.5 }, 'transfersAtOnce'],
      [{ connectionsPerDownload: 17 }, 'connectionsPerDownload'],
      [{ downloadLimitMBps: 0 }, 'downloadLimitMBps'],
      [{ uploadLimitMBps: -1 }, 'uploadLimitMBps'],
      [{ downloadLimitMBps: '5' }, 'downloadLimitMBps'],
      [{ existingFile: 'rename' }, 'existingFile'],
    ] as const) {
      expect(validationDetails(() => settings.update(patch))).toEqual(invalid(field));
    }
    expect(settings.all()).toMatchObject({ ...transferDefaults, transfersAtOnce: 3 });
  });

  it('tells its listeners about each change', () => {
    const settings = new AppSettingsStore(openConf(tempSettingsFolder()).store);
    const seen: number[] = [];
    const stop = settings.onChange((all) => seen.push(all.transfersAtOnce));
    settings.set('transfersAtOnce', 5);
    expect(() => settings.set('transfersAtOnce', 50)).toThrow(AppError);
    stop();
    settings.set('transfersAtOnce', 6);
    expect(seen).toEqual([5]);
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
