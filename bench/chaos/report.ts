import type { MetricsReport } from '../../hub/metrics/index.js';
import { writeResult } from '../shared/results.js';
import type { CheckResult, Violation, ViolationKind } from './checker.js';
import { VIOLATIONS } from './checker.js';
import type { DrivenPayment } from './driver.js';
import type { CaseAccount } from './expected-cases.js';
import type { FaultCounts, ProcessFault } from './faults.js';
import { type FeedbackGiven, formatMetrics } from './metrics.js';
import type { Quiescence } from './quiesce.js';
import type { ReconciliationSummary } from './reconciliation.js';
import { formatReconciliation } from './reconciliation.js';
import type { ChaosSettings } from './settings.js';

/** Everything a chaos run found: printed, written to bench/results, and asserted by the small test. */
export interface ChaosReport {
  startedAt: string;
  seed: number;
  settings: ChaosSettings;
  durationMs: number;
  driveMs: number;
  payments: {
    planned: number;
    paid: number;
    /** Refused by the hub though the payment's bills were its own (expected: 0). */
    refused: number;
    failed: number;
    /** Consumers per biller the sandboxes had (SANDBOX_CONSUMERS). */
    consumersPerBiller: number;
    /** Distinct bills the payments asked for, each by one payment. */
    distinctBills: number;
    /** Planned repeat_bill payments, and what became of them. */
    repeatingABill: number;
    repeatsRefused: number;
    repeatsAccepted: number;
    repeatsSkipped: number;
  };
  faults: FaultCounts;
  /** When each process fault fired: the payment it hung on, seconds into the drive, payments in flight. */
  processFaults: ProcessFaultFired[];
  quiescence: Quiescence[];
  reconciliation: ReconciliationSummary;
  /** The partial captures held as planned, and the open cases no planned fault explains. */
  cases: CaseAccount;
  ledgerCheck: { ok: boolean; output: string };
  counts: CheckResult['counts'];
  violationsByKind: Partial<Record<ViolationKind, number>>;
  violations: Violation[];
  /** Samples of why payments failed or were refused on the citizen's side. */
  driverSamples: string[];
  /** Each repeat_bill's answer (see summariseDriven). */
  repeatDetails: string[];
  /** Post-payment feedback given through the API after the run (bench/chaos/metrics.ts). */
  feedback?: FeedbackGiven;
  /** The payment metrics of the run (hub/metrics, last 24 hours), as the operator console shows them. */
  metrics?: MetricsReport;
}

/** One process fault as it fired. */
export interface ProcessFaultFired {
  kind: ProcessFault;
  atPayment: number;
  atDriveSeconds: number;
  inFlight: number;
  /** Seconds until the process answered again; absent when the restart failed. */
  backAfterSeconds?: number;
}

/** Counts of the citizens' outcomes, and up to 10 samples of why payments did not go through. */
export function summariseDriven(payments: DrivenPayment[]) {
  const samples = new Map<string, number>();
  for (const p of payments) {
    if (p.outcome === 'paid' || p.outcome === 'repeat_refused' || !p.detail) continue;
    const key = `${p.outcome}: ${p.detail.slice(0, 120)}`;
    samples.set(key, (samples.get(key) ?? 0) + 1);
  }
  return {
    paid: payments.filter((p) => p.outcome === 'paid').length,
    refused: payments.filter((p) => p.outcome === 'refused').length,
    failed: payments.filter((p) => p.outcome === 'failed').length,
    repeatsRefused: payments.filter((p) => p.outcome === 'repeat_refused').length,
    repeatsAccepted: payments.filter((p) => p.outcome === 'repeat_accepted').length,
    repeatsSkipped: payments.filter((p) => p.outcome === 'skipped').length,
    samples: [...samples].slice(0, 10).map(([text, n]) => `${n} × ${text}`),
    /** Each repeat_bill's answer, with what the hub knew of the earlier payment when it was asked. */
    repeats: payments
      .filter((p) => p.fault === 'repeat_bill' && p.detail)
      .map((p) => `${p.index} ${p.outcome}: ${p.detail?.slice(0, 160)}`),
  };
}

export function violationsByKind(violations: Violation[]): Partial<Record<ViolationKind, number>> {
  const out: Partial<Record<ViolationKind, number>> = {};
  for (const v of violations) out[v.kind] = (out[v.kind] ?? 0) + 1;
  return out;
}

