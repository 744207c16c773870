/**
 * The bridge: `window.api`, built from the channel list. One method per contract call
 * (each an `ipcRenderer.invoke` on its own channel), `on(event, listener)` for the events
 * main pushes (the listener never sees the IpcRendererEvent; returns an unsubscribe), and
 * `pathForFile` for files dropped from the OS. Nothing else crosses; never ipcRenderer.
 * Sandboxed and bundled as CommonJS: it imports only the names, not the zod schemas.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  callChannel,
  callNames,
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

// Built from the name list, so the compiler cannot see each method's own types; the
// contract's compile-time check and the shell tests keep the names and channels in step.
const api = {
  ...methods,
  on,
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} as unknown as Api;

contextBridge.exposeInMainWorld('api', api);
