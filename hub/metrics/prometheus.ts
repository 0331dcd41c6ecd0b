import { Counter, Gauge, type Registry } from 'prom-client';
import type { Connection } from '../../infra/mongo.js';
import type { MetricsReport } from './report.js';
import { computeMetrics } from './report.js';
import { SnapshotCache } from './snapshot-cache.js';
import { METRIC_WINDOWS, type MetricWindow } from './windows.js';

/** How long one computation from MongoDB serves scrapes (ms): scrapes every few seconds read it once. */
export const DEFAULT_METRICS_CACHE_MS = 10_000;

type Reports = Map<MetricWindow, MetricsReport>;
type Setter = (labels: Record<string, string>, value: number | null | undefined) => void;

/** One DB-derived gauge: its name, help (with units), labels, and how it reads the reports. */
interface GaugeSpec {
  name: string;
  help: string;
  labelNames: readonly string[];
  fill: (reports: Reports, set: Setter) => void;
}

const eachWindow = (reports: Reports, f: (window: MetricWindow, report: MetricsReport) => void) => {
  for (const window of METRIC_WINDOWS) {
    const report = reports.get(window);
    if (report) f(window, report);
  }
};

const QUANTILES = [
  ['0.5', 'p50Seconds'],
  ['0.9', 'p90Seconds'],
  ['0.99', 'p99Seconds'],
] as const;

/**
 * Every gauge the hub computes from MongoDB at scrape time. All are labelled by `window` (24h, 7d,
 * 30d: the records of that many hours or days up to the scrape) except the open unknowns and the
 * message queue, which are counted as they are now. Biller and method label values are bounded
 * (hub/metrics/labels.ts). A ratio whose base is empty is left out rather than reported as 0.
 */