const table = (record: Record<string, number | undefined>) =>
  Object.entries(record)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The report as text lines: counts first, then each kind of violation with a few examples. */
export function formatReport(report: ChaosReport): string {
  const { counts } = report;
  const lines = [
    `chaos run, seed ${report.seed} (repeat with --seed=${report.seed}), ${Math.round(report.durationMs / 1000)} s in all, ${Math.round(report.driveMs / 1000)} s driving`,
    `payments: ${report.payments.planned} planned, ${report.payments.paid} paid, ${report.payments.refused} refused by the hub, ${report.payments.failed} failed on the citizen's side; ${report.payments.distinctBills} distinct bills from books of ${report.payments.consumersPerBiller} consumers per biller`,
    `repeat_bill: ${report.payments.repeatingABill} planned, ${report.payments.repeatsRefused} refused with 409 as expected, ${report.payments.repeatsAccepted} accepted, ${report.payments.repeatsSkipped} skipped (the earlier payment was not paid)`,
    `hub: ${counts.payments} payments (${table(counts.paymentsByStatus)}), ${counts.lines} lines (${table(counts.linesByStatus)})`,
    `faults injected: ${table(report.faults)}`,
    `process faults: ${report.processFaults.map((f) => `${f.kind} at payment ${f.atPayment} (${Math.round(f.atDriveSeconds)} s, ${f.inFlight} in flight${f.backAfterSeconds === undefined ? ', restart FAILED' : `, back in ${f.backAfterSeconds.toFixed(1)} s`})`).join('; ') || 'none'}`,
    `gateway: ${counts.ordersCaptured} orders captured; lines settled at billers ${counts.linesSettledAtBiller} (still pending there ${counts.postingsStillPending}), refunded at the gateway ${counts.linesRefundedAtGateway}; hub lines unknown ${counts.linesUnknown}, held ${counts.linesHeld}; unknown outcomes resolved ${counts.unknownResolved}`,
    `quiescence: ${report.quiescence.map((q) => `${q.reason} after ${Math.round(q.waitedMs / 1000)} s`).join(', then ')}`,
    `reconciliation: ${formatReconciliation(report.reconciliation)}`,
    `partial captures: ${report.cases.partialCaptures} paid, ${report.cases.heldAsPlanned.length} held as planned (their held_payment cases make recon exit 1 on purpose)${report.cases.notHeld.length ? `; NOT held: ${report.cases.notHeld.join(', ')}` : ''}; open cases no planned fault explains: ${report.cases.unexplainedCases.join(', ') || 'none'}`,
    `ledger:check: ${report.ledgerCheck.ok ? 'OK' : 'NOT OK'}${report.ledgerCheck.ok ? '' : `\n  ${report.ledgerCheck.output.split('\n').slice(-6).join('\n  ')}`}`,
  ];
  if (report.repeatDetails.length) lines.push(`repeat_bill answers: ${report.repeatDetails.join('; ')}`);
  if (report.driverSamples.length) lines.push(`citizen-side outcomes: ${report.driverSamples.join('; ')}`);
  if (report.feedback) {
    const refused = report.feedback.refused;
    lines.push(
      `feedback: ${report.feedback.given} given${refused.length ? `; REFUSED ${refused.length}: ${refused.slice(0, 3).join('; ')}` : ''}`,
    );
  }
  const total = report.violations.length;
  lines.push(`violations: ${total === 0 ? 'none' : `${total} (${table(report.violationsByKind)})`}`);
  for (const [kind, n] of Object.entries(report.violationsByKind)) {
    lines.push(`  ${kind} × ${n}: ${VIOLATIONS[kind as ViolationKind]}`);
    for (const v of report.violations.filter((x) => x.kind === kind).slice(0, 3)) {
      lines.push(`    e.g. ${[v.paymentId, v.lineId].filter(Boolean).join(' ')} ${v.detail}`);
    }
  }
  // Last: the numbers an operator would see of the run.
  if (report.metrics) lines.push(formatMetrics(report.metrics));
  return lines.join('\n');
}

/** Writes bench/results/chaos-<date>.json and returns its path. */
export function writeReport(report: ChaosReport): string {
  return writeResult('chaos', report.startedAt, report);
}
