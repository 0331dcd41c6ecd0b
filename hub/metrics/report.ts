import type { Connection } from '../../infra/mongo.js';
import { type ComplaintMetrics, complaintMetrics, complaintRatings, readComplaints } from './complaint-metrics.js';
import { type DeliveryMetrics, deliveryMetrics, readDeliveries } from './delivery-metrics.js';
import { BillerLabels } from './labels.js';
import { type OpenUnknowns, openUnknowns, type PaymentWindowMetrics, paymentWindowMetrics } from './payment-metrics.js';
import { readFeedback, type SatisfactionMetrics, satisfactionMetrics } from './satisfaction-metrics.js';
import { METRIC_WINDOWS, type MetricWindow, windowBounds } from './windows.js';

/** What the hub says of chargebacks: it has none to count (see the README's Metrics section). */
export const CHARGEBACKS_NOTE =
  'The hub records no chargebacks: the gateway port reports captures and refunds only, so there is no chargeback rate to show.';

/**
 * The numbers operators are judged by, for one window, as they stand at `generatedAt`. Rates are
 * fractions 0..1 (null when their base is empty), durations seconds, amounts paise.
 */
export interface MetricsReport {
  window: MetricWindow;
  /** The window [from, to), ISO 8601 UTC; `to` is when it was computed. */
  from: string;
  to: string;
  /** Payment success, refund and unknown-outcome rates, capture→settled times: payments created in the window. */
  payments: PaymentWindowMetrics;
  /** Unknown lines open now (whenever made), with their ages. */
  openUnknowns: { totals: OpenUnknowns; byBiller: OpenUnknowns[] };
  /** Complaints raised in the window. */
  complaints: ComplaintMetrics;
  /** Receipt and other citizen messages finished in the window. */
  deliveries: DeliveryMetrics;
  /** Post-payment feedback and complaint ratings given in the window. */
  satisfaction: SatisfactionMetrics;
  chargebacks: { tracked: false; note: string };
}

/**
 * The metrics of every window asked for (all three by default), from one read of each collection
 * over the widest window. Reads payments, complaints, notification_deliveries and payment_feedback;
 * writes nothing. Throws only what the database throws.
 */
export async function computeMetrics(
  conn: Connection,
  options: { now?: Date; windows?: readonly MetricWindow[] } = {},
): Promise<Map<MetricWindow, MetricsReport>> {
  const now = options.now ?? new Date();
  const windows = (options.windows ?? METRIC_WINDOWS).map((w) => windowBounds(w, now));
  const from = new Date(Math.min(...windows.map((w) => w.from.getTime())));
  // One labeller for the whole computation, so a biller keeps its label in every window.
  const billers = new BillerLabels();
  const [payments, unknowns, complaints, deliveries, feedback] = await Promise.all([
    paymentWindowMetrics(conn, windows, billers),
    openUnknowns(conn, now, billers),
    readComplaints(conn, from),
    readDeliveries(conn, from),
    readFeedback(conn, from),
  ]);
  return new Map(
    windows.map((bounds) => [
      bounds.window,
      {
        window: bounds.window,
        from: bounds.from.toISOString(),
        to: bounds.to.toISOString(),
        payments: payments.get(bounds.window) as PaymentWindowMetrics,
        openUnknowns: unknowns,
        complaints: complaintMetrics(complaints, bounds),
        deliveries: deliveryMetrics(deliveries.finished, bounds, deliveries.queuedNow),
        satisfaction: satisfactionMetrics(feedback, complaintRatings(complaints, bounds), bounds, billers),
        chargebacks: { tracked: false, note: CHARGEBACKS_NOTE },
      },
    ]),
  );
}

/** The metrics of one window (see computeMetrics). */
export async function metricsFor(conn: Connection, window: MetricWindow, now = new Date()): Promise<MetricsReport> {
  const report = (await computeMetrics(conn, { now, windows: [window] })).get(window);
  if (!report) throw new Error(`no metrics for window ${window}`);
  return report;
}
