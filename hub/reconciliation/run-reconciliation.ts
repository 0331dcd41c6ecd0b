import { ValidationError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Payment } from '../payments/payment-model.js';
import type { ReconActions } from './actions.js';
import { classify } from './classify.js';
import { caseKey, DIFFERENCE_CLASSES, type Difference } from './differences.js';
import { isReportDate } from './ist-day.js';
import type { GatewayOrderSource } from './ports.js';
import { type EvidenceSources, readEvidence } from './read-evidence.js';
import type { ClassCounts, ReconReport, ReconStore } from './recon-store.js';
import { resolve } from './resolve.js';

export interface ReconDeps extends EvidenceSources {
  actions: ReconActions;
  /** Asked about captures missing from the reports; without it they become cases at once. */
  orders?: GatewayOrderSource;
  store: ReconStore;
  log?: Pick<Logger, 'info' | 'warn'>;
}

export type Outcome = 'resolved' | 'case';

export interface ReconResult {
  report: ReconReport;
  /** Every difference of this run and what became of it. */
  differences: (Difference & { outcome: Outcome; caseOpened: boolean })[];
}

/**
 * Reconciles one IST day (YYYY-MM-DD): the hub's payments, lines and ledger against the gateway's
 * settlement reports and every biller's collection files (see README.md). Resolves the safe
 * differences, opens one case per other difference (never twice), and saves the day's report.
 * Throws ValidationError on a bad date, and whatever the gateway source throws (the job retries);
 * a biller whose file cannot be read is named in the report and its lines are not judged.
 * The worker's `reconcile` schedule calls this, as does `npm run recon`.
 */
export async function runReconciliation(deps: ReconDeps, { date }: { date: string }): Promise<ReconResult> {
  if (!isReportDate(date)) throw new ValidationError(`reconciliation date must be YYYY-MM-DD, got ${date}`);
  const startedAt = new Date();
  const { evidence, sourceErrors } = await readEvidence(deps, date);
  const classified = classify(evidence);
  const { agreements } = classified;
  const differences: Difference[] = [];
  for (const difference of classified.differences) {
    // A report can lag behind the gateway: a capture its live order confirms is only late in the report.
    if (await capturedAfterAll(deps.orders, evidence.payments.get(difference.paymentId ?? ''), difference)) {
      agreements.matched += 1;
    } else {
      differences.push(difference);
    }
  }

  const counts: ClassCounts = {};
  for (const name of DIFFERENCE_CLASSES) counts[name] = { found: 0, resolved: 0, cases: 0 };
  for (const [name, found] of Object.entries(agreements)) counts[name] = { found, resolved: 0, cases: 0 };

  const results: ReconResult['differences'] = [];
  let casesOpened = 0;
  for (const difference of differences) {
    const count = counts[difference.class] as ClassCounts[string];
    count.found += 1;
    const resolution = await resolve(deps.actions, evidence.payments, difference);
    if (resolution.resolved) {
      count.resolved += 1;
      results.push({ ...difference, outcome: 'resolved', caseOpened: false });
      continue;
    }
    const { opened } = await deps.store.openCase(date, difference, resolution.why);
    if (opened) casesOpened += 1;
    count.cases += 1;
    results.push({ ...difference, outcome: 'case', caseOpened: opened });
  }

  const caseKeys = results.filter((r) => r.outcome === 'case').map(caseKey);
  const report = await deps.store.saveReport({
    _id: date,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    payments: evidence.payments.size,
    counts,
    casesOpened,
    casesOpen: await deps.store.countOpen(caseKeys),
    sourceErrors,
  });
  deps.log?.info({ date, casesOpened, casesOpen: report.casesOpen, payments: report.payments }, 'reconciled');
  return { report, differences: results };
}

/** True when a missing capture is confirmed by the gateway's live order: same amount and currency. */
async function capturedAfterAll(
  orders: GatewayOrderSource | undefined,
  payment: Payment | undefined,
  difference: Difference,
): Promise<boolean> {
  const orderId = payment?.gateway?.orderId;
  if (difference.class !== 'missing_capture' || !orders || !payment || !orderId) return false;
  try {
    const order = await orders.getOrder(orderId);
    const expected = payment.gateway?.capturedMinor ?? payment.totalMinor;
    return order.status === 'captured' && order.capturedMinor === expected && order.currency === payment.currency;
  } catch {
    // Unreadable now: the case says so, and the next run asks again.
    return false;
  }
}
