/**
 * The real dialog and OS adapters createServices takes, over Electron's dialog, shell,
 * Notification and WebContents.startDrag, and the shell's own link opener (the Help menu's
 * links; the page has no call that opens one).
 */
import {
  dialog,
  nativeImage,
  Notification,
  shell,
  type BrowserWindow,
  type FileFilter,
  type OpenDialogOptions,
  type SaveDialogOptions,
  type WebContents,
} from 'electron';
import { AppError } from '../../common/errors';
import type { DialogAdapter, FilePurpose, OsAdapter, SavePurpose } from '../app';
import type { Say, Words } from '../i18n';
import { dragIconDataUrl } from './drag-icon';

/** Each purpose's title and filters; the first filter is the one the dialog starts with. */
function fileDialog(purpose: FilePurpose, say: Say): { title: string; filters: FileFilter[] } {
  const allFiles: FileFilter = { name: say('dialog.filter.all'), extensions: ['*'] };
  switch (purpose) {
    case 'image':
      return {
        title: say('dialog.chooseImage'),
        filters: [
          {
            name: say('dialog.filter.diskImages'),
            extensions: [
              'qcow2',
              'img',
              'raw',
              'iso',
              'vmdk',
              'vdi',
              'vhd',
              'vhdx',
              'ploop',
              'ami',
            ],
          },
          allFiles,
        ],
      };
    case 'clouds-yaml':
      return {
        title: say('dialog.chooseCloudsYaml'),
        filters: [{ name: 'clouds.yaml', extensions: ['yaml', 'yml'] }, allFiles],
      };
    case 'openrc':
      return {
        title: say('dialog.chooseOpenrc'),
        // openrc files often have no extension at all ("admin-openrc").
        filters: [allFiles, { name: say('dialog.filter.shellScripts'), extensions: ['sh'] }],
      };
    case 'ca-file':
      return {
        title: say('dialog.chooseCaFile'),
        filters: [{ name: say('dialog.filter.pem'), extensions: ['pem', 'crt', 'cer'] }, allFiles],
      };
  }
}

const saveFilters: Record<SavePurpose, FileFilter[]> = {
  'activity-csv': [{ name: 'CSV', extensions: ['csv'] }],
  'activity-json': [{ name: 'JSON', extensions: ['json'] }],
};

/**
 * Dialogs parented to the app window, titled in the app's language (`getWords`, read at
 * each dialog) unless the renderer sent a title in it.
 */
export function dialogAdapter(
  getWindow: () => BrowserWindow | null,
  getWords: () => Words,
): DialogAdapter {
  const open = (options: OpenDialogOptions) => {
    const window = getWindow();
    return window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
  };
  return {
    async chooseFolder({ title, defaultPath }) {
      const result = await open({
        title: title ?? getWords().say('dialog.chooseFolder'),
        ...(defaultPath === undefined ? {} : { defaultPath }),
        properties: ['openDirectory', 'createDirectory'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseFiles({ purpose, multiple }) {
      const result = await open({
        ...fileDialog(purpose, getWords().say),
        properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
      });
      return result.canceled ? [] : result.filePaths;
    },
    async saveFile({ purpose, defaultName, title }) {
      const options: SaveDialogOptions = {
        title: title ?? getWords().say('dialog.saveAs'),
        defaultPath: defaultName,
        filters: saveFilters[purpose],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const window = getWindow();
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      return result.canceled || result.filePath === '' ? null : result.filePath;
    },
  };
}

function isWebContents(sender: unknown): sender is WebContents {
  return typeof (sender as Partial<WebContents> | null)?.startDrag === 'function';
}

export function osAdapter(): OsAdapter {
  return {
    revealInFolder: (path) => shell.showItemInFolder(path),
    startDrag(path, sender) {
      if (!isWebContents(sender)) {
        throw new AppError({
          kind: 'unsupported',
          message: 'Dragging files out needs the app window.',
          details: { reason: 'drag-needs-window' },
        });
      }
      sender.startDrag({ file: path, icon: nativeImage.createFromDataURL(dragIconDataUrl) });
    },
    notify(title, body) {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    async openFolder(path) {
      const problem = await shell.openPath(path);
      if (problem !== '') {
        throw new AppError({
          kind: 'filesystem',
          message: `Could not open ${path}: ${problem}`,
          details: { reason: 'cannot-open', path },
        });
      }
    },
  };
}

/** The only sites the app opens in the browser: where its Help menu points. */
export const externalHosts: readonly string[] = ['docs.openstack.org'];

/** Opens an https link to one of `externalHosts` in the user's browser; refuses anything else. */
export async function openExternal(url: string): Promise<void> {
  if (!isExternalLink(url)) {
    throw new AppError({
      kind: 'validation',
      message: `Only links to ${externalHosts.join(', ')} are opened in the browser.`,
      details: { reason: 'link-not-allowed', hosts: [...externalHosts] },
    });
  }
  await shell.openExternal(url);
}

function isExternalLink(url: string): boolean {
  let link: URL;
  try {
    link = new URL(url);
  } catch {
    return false;
  }
  return (
    link.protocol === 'https:' &&
    link.username === '' &&
    link.password === '' &&
    externalHosts.includes(link.hostname)
  );
}
