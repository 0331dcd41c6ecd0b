import type { Distribution, MetricsReport, PaymentGroupMetrics } from '../../hub/metrics/index.js';
import { METRIC_WINDOWS, type MetricWindow } from '../../hub/metrics/windows.js';

/** The windows as the page names them. */
export const WINDOW_NAMES: Readonly<Record<MetricWindow, string>> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/** A rate 0..1 as "93.1%", or "No data" when its base was empty. */
export function percent(rate: number | null): string {
  return rate === null ? 'No data' : `${(rate * 100).toFixed(1)}%`;
}

/** Seconds in the largest unit that keeps the number readable: "45 s", "12.5 min", "3.2 h", "2.1 days". */
export function duration(seconds: number | null): string {
  if (seconds === null) return 'No data';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

const score = (average: number | null) => (average === null ? 'No scores' : `${average.toFixed(2)} of 5`);

const times = (d: Distribution) => ({
  count: d.count,
  median: duration(d.p50Seconds),
  p90: duration(d.p90Seconds),
  p99: duration(d.p99Seconds),
  mean: duration(d.meanSeconds),
});

function paymentRow(g: PaymentGroupMetrics) {
  const o = g.outcomes;
  return {
    biller: g.billerId,
    method: g.method,
    lines: g.lines,
    settled: o.settled,
    refunded: o.refunded + o.refundPending,
    unknownNow: o.unknown,
    notPaid: o.declined + o.abandoned + o.cancelled,
    success: percent(g.successRate),
    refund: percent(g.refundRate),
    unknown: percent(g.unknownRate),
    settle: times(g.captureToSettled),
  };
}

/**
 * The report as the page shows it: every number already in words (percentages, durations, scores),
 * so the template only lays out tables.
 */
export function metricsView(report: MetricsReport) {
  const t = report.payments.totals;
  const c = report.complaints;
  const d = report.deliveries;
  const s = report.satisfaction;
  return {
    from: report.from,
    to: report.to,
    totals: paymentRow(t),
    captured: t.captured,
    wentUnknown: t.wentUnknown,
    outcomes: Object.entries(t.outcomes).map(([name, count]) => ({
      name: name.replace(/[A-Z]/g, (ch) => ` ${ch.toLowerCase()}`),
      count,
    })),
    groups: report.payments.byBillerAndMethod.map(paymentRow),
    unknowns: [...report.openUnknowns.byBiller, report.openUnknowns.totals]
      .filter((u) => u.count > 0 || u.billerId === '*')
      .map((u) => ({
        biller: u.billerId === '*' ? 'All billers' : u.billerId,
        count: u.count,
        oldest: duration(u.oldestAgeSeconds),
        average: duration(u.averageAgeSeconds),
      })),
    complaints: {
      raised: c.raised,
      byType: Object.entries(c.byType).map(([type, count]) => ({ type: type.replace(/_/g, ' '), count })),
      closed: c.closed,
      resolved: c.resolved,
      rejected: c.rejected,
      open: c.open,
      overdueOpen: c.overdueOpen,
      resolve: times(c.timeToResolve),
      within: percent(c.withinTurnaroundRate),
      withinCounts: `${c.withinTurnaround} of ${c.turnaroundDecided}`,
    },
    deliveries: {
      receipts: [...d.receiptsByChannel, d.receipts].map((g) => ({
        channel: g.channel === '*' ? 'All channels' : g.channel,
        sent: g.sent,
        failed: g.failed,
        superseded: g.superseded,
        rate: percent(g.successRate),
      })),
      kinds: d.byChannelAndKind.map((g) => ({
        channel: g.channel,
        kind: g.kind.replace(/_/g, ' '),
        sent: g.sent,
        failed: g.failed,
        superseded: g.superseded,
        rate: percent(g.successRate),
      })),
      all: percent(d.totals.successRate),
      queuedNow: d.queuedNow,
    },
    satisfaction: {
      payments: { count: s.payments.count, average: score(s.payments.average) },
      complaints: { count: s.complaints.count, average: score(s.complaints.average) },
      groups: s.paymentsByBillerAndMethod.map((g) => ({
        biller: g.billerId,
        method: g.method,
        count: g.count,
        average: score(g.average),
      })),
    },
    chargebacks: report.chargebacks.note,
  };
}

/** The window links, the chosen one marked. */
export const windowLinks = (chosen: MetricWindow) =>
  METRIC_WINDOWS.map((w) => ({ href: `/metrics?window=${w}`, text: WINDOW_NAMES[w], current: w === chosen }));
