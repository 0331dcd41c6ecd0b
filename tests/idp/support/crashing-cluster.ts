/**
 * A service whose every worker fails to start, run as a cluster of 2 with a fast restart policy:
 * tests/idp/cluster.test.ts checks that the primary gives up loudly instead of restarting forever.
 */
import { runServiceProcesses } from '../../../infra/run-processes.js';

await runServiceProcesses(
  'crashing',
  2,
  async () => {
    throw new Error('this worker cannot start');
  },
  { firstDelayMs: 20, maxDelayMs: 200, maxCrashes: 3, windowMs: 60_000 },
);
