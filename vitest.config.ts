import { defineConfig } from 'vitest/config';

/** The e2e files whose labs run on kind (Docker containers); every other file needs no Docker. */
export const KIND_FILES = ['test/e2e/kind-lab.test.ts', 'test/e2e/existing-kind.test.ts', 'test/e2e/upgrade-kind.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two projects, each one file at a time; one vitest runs them from one pool of workers, so one file at a time in
    // all. Run as two vitest processes side by side, OCM's e2e BeforeSuite (its 90 s for a klusterlet to join) failed
    // in 2 of 3 full CI runs while local labs shared the 2 cores.
    projects: [
      { extends: true, test: { name: 'kind', include: KIND_FILES, fileParallelism: false } },
      { extends: true, test: { name: 'local', include: ['test/**/*.test.ts'], exclude: KIND_FILES, fileParallelism: false } },
    ],
  },
});
