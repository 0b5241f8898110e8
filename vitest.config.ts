import { defineConfig } from 'vitest/config';

/** The e2e files whose labs run on kind (Docker containers); every other file needs no Docker. */
export const KIND_FILES = ['test/e2e/kind-lab.test.ts', 'test/e2e/ocm-e2e-suite.test.ts', 'test/e2e/existing-kind.test.ts', 'test/e2e/upgrade-kind.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two streams, each one file at a time: kind labs spend most of their time waiting on OCM's own timers in
    // containers, so the local files run meanwhile (two labs side by side is itself a claim we make). `npm test` runs
    // each project in a vitest of its own (ops/test-projects.ts): one vitest runs projects from one pool of workers.
    // A test whose upstream timeouts cannot stretch takes the machine alone (test/support/machine-turns.ts).
    projects: [
      { extends: true, test: { name: 'kind', include: KIND_FILES, fileParallelism: false } },
      { extends: true, test: { name: 'local', include: ['test/**/*.test.ts'], exclude: KIND_FILES, fileParallelism: false, setupFiles: ['test/support/shared-turn.ts'] } },
    ],
  },
});
