import type { Page } from 'playwright-core';
import { it } from 'vitest';
import { withFailureShot } from './failure-shots.js';

/** How long one journey step may take: a whole stack on a small, busy CI machine. */
export const STEP_TIMEOUT_MS = 90_000;

/** Options of one step: a standalone step runs even after an earlier one failed and breaks no chain. */
export interface StepOptions {
  standalone?: boolean;
}

/**
 * Steps of a browser journey that each need the ones before them: returns `step(name, body)`, which
 * declares a vitest test (STEP_TIMEOUT_MS) screenshotting the page `current()` returns on failure;
 * once a step fails, every later non-standalone step fails with "not run: the earlier step … failed"
 * instead of failing obscurely. Call it once per describe block.
 */
export function journeySteps(current: () => Page | undefined) {
  let failed: string | undefined;
  return (name: string, body: () => Promise<void>, options: StepOptions = {}) =>
    it(
      name,
      { timeout: STEP_TIMEOUT_MS },
      withFailureShot(current, async () => {
        if (failed && !options.standalone) throw new Error(`not run: the earlier step "${failed}" failed`);
        try {
          await body();
        } catch (error) {
          if (!options.standalone) failed = name;
          throw error;
        }
      }),
    );
}
