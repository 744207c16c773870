// The preload, with a mocked electron: `window.api` has one method per contract call (on
// its own channel), `on` and `pathForFile`, and nothing else; it bundles into one small
// CommonJS file that needs nothing but electron (a sandboxed preload can require little).
import { resolve } from 'node:path';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { droppedFileChannel } from '../../../common/channels';
import {
  callChannel,
  callNames,
  calls,
  eventChannel,
  type Api,
  type CallName,
} from '../../../common/contract';
import { contextBridge, ipcRenderer, webUtils } from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));

let api: Api;

beforeAll(async () => {
  await import('../../../preload/index');
  expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, exposed] = contextBridge.exposeInMainWorld.mock.calls[0] as [string, Api];
  expect(key).toBe('api');
  api = exposed;
});

describe('window.api', () => {
  it('has exactly one method per contract call, plus on and pathForFile', () => {
    expect(Object.keys(api).sort()).toEqual([...Object.keys(calls), 'on', 'pathForFile'].sort());
    expect([...callNames].sort()).toEqual(Object.keys(calls).sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('never hands out ipcRenderer or any of its functions', () => {
    const values: unknown[] = Object.values(api);
    expect(values).not.toContain(ipcRenderer);
    for (const fn of Object.values(ipcRenderer)) expect(values).not.toContain(fn);
  });

  it('sends each call on its own channel with the input as given', async () => {
    for (const name of Object.keys(calls) as CallName[]) {
      ipcRenderer.invoke.mockClear();
      const method = api[name] as (input?: unknown) => Promise<unknown>;
      await method({ probe: name });
      expect(ipcRenderer.invoke, name).toHaveBeenCalledExactlyOnceWith(callChannel(name), {
        probe: name,
      });
    }
    ipcRenderer.invoke.mockClear();
    await api.listProfiles();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(callChannel('listProfiles'), undefined);
  });

  it('returns what main answered (the envelope), untouched', async () => {
    const envelope = { ok: false, error: { kind: 'forbidden', message: 'No.' } };
    ipcRenderer.invoke.mockResolvedValueOnce(envelope);
    await expect(api.getSettings()).resolves.toBe(envelope);
  });

  it('subscribes to an event without exposing the IPC event, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = api.on('transfersChanged', listener);
    expect(ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, forward] = ipcRenderer.on.mock.calls[0] as [
      string,
      (event: unknown, payload: unknown) => void,
    ];
    expect(channel).toBe(eventChannel('transfersChanged'));

    const payload = { transfers: [], removed: [] };
    forward({ sender: 'the IpcRendererEvent', ports: [] }, payload);
    expect(listener).toHaveBeenCalledExactlyOnceWith(payload);

    unsubscribe();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(channel, forward);
  });

  it('refuses to subscribe to anything that is not a contract event', () => {
    ipcRenderer.on.mockClear();
    const on = api.on as (event: string, listener: () => void) => () => void;
    expect(() => on('glance-desk:call:deleteProfile', () => undefined)).toThrow(/Unknown event/);
    expect(ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('gives the local path of a dropped file through webUtils, once main has granted it', () => {
    ipcRenderer.sendSync.mockReset().mockReturnValueOnce(true);
    const file = { name: 'disk.qcow2' } as unknown as File;
    expect(api.pathForFile(file)).toBe('/dropped/disk.qcow2');
    expect(webUtils.getPathForFile).toHaveBeenCalledWith(file);
    expect(ipcRenderer.sendSync).toHaveBeenCalledExactlyOnceWith(
      droppedFileChannel,
      '/dropped/disk.qcow2',
    );
  });

  it('gives no path when main refuses the grant, and asks nothing for a File made in JS', () => {
    ipcRenderer.sendSync.mockReset().mockReturnValueOnce(false);
    expect(api.pathForFile({ name: 'disk.qcow2' } as unknown as File)).toBe('');

    ipcRenderer.sendSync.mockReset();
    webUtils.getPathForFile.mockReturnValueOnce('');
    expect(api.pathForFile(new File(['x'], '/home/me/.ssh/id_rsa'))).toBe('');
    expect(ipcRenderer.sendSync).not.toHaveBeenCalled();
  });
});

describe('the preload bundle', () => {
  it('is one small CommonJS file that requires only electron (no zod, no Node modules)', async () => {
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: resolve('preload/index.ts'), formats: ['cjs'], fileName: 'index' },
        rolldownOptions: { external: ['electron'] },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((output) => output.output);
    expect(chunks).toHaveLength(1);
    const [chunk] = chunks;
    if (chunk?.type !== 'chunk') throw new Error('No chunk');
    expect(chunk.code.match(/require\([^)]*\)/g)).toEqual(['require("electron")']);
    expect(chunk.code).not.toMatch(/\bz\.(object|string|enum)\(|safeParse|ZodError/);
    expect(chunk.code.length).toBeLessThan(8_000);
  });
});
