/**
 * npm run chaos — proves the payment path under faults, on this machine, in one run:
 * N payments (each 1-3 bills) through the real processes (sandboxes, sandbox gateway, hub,
 * worker) while faults are injected at random from a seeded plan: SIGKILL of the worker and the
 * hub, a Redis restart, biller 5xx bursts / timeouts / late confirmations / rejections, gateway
 * webhook loss, duplicate and out-of-order webhooks, partial captures. Then it waits for the
 * payments to settle, runs reconciliation (`npm run recon`, when present) and `npm run ledger:check`,
 * and checks every captured order against the billers' postings and the gateway's refunds.
 * Prints the counts and the violations, writes bench/results/chaos-<date>.json, exits 1 on any
 * violation (2 when the run itself could not be made).
 *
 * The sandboxes are started with books large enough (SANDBOX_CONSUMERS, about 1.15 × payments
 * per biller) that every payment pays bills no other payment asks for. Paying a bill again is its
 * own fault kind, repeat_bill: once the gateway captured an earlier payment's order, a checkout for
 * its bill must be refused with 409, even while that capture's webhook is lost and the hub has yet to
 * hear of it (an accepted one is a violation). Partial captures hold their payments on purpose: their
 * held_payment cases make `npm run recon` exit 1, and any other open case is a violation. Process faults are spread over the run, each
 * fired as a payment starts while others are in flight.
 *
 * Settings (argv --name=value, or env BENCH_NAME): payments (1000), citizens (8), seed (random,
 * printed), fault-rate (0.3 of payments), faults (the payment fault kinds to draw from, comma-separated;
 * all by default), worker-kills (3), hub-kills (2), redis-restarts (1),
 * quiet (s without change that ends the wait, 20), settle-limit (s, 300), log-level ('warn').
 * MONGODB_URI is used when set; Redis is always a private one (the run restarts it).
 */
import { runChaos } from './harness.js';
import { formatReport, writeReport } from './report.js';
import { chaosSettingsFromArgs } from './settings.js';

const settings = chaosSettingsFromArgs();
const begun = Date.now();
const log = (line: string) => console.log(`[chaos ${((Date.now() - begun) / 1000).toFixed(1)}s] ${line}`);
let code: number;
try {
  const report = await runChaos(settings, log);
  console.log(`\n${formatReport(report)}`);
  console.log(`\nwritten: ${writeReport(report)}`);
  code = report.violations.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  code = 2;
}
// Everything was stopped in runChaos; exiting here only guards against a handle a library leaves open.
process.exit(code);
