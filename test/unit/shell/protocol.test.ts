// The glance-desk:// scheme the built renderer is served from: privileged as a standard,
// secure scheme; only files inside the renderer folder; the CSP on every answer.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  appScheme,
  appUrl,
  registerAppScheme,
  rendererFile,
  serveRenderer,
} from '../../../main/shell/protocol';
import { contentSecurityPolicy } from '../../../main/shell/window';
import { protocol } from './electron-mock';

vi.mock('electron', () => import('./electron-mock'));

let dir: string;

beforeAll(async () => {
  const parent = await mkdtemp(join(tmpdir(), 'glance-desk-renderer-'));
  dir = join(parent, 'renderer');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Glance Desk</title>');
  await writeFile(join(dir, 'assets', 'index.js'), 'console.log(1);');
  await writeFile(join(parent, 'secret.html'), 'outside');
  await writeFile(join(dir, 'notes.txt'), 'not a web file');
});

describe('the app scheme', () => {
  it('is registered as a standard, secure scheme', () => {
    registerAppScheme();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'glance-desk',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      },
    ]);
  });

  it('points the app at the dev server under electron-vite dev, else at the scheme', () => {
    expect(appUrl(false, {})).toBe('glance-desk://app/index.html');
    expect(appUrl(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toBe(
      'http://localhost:5173/',
    );
  });

  it('loads its own page when packaged, whatever the environment says', () => {
    expect(appUrl(true, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBe(
      'glance-desk://app/index.html',
    );
  });

  it('maps URLs to files inside the renderer folder only', () => {
    expect(rendererFile(dir, 'glance-desk://app/')).toBe(join(dir, 'index.html'));
    expect(rendererFile(dir, 'glance-desk://app/assets/index.js?v=1#x')).toBe(
      join(dir, 'assets', 'index.js'),
    );
    // The URL parser already resolves plain and %2e dot segments within the path...
    expect(rendererFile(dir, 'glance-desk://app/../secret.html')).toBe(join(dir, 'secret.html'));
    expect(rendererFile(dir, 'glance-desk://app/%2e%2e/secret.html')).toBe(
      join(dir, 'secret.html'),
    );
    // ...but encoded slashes only turn into a path after decoding: refused.
    for (const url of [
      'glance-desk://app/assets/..%2f..%2fsecret.html',
      'glance-desk://app/%E0%A4%A',
      'glance-desk://other/index.html',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(rendererFile(dir, url), url).toBeNull();
    }
  });

  it('answers files with their type and the CSP header; 404 for anything else', async () => {
    serveRenderer(dir);
    const handler = protocol.handlers.get(appScheme);
    if (!handler) throw new Error('No protocol handler');
    const get = (url: string) => handler(new Request(url));

    const page = await get('glance-desk://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(await page.text()).toContain('<title>Glance Desk</title>');

    const script = await get('glance-desk://app/assets/index.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    for (const url of [
      'glance-desk://app/assets/..%2f..%2fsecret.html',
      'glance-desk://app/%2e%2e/secret.html',
      'glance-desk://app/missing.js',
      'glance-desk://app/notes.txt',
      'glance-desk://other/index.html',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
  });
});
