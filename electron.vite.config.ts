import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// One build, three bundles: main (ESM), preload (CommonJS, so it can run in a sandboxed
// renderer) and the Svelte renderer.
export default defineConfig({
  main: {
    build: {
      rolldownOptions: { input: { index: resolve('main/shell/index.ts') } },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    base: './',
    plugins: [svelte()],
    build: {
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
