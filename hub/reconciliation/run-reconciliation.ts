import type { CollectionEntry } from '../../adapters/sdk/contract.js';
import { ValidationError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Payment } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import type { ReconActions } from './actions.js';
import { classify, type Evidence, type GatewayTotals } from './classify.js';
import { AUTO_RESOLVED, DIFFERENCE_CLASSES, type Difference } from './differences.js';
import type { HubRecords } from './hub-records.js';
import { isReportDate, istDayBounds, shiftDate } from './ist-day.js';
import type { BillerCollectionSource, GatewayReportSource } from './ports.js';
import type { ClassCounts, ReconReport, ReconStore } from './recon-store.js';

export interface ReconDeps {
  hub: HubRecords;
  gateway: GatewayReportSource;
  billers: readonly BillerCollectionSource[];
  actions: ReconActions;
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
 * Days read around the reconciled day: a capture near midnight, or a posting or refund made the
 * next day, is in a neighbouring day's report; without them it would look missing.
 */
const WINDOW = [-1, 0, 1];

/**
 * Reconciles one IST day (YYYY-MM-DD): the hub's payments captured that day (and any payment the
 * gateway's or a biller's report of that day names) against the gateway's settlement reports and
 * every biller's collection files of the day and its neighbours. Resolves the safe differences,
 * opens one case per other difference (never twice), and saves the day's report.
 * Throws ValidationError on a bad date, and whatever the gateway source throws (the job retries);
 * a biller whose file cannot be read is noted in the report and its lines are not judged.
 */
export async function runReconciliation(deps: ReconDeps, { date }: { date: string }): Promise<ReconResult> {
  if (!isReportDate(date)) throw new ValidationError(`reconciliation date must be YYYY-MM-DD, got ${date}`);
  const startedAt = new Date();
  const days = WINDOW.map((offset) => shiftDate(date, offset));
  const { from, to } = istDayBounds(date);
  const windowEnd = istDayBounds(shiftDate(date, 1)).to;

  const reports = await Promise.all(days.map((day) => deps.gateway.settlementReport(day)));
  const gateway = new Map<string, GatewayTotals>();
  for (const row of reports.flatMap((report) => report.rows)) {
    const totals = gateway.get(row.paymentId) ?? {
      orderId: row.orderId,
      currency: row.currency,
      capturedMinor: 0,
      refundedMinor: 0,
    };
    totals.capturedMinor += row.capturedMinor;
    totals.refundedMinor += row.refundedMinor;
    gateway.set(row.paymentId, totals);
  }
  const gatewayDay = reports[WINDOW.indexOf(0)]?.rows.map((row) => row.paymentId) ?? [];

  const sourceErrors: string[] = [];
  const billerFiles = new Map<string, Map<string, CollectionEntry>>();
  const dayPostings: { billerId: string; entry: CollectionEntry }[] = [];
  await Promise.all(
    deps.billers.map(async (biller) => {
      try {
        const files = await Promise.all(days.map((day) => biller.collectionReport(day)));
        billerFiles.set(biller.billerId, new Map(files.flat().map((entry) => [entry.reference, entry])));
        for (const entry of files[WINDOW.indexOf(0)] ?? []) dayPostings.push({ billerId: biller.billerId, entry });
      } catch (error) {
        sourceErrors.push(`${biller.billerId}: ${(error as Error).message}`);
        deps.log?.warn({ billerId: biller.billerId, err: error }, 'collection file unreadable; its lines not judged');
      }
    }),
  );

  const payments = new Map<string, Payment>();
  const add = (list: Payment[]) => {
    for (const payment of list) payments.set(payment._id, payment);
  };
  add(await deps.hub.capturedBetween(from, to));
  add(await deps.hub.byIds(gatewayDay.filter((id) => !payments.has(id))));
  add(await deps.hub.byReferences(dayPostings.map(({ entry }) => entry.reference)));
  const references = new Set([...payments.values()].flatMap((p) => p.lines.map((line) => line.reference)));

  const evidence: Evidence = {
    payments,
    strangers: {
      gateway: new Map(
        gatewayDay.filter((id) => !payments.has(id)).map((id) => [id, gateway.get(id) as GatewayTotals]),
      ),
      postings: dayPostings.filter(({ entry }) => !references.has(entry.reference)),
    },
    gateway,
    billerFiles,
    ledger: await deps.hub.movements([...payments.keys()]),
    windowEnd,
  };
  const { differences, agreements } = classify(evidence);

  const counts: ClassCounts = {};
  for (const name of [...DIFFERENCE_CLASSES, 'matched', 'in_flight'])
    counts[name] = { found: 0, resolved: 0, cases: 0 };
  for (const [name, found] of Object.entries(agreements)) (counts[name] ?? { found: 0 }).found = found;

  const results: ReconResult['differences'] = [];
  let casesOpened = 0;
  for (const difference of differences) {
    const count = counts[difference.class] ?? { found: 0, resolved: 0, cases: 0 };
    count.found += 1;
    const failure = AUTO_RESOLVED.includes(difference.class)
      ? await resolve(deps.actions, payments, difference)
      : undefined;
    if (AUTO_RESOLVED.includes(difference.class) && failure === undefined) {
      count.resolved += 1;
      results.push({ ...difference, outcome: 'resolved', caseOpened: false });
      continue;
    }
    const { opened } = await deps.store.openCase(date, difference, failure || undefined);
    if (opened) casesOpened += 1;
    count.cases += 1;
    results.push({ ...difference, outcome: 'case', caseOpened: opened });
  }

  const report = await deps.store.saveReport({
    _id: date,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    payments: payments.size,
    counts,
    casesOpened,
    casesOpen: await countOpen(deps.store, results),
    sourceErrors,
  });
  deps.log?.info({ date, casesOpened, casesOpen: report.casesOpen, payments: payments.size }, 'reconciled');
  return { report, differences: results };
}

/** Cases of this run's differences that are still open (an operator may have closed one already). */
async function countOpen(store: ReconStore, results: ReconResult['differences']): Promise<number> {
  const keys = results.filter((r) => r.outcome === 'case').map((r) => `${r.class}:${r.subject}`);
  if (keys.length === 0) return 0;
  return store.cases.countDocuments({ _id: { $in: keys }, status: 'open' }).exec();
}

/**
 * Tries the automatic resolution of one difference. Undefined when it worked; otherwise why not
 * (an empty string when there is nothing to try), and the difference becomes a case.
 */
async function resolve(
  actions: ReconActions,
  payments: Map<string, Payment>,
  difference: Difference,
): Promise<string | undefined> {
  const payment = difference.paymentId ? payments.get(difference.paymentId) : undefined;
  if (!payment) return 'the hub has no such payment';
  try {
    switch (difference.class) {
      case 'late_capture': {
        const after = await actions.applyLateCapture(payment, difference.orderId ?? '');
        return CAPTURED_STATUSES.includes(after.status) ? undefined : `the capture left the payment ${after.status}`;
      }
      case 'unknown_resolved': {
        const line = await actions.settleUnknownLine(
          payment._id,
          difference.lineId ?? '',
          difference.billerReference ?? '',
        );
        return line?.status === 'settled' ? undefined : `the line is ${line?.status ?? 'gone'}, not settled`;
      }
      case 'settled_not_at_biller': {
        const line = payment.lines.find((l) => l._id === difference.lineId);
        if (!line) return 'no such line';
        const result = await actions.repostLine(payment, line);
        return result.status === 'accepted' ? undefined : `the re-post answered ${result.status}`;
      }
      case 'ledger_missing':
        await actions.recordMovement(payment, difference.movement ?? 'capture', difference.lineId);
        return undefined;
      default:
        return '';
    }
  } catch (error) {
    return (error as Error).message;
  }
}
