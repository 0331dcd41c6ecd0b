export { COMPLAINT_TYPES, type ComplaintMetrics } from './complaint-metrics.js';
export { type DeliveryGroup, type DeliveryMetrics, RECEIPT_KIND } from './delivery-metrics.js';
export { type Distribution, distributionOf, SETTLE_BUCKETS_SECONDS } from './distribution.js';
export { BillerLabels, METHOD_LABELS, type MethodLabel, methodLabel } from './labels.js';
export {
  captureToSettledSeconds,
  type LineOutcomes,
  lineOutcome,
  type OpenUnknowns,
  type PaymentGroupMetrics,
  type PaymentWindowMetrics,
} from './payment-metrics.js';
export { DEFAULT_METRICS_CACHE_MS, HUB_GAUGES, type HubMetricsOptions, registerHubMetrics } from './prometheus.js';
export { CHARGEBACKS_NOTE, computeMetrics, type MetricsReport, metricsFor } from './report.js';
export type { PaymentSatisfactionGroup, SatisfactionMetrics, ScoreStats } from './satisfaction-metrics.js';
export { CAPTURE_TO_SETTLED_METRIC, captureToSettledHistogram } from './settlement-histogram.js';
export { SnapshotCache } from './snapshot-cache.js';
export { isMetricWindow, METRIC_WINDOWS, type MetricWindow, WINDOW_MS, windowBounds } from './windows.js';
