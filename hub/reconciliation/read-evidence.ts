import type { CollectionEntry } from '../../adapters/sdk/contract.js';
import type { Logger } from '../../infra/logger.js';
import type { Payment } from '../payments/payment-model.js';
import type { Evidence, GatewayTotals } from './classify.js';
import type { HubRecords } from './hub-records.js';
import { istDayBounds, shiftDate } from './ist-day.js';
import type { BillerCollectionSource, GatewayReportSource, GatewaySettlementReport } from './ports.js';

export interface EvidenceSources {
  hub: HubRecords;
  gateway: GatewayReportSource;
  billers: readonly BillerCollectionSource[];
  log?: Pick<Logger, 'warn'>;
}

/**
 * Days read around the reconciled day: a capture near midnight, or a posting or refund made the
 * next day, is in a neighbouring day's report; without them it would look missing.
 */
const WINDOW = [-1, 0, 1] as const;
const DAY = WINDOW.indexOf(0);

type Posting = { billerId: string; entry: CollectionEntry };

/** Each payment's captures and refunds summed over the reports read. */
function gatewayTotals(reports: GatewaySettlementReport[]): Map<string, GatewayTotals> {
  const totals = new Map<string, GatewayTotals>();
  for (const row of reports.flatMap((report) => report.rows)) {
    const sum = totals.get(row.paymentId) ?? {
      orderId: row.orderId,
      currency: row.currency,
      capturedMinor: 0,
      refundedMinor: 0,
    };
    sum.capturedMinor += row.capturedMinor;
    sum.refundedMinor += row.refundedMinor;
    totals.set(row.paymentId, sum);
  }
  return totals;
}

/**
 * Reads the three records for one day: the gateway's reports and every biller's files of the day
 * and its neighbours, and the hub's payments in scope (captured that day, or named by that day's
 * gateway report or a biller's file of that day) with their ledger movements. A gateway report
 * that cannot be read throws; a biller's file that cannot be read is returned in `sourceErrors`
 * and that biller's lines are left out of the comparison.
 */
export async function readEvidence(
  sources: EvidenceSources,
  date: string,
): Promise<{ evidence: Evidence; sourceErrors: string[] }> {
  const days = WINDOW.map((offset) => shiftDate(date, offset));
  const reports = await Promise.all(days.map((day) => sources.gateway.settlementReport(day)));
  const gateway = gatewayTotals(reports);
  const gatewayDay = reports[DAY]?.rows.map((row) => row.paymentId) ?? [];

  const sourceErrors: string[] = [];
  const billerFiles = new Map<string, Map<string, CollectionEntry>>();
  const dayPostings: Posting[] = [];
  await Promise.all(
    sources.billers.map(async (biller) => {
      const { billerId } = biller;
      try {
        const files = await Promise.all(days.map((day) => biller.collectionReport(day)));
        billerFiles.set(billerId, new Map(files.flat().map((entry) => [entry.reference, entry])));
        for (const entry of files[DAY] ?? []) dayPostings.push({ billerId, entry });
      } catch (error) {
        sourceErrors.push(`${billerId}: ${(error as Error).message}`);
        sources.log?.warn({ billerId, err: error }, 'collection file unreadable; its lines are not judged');
      }
    }),
  );

  const { from, to } = istDayBounds(date);
  const payments = new Map<string, Payment>();
  const add = (list: Payment[]) => {
    for (const payment of list) payments.set(payment._id, payment);
  };
  add(await sources.hub.capturedBetween(from, to));
  add(await sources.hub.byIds(gatewayDay.filter((id) => !payments.has(id))));
  add(await sources.hub.byReferences(dayPostings.map(({ entry }) => entry.reference)));
  const references = new Set([...payments.values()].flatMap((p) => p.lines.map((line) => line.reference)));
  const unknownToHub = gatewayDay.filter((id) => !payments.has(id));

  return {
    evidence: {
      payments,
      strangers: {
        gateway: new Map(
          unknownToHub.flatMap((id) => (gateway.has(id) ? [[id, gateway.get(id) as GatewayTotals]] : [])),
        ),
        postings: dayPostings.filter(({ entry }) => !references.has(entry.reference)),
      },
      gateway,
      billerFiles,
      ledger: await sources.hub.movements([...payments.keys()]),
      windowEnd: istDayBounds(days[WINDOW.length - 1] ?? date).to,
    },
    sourceErrors,
  };
}
