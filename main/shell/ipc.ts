/**
 * The IPC surface of main: one `ipcMain.handle` per contract call, plus the preload's
 * dropped-file grant, and nothing else. Each checks that the message comes from the app's
 * own top-level frame (as VS Code's validatedIpcMain does) before `dispatch` validates the
 * payload and runs the handler.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { isAbsolute } from 'node:path';
import { droppedFileChannel } from '../../common/channels';
import {
  callChannel,
  calls,
  eventChannel,
  type CallName,
  type Envelope,
  type Events,
} from '../../common/contract';
import { dispatch, type Handlers } from '../ipc/handlers';
import { isAppUrl } from './window';

export interface IpcOptions {
  handlers: Handlers;
  /** Lets the renderer use a file dropped from the OS (the preload reports its path). */
  grantDroppedFile: (path: string) => void;
  /** The app window (it may be re-created, e.g. on macOS). */
  getWindow: () => BrowserWindow | null;
  /** The app's page URL. */
  url: string;
  log: (line: string) => void;
}

/** True only for the main frame of our window, showing our page. */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: BrowserWindow | null,
  url: string,
): boolean {
  const frame = event.senderFrame;
  return (
    window !== null &&
    !window.isDestroyed() &&
    event.sender === window.webContents &&
    frame !== null &&
    frame.parent === null &&
    isAppUrl(frame.url, url)
  );
}

const refused: Envelope<never> = {
  ok: false,
  error: {
    kind: 'forbidden',
    message: 'This request did not come from the Glance Desk window.',
    details: { reason: 'not-from-app-window' },
  },
};

export function registerIpc({ handlers, grantDroppedFile, getWindow, url, log }: IpcOptions): void {
  for (const name of Object.keys(calls) as CallName[]) {
    ipcMain.handle(callChannel(name), (event, payload: unknown) => {
      if (!isTrustedSender(event, getWindow(), url)) {
        log(`Refused ${name} from ${event.senderFrame?.url ?? 'a closed frame'}`);
        return refused;
      }
      return dispatch(handlers, name, payload, { sender: event.sender, log });
    });
  }
  // Synchronous, so the grant is in place before the renderer can use the path; the
  // answer tells the preload whether it was accepted.
  ipcMain.on(droppedFileChannel, (event, path: unknown) => {
    const trusted = isTrustedSender(event, getWindow(), url);
    const accepted = trusted && typeof path === 'string' && isAbsolute(path);
    if (accepted) grantDroppedFile(path);
    else log(`Refused a dropped file from ${event.senderFrame?.url ?? 'a closed frame'}`);
    event.returnValue = accepted;
  });
}

/** Pushes an event to the window's renderer, if the window is still there. */
export function sendEvent<E extends keyof Events>(
  window: BrowserWindow | null,
  name: E,
  payload: Events[E],
): void {
  if (window === null || window.isDestroyed()) return;
  window.webContents.send(eventChannel(name), payload);
}