export const HUB_GAUGES: readonly GaugeSpec[] = [
  {
    name: 'billpay_payment_lines',
    help: 'Lines (bills) of payments created in the window, by what became of them (count): settled, refunded, refund_pending, unknown, in_flight, declined, held, abandoned, cancelled, open',
    labelNames: ['window', 'biller', 'method', 'outcome'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.payments.byBillerAndMethod) {
          for (const [outcome, count] of Object.entries(g.outcomes)) {
            const name = outcome.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
            set({ window, biller: g.billerId, method: g.method, outcome: name }, count);
          }
        }
      }),
  },
  {
    name: 'billpay_payment_success_ratio',
    help: 'Payment success rate (ratio 0..1): lines settled at the biller / lines decided (settled, refunded, refund pending, declined by the gateway, held) of payments created in the window',
    labelNames: ['window', 'biller', 'method'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.payments.byBillerAndMethod)
          set({ window, biller: g.billerId, method: g.method }, g.successRate);
      }),
  },
  {
    name: 'billpay_payment_refund_ratio',
    help: 'Refund rate (ratio 0..1): captured lines refunded or being refunded / captured lines, of payments created in the window',
    labelNames: ['window', 'biller', 'method'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.payments.byBillerAndMethod)
          set({ window, biller: g.billerId, method: g.method }, g.refundRate);
      }),
  },
  {
    name: 'billpay_payment_unknown_outcome_ratio',
    help: "Unknown-outcome rate (ratio 0..1): captured lines whose biller's answer was ambiguous at some time (unknown, resolved since or not) / captured lines, of payments created in the window",
    labelNames: ['window', 'biller', 'method'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.payments.byBillerAndMethod)
          set({ window, biller: g.billerId, method: g.method }, g.unknownRate);
      }),
  },
  {
    name: 'billpay_capture_to_settled_window_seconds',
    help: 'Time from capture to settlement at the biller (seconds), nearest-rank quantile over the settled lines of payments created in the window, read from the payments timeline (the worker observes billpay_capture_to_settled_seconds as it happens)',
    labelNames: ['window', 'biller', 'method', 'quantile'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.payments.byBillerAndMethod) {
          for (const [q, field] of QUANTILES) {
            set({ window, biller: g.billerId, method: g.method, quantile: q }, g.captureToSettled[field]);
          }
        }
      }),
  },
  {
    name: 'billpay_unknown_lines_open',
    help: 'Lines whose outcome is unknown now, waiting for a status enquiry, reconciliation or an operator (count; not windowed)',
    labelNames: ['biller'],
    fill: (reports, set) => {
      const r = reports.values().next().value;
      for (const u of r?.openUnknowns.byBiller ?? []) set({ biller: u.billerId }, u.count);
    },
  },
  {
    name: 'billpay_unknown_oldest_age_seconds',
    help: 'Age of the oldest open unknown line (seconds since it became unknown; not windowed)',
    labelNames: ['biller'],
    fill: (reports, set) => {
      const r = reports.values().next().value;
      for (const u of r?.openUnknowns.byBiller ?? []) set({ biller: u.billerId }, u.oldestAgeSeconds);
    },
  },
  {
    name: 'billpay_unknown_average_age_seconds',
    help: 'Average age of the open unknown lines (seconds since each became unknown; not windowed)',
    labelNames: ['biller'],
    fill: (reports, set) => {
      const r = reports.values().next().value;
      for (const u of r?.openUnknowns.byBiller ?? []) set({ biller: u.billerId }, u.averageAgeSeconds);
    },
  },
  {
    name: 'billpay_complaints_raised',
    help: 'Complaints raised in the window, by type (count)',
    labelNames: ['window', 'type'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const [type, count] of Object.entries(r.complaints.byType)) set({ window, type }, count);
      }),
  },
  {
    name: 'billpay_complaints',
    help: 'Complaints raised in the window by where they stand now (count): open, overdue_open (open past the due time), resolved, rejected',
    labelNames: ['window', 'state'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        const c = r.complaints;
        set({ window, state: 'open' }, c.open);
        set({ window, state: 'overdue_open' }, c.overdueOpen);
        set({ window, state: 'resolved' }, c.resolved);
        set({ window, state: 'rejected' }, c.rejected);
      }),
  },
  {
    name: 'billpay_complaint_resolve_seconds',
    help: 'Time to resolve a complaint (seconds from raising to resolved or rejected), nearest-rank quantile over the closed complaints raised in the window',
    labelNames: ['window', 'quantile'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const [q, field] of QUANTILES) set({ window, quantile: q }, r.complaints.timeToResolve[field]);
      }),
  },
  {
    name: 'billpay_complaint_resolve_average_seconds',
    help: 'Average time to resolve a complaint (seconds), over the closed complaints raised in the window',
    labelNames: ['window'],
    fill: (reports, set) => eachWindow(reports, (window, r) => set({ window }, r.complaints.timeToResolve.meanSeconds)),
  },
  {
    name: 'billpay_complaints_within_turnaround_ratio',
    help: 'Share of complaints resolved within their turnaround time (ratio 0..1): closed by the due time / (closed + open past the due time), of complaints raised in the window',
    labelNames: ['window'],
    fill: (reports, set) => eachWindow(reports, (window, r) => set({ window }, r.complaints.withinTurnaroundRate)),
  },
  {
    name: 'billpay_notification_deliveries',
    help: 'Citizen messages that finished in the window, by channel, kind and status (count): sent, failed, superseded (not sent because a later message said it all; neither success nor failure)',
    labelNames: ['window', 'channel', 'kind', 'status'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.deliveries.byChannelAndKind) {
          for (const status of ['sent', 'failed', 'superseded'] as const) {
            set({ window, channel: g.channel, kind: g.kind, status }, g[status]);
          }
        }
      }),
  },
  {
    name: 'billpay_notification_delivery_success_ratio',
    help: 'Notification delivery success rate (ratio 0..1): sent / (sent + failed) of the messages that finished in the window; superseded ones are left out',
    labelNames: ['window', 'channel', 'kind'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.deliveries.byChannelAndKind) set({ window, channel: g.channel, kind: g.kind }, g.successRate);
      }),
  },
  {
    name: 'billpay_receipt_delivery_success_ratio',
    help: "Receipt delivery success rate (ratio 0..1): receipt messages (payment_confirmed) sent / (sent + failed), finished in the window, by channel and in all (channel 'all')",
    labelNames: ['window', 'channel'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        set({ window, channel: 'all' }, r.deliveries.receipts.successRate);
        for (const g of r.deliveries.receiptsByChannel) set({ window, channel: g.channel }, g.successRate);
      }),
  },
  {
    name: 'billpay_notifications_queued',
    help: 'Citizen messages waiting to be sent now, retries included (count; not windowed)',
    labelNames: [],
    fill: (reports, set) => set({}, reports.values().next().value?.deliveries.queuedNow),
  },
  {
    name: 'billpay_satisfaction_score',
    help: "Average satisfaction score (1..5) given in the window: source 'payment' is post-payment feedback, 'complaint' the rating of a complaint's resolution",
    labelNames: ['window', 'source'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        set({ window, source: 'payment' }, r.satisfaction.payments.average);
        set({ window, source: 'complaint' }, r.satisfaction.complaints.average);
      }),
  },
  {
    name: 'billpay_satisfaction_responses',
    help: "Satisfaction scores given in the window (count), by source ('payment' feedback, 'complaint' rating)",
    labelNames: ['window', 'source'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        set({ window, source: 'payment' }, r.satisfaction.payments.count);
        set({ window, source: 'complaint' }, r.satisfaction.complaints.count);
      }),
  },
  {
    name: 'billpay_payment_satisfaction_score',
    help: 'Average post-payment satisfaction score (1..5) given in the window, by biller and method (a payment of several billers counts for each)',
    labelNames: ['window', 'biller', 'method'],
    fill: (reports, set) =>
      eachWindow(reports, (window, r) => {
        for (const g of r.satisfaction.paymentsByBillerAndMethod) {
          set({ window, biller: g.billerId, method: g.method }, g.average);
        }
      }),
  },
  {
    name: 'billpay_metrics_computed_timestamp_seconds',
    help: 'When the database-derived billpay_ gauges were last computed (Unix time, seconds): they are cached between scrapes',
    labelNames: [],
    fill: (reports, set) => {
      const r = reports.values().next().value;
      set({}, r ? new Date(r.to).getTime() / 1000 : undefined);
    },
  },
];

