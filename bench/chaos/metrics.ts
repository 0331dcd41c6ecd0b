import type { Connection } from 'mongoose';
import type { MetricsReport, PaymentGroupMetrics } from '../../hub/metrics/index.js';
import { FINAL_PAYMENT_STATUSES } from '../../hub/payments/state-machine.js';

/** What the chaos run's post-payment feedback step did (see giveFeedback). */
export interface FeedbackGiven {
  /** Final payments scored through the API (201). */
  given: number;
  /** Answers other than 201: each is a bug in the feedback rules or the route (all payments asked are final and their citizen's). */
  refused: string[];
}

/**
 * Scores every third final payment (by id order) through `POST /api/v1/payments/{id}/feedback`, as
 * its own citizen, with a seeded score 1..5: so a chaos run leaves satisfaction data beside its
 * payments, and the route is exercised on payments that went through faults. `tokenOf` maps a
 * citizen's sub to their access token.
 */
export async function giveFeedback(
  conn: Connection,
  hubUrl: string,
  tokenOf: (sub: string) => string | undefined,
  random: () => number,
): Promise<FeedbackGiven> {
  const payments = await conn
    .collection('payments')
    .find({ status: { $in: [...FINAL_PAYMENT_STATUSES] } }, { projection: { _id: 1, citizenSub: 1 } })
    .sort({ _id: 1 })
    .toArray();
  const result: FeedbackGiven = { given: 0, refused: [] };
  for (const [i, payment] of payments.entries()) {
    const token = tokenOf(String(payment.citizenSub));
    if (i % 3 !== 0 || !token) continue;
    const score = 1 + Math.floor(random() * 5);
    const res = await fetch(`${hubUrl}/api/v1/payments/${String(payment._id)}/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ score, comment: `chaos run score ${score}` }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 201) result.given += 1;
    else result.refused.push(`${String(payment._id)}: ${res.status} ${(await res.text()).slice(0, 120)}`);
  }
  return result;
}

const pct = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(1)} %`);
const secs = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} s`);

function groupLine(g: PaymentGroupMetrics): string {
  const o = g.outcomes;
  const decided = o.settled + o.refunded + o.refundPending + o.declined + o.held;
  return (
    `${g.billerId}/${g.method}: ${g.lines} lines, success ${pct(g.successRate)} (${o.settled}/${decided}), ` +
    `refund ${pct(g.refundRate)}, unknown ${pct(g.unknownRate)}, capture→settled p50 ${secs(g.captureToSettled.p50Seconds)} ` +
    `p90 ${secs(g.captureToSettled.p90Seconds)} max ${secs(g.captureToSettled.maxSeconds)}`
  );
}

/** The run's metrics (hub/metrics, as the operator console shows them) as text lines. */
export function formatMetrics(report: MetricsReport): string {
  const t = report.payments.totals;
  const d = report.deliveries;
  const c = report.complaints;
  const s = report.satisfaction;
  const u = report.openUnknowns.totals;
  const lines = [
    `metrics (hub/metrics, window ${report.window} to ${report.to}):`,
    `  payments: ${t.lines} lines; outcomes ${Object.entries(t.outcomes)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `  success rate ${pct(t.successRate)}, refund rate ${pct(t.refundRate)}, unknown-outcome rate ${pct(t.unknownRate)} ` +
      `(${t.wentUnknown} of ${t.captured} captured lines went unknown)`,
    `  capture→settled: n ${t.captureToSettled.count}, mean ${secs(t.captureToSettled.meanSeconds)}, p50 ${secs(t.captureToSettled.p50Seconds)}, ` +
      `p90 ${secs(t.captureToSettled.p90Seconds)}, p99 ${secs(t.captureToSettled.p99Seconds)}, max ${secs(t.captureToSettled.maxSeconds)}`,
    `  open unknowns now: ${u.count} (oldest ${secs(u.oldestAgeSeconds)}, average ${secs(u.averageAgeSeconds)})`,
    ...(t.captured > 0 ? report.payments.byBillerAndMethod.map((g) => `    ${groupLine(g)}`) : []),
    `  complaints: ${c.raised} raised, within turnaround ${pct(c.withinTurnaroundRate)}`,
    `  receipts delivered ${pct(d.receipts.successRate)} (sent ${d.receipts.sent}, failed ${d.receipts.failed}, superseded ${d.receipts.superseded}); ` +
      `all messages ${pct(d.totals.successRate)} (sent ${d.totals.sent}, failed ${d.totals.failed}, superseded ${d.totals.superseded}), queued now ${d.queuedNow}`,
    `  satisfaction after payment: ${s.payments.average === null ? 'none given' : `${s.payments.average.toFixed(2)} of 5 from ${s.payments.count}`}; ` +
      `complaint ratings: ${s.complaints.average === null ? 'none' : `${s.complaints.average.toFixed(2)} of 5 from ${s.complaints.count}`}`,
    '  chargebacks: not tracked by the hub',
  ];
  return lines.join('\n');
}
