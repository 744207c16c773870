/**
 * The bridge: `window.api`, built from the channel list. One method per contract call
 * (each an `ipcRenderer.invoke` on its own channel), `on(event, listener)` for the events
 * main pushes (the listener never sees the IpcRendererEvent; returns an unsubscribe), and
 * `pathForFile` for files dropped from the OS, which also tells main it may use that path.
 * Nothing else crosses; never ipcRenderer.
 * Sandboxed and bundled as CommonJS: it imports only the names, not the zod schemas.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  callChannel,
  callNames,
  droppedFileChannel,
  eventChannel,
  eventNames,
  type EventName,
} from '../common/channels';
import type { Api } from '../common/contract';

const methods = Object.fromEntries(
  callNames.map((name) => [
    name,
    (input?: unknown) => ipcRenderer.invoke(callChannel(name), input),
  ]),
);

function on(event: EventName, listener: (payload: unknown) => void): () => void {
  if (!eventNames.includes(event)) throw new Error(`Unknown event: ${String(event)}`);
  const channel = eventChannel(event);
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

/**
 * The path of a File the user dropped (or picked in an <input type=file>): webUtils gives
 * '' for a File made up in JS, so the page cannot name a path of its choosing here. Main
 * accepts the path for an upload only from this message; '' when it refused.
 */
function pathForFile(file: File): string {
  const path = webUtils.getPathForFile(file);
  if (path === '') return '';
  return ipcRenderer.sendSync(droppedFileChannel, path) === true ? path : '';
}

// Built from the name list, so the compiler cannot see each method's own types; the
// contract's compile-time check and the shell tests keep the names and channels in step.
const api = {
  ...methods,
  on,
  pathForFile,
} as unknown as Api;

contextBridge.exposeInMainWorld('api', api);
