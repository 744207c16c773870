import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// unit: plain Node, no servers. integration and e2e: against one real Keystone + Glance
// test bed per run, started by the global setup and shared by every file. The setup is
// per project so that a unit-only run starts no servers; the two projects share one bed.
const testbed = ['test/testbed/global-setup.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        // The svelte plugin compiles the renderer's rune modules (*.svelte.ts) for its unit tests.
        plugins: [svelte()],
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        test: {
          name: 'integration',
          globalSetup: testbed,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          globalSetup: testbed,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // The built app in real Electron; skipped (and says why) where the binary is missing.
        test: {
          name: 'electron',
          globalSetup: testbed,
          include: ['test/electron/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
