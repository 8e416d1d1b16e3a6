import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // The integration tests spend much of their time waiting on child processes (the action, git,
    // the agent CLIs): two files at a time keep both cores busy on a 2-core machine, where the
    // default (cores - 1) runs one.
    maxWorkers: 2,
  },
});
