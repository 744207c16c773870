import { defineConfig } from 'vitest/config';

// unit: plain Node, no servers. integration and e2e: against one real Keystone + Glance
// test bed per run, started by the global setup and shared by every file.
export default defineConfig({
  test: {
    globalSetup: ['test/testbed/global-setup.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
