import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A biller's own contract and unit tests live in its folder (adapters/<kind>/tests/).
    include: ['tests/**/*.test.ts', 'adapters/*/tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // One suite at a time per core keeps timing-sensitive tests honest on a 2-core machine.
    maxWorkers: 2,
  },
});
