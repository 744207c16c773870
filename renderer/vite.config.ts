import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Renderer-only build (the same settings as the renderer section of electron.vite.config.ts),
// so the e2e suite and the benchmarks can build and open the UI without main and preload.
// Run from the repository root: `vite build --config renderer/vite.config.ts`.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: { outDir: '../out/renderer', emptyOutDir: true },
});
