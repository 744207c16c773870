// The real dialog and OS adapters over a mocked electron.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { calls } from '../../../common/contract';
import { AppError } from '../../../common/errors';
import { wordsFor, type UiLocale } from '../../../main/i18n';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { dialogAdapter, openExternal, osAdapter } from '../../../main/shell/adapters';
import { BrowserWindow, dialog, FakeWebContents, Notification, shell } from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));

beforeEach(() => {
  vi.clearAllMocks();
  Notification.shown = [];
  Notification.supported = true;
});

describe('OS adapter', () => {
  const os = osAdapter();

  it('opens only https links to the fixed list of hosts in the browser', async () => {
    await openExternal('https://docs.openstack.org/api-ref/image/v2/');
    expect(shell.openExternal).toHaveBeenCalledWith('https://docs.openstack.org/api-ref/image/v2/');
    for (const url of [
      'http://docs.openstack.org/',
      'https://evil.example/',
      'https://docs.openstack.org.evil.example/',
      'https://user:pass@docs.openstack.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'x',
    ]) {
      await expect(openExternal(url), url).rejects.toBeInstanceOf(AppError);
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('starts a drag of the file from the asking window, with an icon', () => {
    const sender = new FakeWebContents();
    os.startDrag('/home/me/images/ubuntu.qcow2', sender);
    expect(sender.startDrag).toHaveBeenCalledWith({
      file: '/home/me/images/ubuntu.qcow2',
      icon: expect.objectContaining({ dataUrl: expect.stringMatching(/^data:image\/png;base64,/) }),
    });
    expect(() => os.startDrag('/x', undefined)).toThrow(AppError);
  });

  it('reveals a file in its folder and shows notifications where supported', () => {
    os.revealInFolder('/home/me/images/ubuntu.qcow2');
    expect(shell.showItemInFolder).toHaveBeenCalledWith('/home/me/images/ubuntu.qcow2');
    os.notify('Download finished', 'ubuntu was saved.');
    expect(Notification.shown).toEqual([{ title: 'Download finished', body: 'ubuntu was saved.' }]);
    Notification.supported = false;
    os.notify('Download failed', 'no');
    expect(Notification.shown).toHaveLength(1);
  });
});

describe('dialog adapter', () => {
  it('asks for a folder as a sheet of the window; null when cancelled', async () => {
    const window = new BrowserWindow({});
    const dialogs = dialogAdapter(
      () => window as never,
      () => wordsFor('en'),
    );
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/picked'] });
    expect(await dialogs.chooseFolder({ title: 'Download to', defaultPath: '/home/me' })).toBe(
      '/picked',
    );
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(window, {
      title: 'Download to',
      defaultPath: '/home/me',
      properties: ['openDirectory', 'createDirectory'],
    });
    expect(await dialogs.chooseFolder({})).toBeNull();
  });

  it('asks for files with filters that fit the purpose', async () => {
    const dialogs = dialogAdapter(
      () => null,
      () => wordsFor('en'),
    );
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/a', '/b'] });
    expect(await dialogs.chooseFiles({ purpose: 'image', multiple: true })).toEqual(['/a', '/b']);
    const [options] = dialog.showOpenDialog.mock.calls[0] as unknown as [
      { properties: string[]; filters: { extensions: string[] }[] },
    ];
    expect(options.properties).toEqual(['openFile', 'multiSelections']);
    expect(options.filters[0]?.extensions).toContain('qcow2');

    expect(await dialogs.chooseFiles({ purpose: 'openrc' })).toEqual([]);
    const [openrc] = dialog.showOpenDialog.mock.calls[1] as unknown as [
      { properties: string[]; filters: { extensions: string[] }[] },
    ];
    expect(openrc.properties).toEqual(['openFile']);
    // openrc files often have no extension: the dialog starts on "All files".
    expect(openrc.filters[0]?.extensions).toEqual(['*']);
  });

  it('titles every dialog and names its filters in the app’s language, read at each dialog', async () => {
    let locale: UiLocale = 'zh-CN';
    const dialogs = dialogAdapter(
      () => null,
      () => wordsFor(locale),
    );
    const purposes = calls.chooseFiles.input.shape.purpose.options;
    /** The title and filter names of every dialog main opens, in the language now set. */
    const shown = async (): Promise<string[][]> => {
      dialog.showOpenDialog.mockClear();
      dialog.showSaveDialog.mockClear();
      await dialogs.chooseFolder({});
      for (const purpose of purposes) await dialogs.chooseFiles({ purpose });
      await dialogs.saveFile({ purpose: 'activity-csv', defaultName: 'activity.csv' });
      const options = [
        ...dialog.showOpenDialog.mock.calls,
        ...dialog.showSaveDialog.mock.calls,
      ] as unknown as [{ title: string; filters?: { name: string }[] }][];
      return options.map(([{ title, filters = [] }]) => [title, ...filters.map((f) => f.name)]);
    };

    const chinese = await shown();
    expect(chinese).toHaveLength(purposes.length + 2);
    expect(chinese[0]).toEqual(['选择文件夹']);
    expect(chinese[1]).toEqual(['选择要上传的镜像文件', '磁盘镜像', '所有文件']);
    expect(chinese.at(-1)).toEqual(['另存为', 'CSV']);
    locale = 'en';
    const english = await shown();
    expect(english[1]).toEqual(['Choose the image file to upload', 'Disk images', 'All files']);

    // Every word is the dictionary's (file types named by their own names aside).
    const ownNames = ['clouds.yaml', 'CSV'];
    for (const [language, words] of [
      ['en', english],
      ['zh-CN', chinese],
    ] as const) {
      const dictionary = dictionaryValues(language);
      for (const word of words.flat()) {
        if (!ownNames.includes(word)) expect(dictionary, language).toContain(word);
      }
    }

    // A title the page sent (already in the UI's language) wins.
    await dialogs.chooseFolder({ title: '下载到' });
    expect(dialog.showOpenDialog).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '下载到' }),
    );
  });
});

function dictionaryValues(locale: UiLocale): string[] {
  return Object.values(locale === 'en' ? en : zhCN);
}