export interface HubMetricsOptions {
  /** How long one computation serves scrapes (ms); DEFAULT_METRICS_CACHE_MS when not given. */
  cacheMs?: number;
  /** The computation (tests count its calls); computeMetrics on `conn` for every window by default. */
  compute?: () => Promise<Reports>;
  /** The cache's clock (ms); Date.now by default. */
  clock?: () => number;
}

/**
 * Registers the hub's DB-derived gauges (HUB_GAUGES) on the service's registry. Each is filled in
 * its `collect()` at scrape time from one cached computation (SnapshotCache), so however many
 * gauges and scrapes there are, MongoDB is read at most once per cacheMs. A failed computation
 * leaves the gauges empty for that scrape and counts billpay_metrics_compute_errors_total.
 */
export function registerHubMetrics(registry: Registry, conn: Connection, options: HubMetricsOptions = {}) {
  let failedAt: Promise<Reports> | undefined;
  const cache = new SnapshotCache<Reports>(
    options.compute ?? (() => computeMetrics(conn)),
    options.cacheMs ?? DEFAULT_METRICS_CACHE_MS,
    options.clock,
  );
  const reports = async (): Promise<Reports | undefined> => {
    const pending = cache.get();
    try {
      return await pending;
    } catch {
      // Counted once per failed computation, not once per gauge reading it.
      if (failedAt !== pending) errors.inc();
      failedAt = pending;
      return undefined;
    }
  };
  const errors = new Counter({
    name: 'billpay_metrics_compute_errors_total',
    help: 'Failed computations of the database-derived billpay_ gauges (count)',
    registers: [registry],
    // Read at scrape too, so a failure of this very scrape's computation is already counted.
    async collect() {
      await reports();
    },
  });
  for (const spec of HUB_GAUGES) {
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
      // Every hub process reads the same database: a cluster (HUB_PROCESSES) reports one reading, not their sum.
      aggregator: 'first',
      async collect() {
        this.reset();
        const current = await reports();
        if (!current) return;
        spec.fill(current, (labels, value) => {
          if (value !== null && value !== undefined && Number.isFinite(value)) this.set(labels, value);
        });
      },
    });
  }
  return { cache };
}
