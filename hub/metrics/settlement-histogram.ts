import { Histogram } from 'prom-client';
import type { Payment } from '../payments/payment-model.js';
import type { LineSettledHook } from '../settlement/deps.js';
import { SETTLE_BUCKETS_SECONDS } from './distribution.js';
import { BillerLabels, methodLabel } from './labels.js';
import { captureToSettledSeconds } from './payment-metrics.js';

export const CAPTURE_TO_SETTLED_METRIC = 'billpay_capture_to_settled_seconds';

/**
 * The worker's histogram of capture→settled times, observed as lines settle: `observe` is the
 * settlement's onLineSettled hook (hub/settlement/deps.ts), called once per line by the run that
 * settled it (by posting or by status enquiry; a line settled by reconciliation is not observed
 * here, only in the DB-derived billpay_capture_to_settled_window_seconds). The histogram is
 * registered on no registry: the worker adds it to its own (registry.registerMetric).
 */
export function captureToSettledHistogram(): { histogram: Histogram<'biller' | 'method'>; observe: LineSettledHook } {
  const histogram = new Histogram({
    name: CAPTURE_TO_SETTLED_METRIC,
    help: 'Time from the gateway capture to the line settled at its biller (seconds), observed by the worker as each line settles, by biller and payment method',
    labelNames: ['biller', 'method'] as const,
    buckets: [...SETTLE_BUCKETS_SECONDS],
    registers: [],
  });
  const billers = new BillerLabels();
  const observe = (payment: Payment, lineId: string) => {
    // A metric must never disturb settlement: a payment without the timeline entries is skipped.
    try {
      const seconds = captureToSettledSeconds(payment, lineId);
      const line = payment.lines.find((l) => l._id === lineId);
      if (seconds === undefined || !line) return;
      histogram.observe({ biller: billers.of(line.billerId), method: methodLabel(payment.gateway?.method) }, seconds);
    } catch {
      // ignored on purpose (see above)
    }
  };
  return { histogram, observe };
}
