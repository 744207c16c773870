// The real dialog and OS adapters over a mocked electron.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../common/errors';
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
    const dialogs = dialogAdapter(() => window as never);
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
    const dialogs = dialogAdapter(() => null);
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
});
