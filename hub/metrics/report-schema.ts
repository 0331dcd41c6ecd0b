import { z } from 'zod';
import { COMPLAINT_TYPES } from './complaint-metrics.js';
import { METHOD_LABELS } from './labels.js';
import { METRIC_WINDOWS } from './windows.js';

/** The operator API's metrics answer (MetricsReport) as a zod schema, for the OpenAPI document. */

const rate = z.number().min(0).max(1).nullable().meta({ description: 'a fraction 0..1; null when its base is empty' });
const seconds = z.number().min(0).nullable().meta({ description: 'seconds; null when there is nothing to measure' });
const count = z.number().int().min(0);
const minor = z.number().int().meta({ description: 'integer minor units (paise)' });

const distribution = z.object({
  count,
  meanSeconds: seconds,
  p50Seconds: seconds,
  p90Seconds: seconds,
  p99Seconds: seconds,
  maxSeconds: seconds,
  buckets: z.array(z.object({ le: z.union([z.number(), z.literal('+Inf')]), count })),
});

const outcomes = z.object({
  settled: count,
  refunded: count,
  refundPending: count,
  unknown: count,
  inFlight: count,
  declined: count,
  held: count,
  abandoned: count,
  cancelled: count,
  open: count,
});

const paymentGroup = z.object({
  billerId: z.string().meta({ description: 'a biller id, `other` past the label cap, `*` in the totals' }),
  method: z.union([z.enum(METHOD_LABELS), z.literal('*')]),
  lines: count,
  outcomes,
  captured: count,
  wentUnknown: count,
  capturedMinor: minor,
  settledMinor: minor,
  refundedMinor: minor,
  successRate: rate,
  refundRate: rate,
  unknownRate: rate,
  captureToSettled: distribution,
});

const unknowns = z.object({
  billerId: z.string(),
  count,
  oldestAgeSeconds: seconds,
  averageAgeSeconds: seconds,
});

const deliveryGroup = z.object({
  channel: z.string(),
  kind: z.string(),
  sent: count,
  failed: count,
  superseded: count,
  successRate: rate,
});

const scores = z.object({
  count,
  average: z.number().min(1).max(5).nullable(),
  byScore: z.object({ 1: count, 2: count, 3: count, 4: count, 5: count }),
});

export const metricsReportSchema = z.object({
  window: z.enum(METRIC_WINDOWS),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  payments: z.object({ totals: paymentGroup, byBillerAndMethod: z.array(paymentGroup) }),
  openUnknowns: z.object({ totals: unknowns, byBiller: z.array(unknowns) }),
  complaints: z.object({
    raised: count,
    byType: z.object(
      Object.fromEntries(COMPLAINT_TYPES.map((t) => [t, count])) as Record<
        (typeof COMPLAINT_TYPES)[number],
        typeof count
      >,
    ),
    closed: count,
    resolved: count,
    rejected: count,
    open: count,
    overdueOpen: count,
    timeToResolve: distribution,
    turnaroundDecided: count,
    withinTurnaround: count,
    withinTurnaroundRate: rate,
  }),
  deliveries: z.object({
    totals: deliveryGroup,
    receipts: deliveryGroup,
    receiptsByChannel: z.array(deliveryGroup),
    byChannelAndKind: z.array(deliveryGroup),
    queuedNow: count,
  }),
  satisfaction: z.object({
    payments: scores,
    paymentsByBillerAndMethod: z.array(scores.extend({ billerId: z.string(), method: z.enum(METHOD_LABELS) })),
    complaints: scores,
  }),
  chargebacks: z.object({ tracked: z.literal(false), note: z.string() }),
});
