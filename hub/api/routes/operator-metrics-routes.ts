import { z } from 'zod';
import type { Connection } from '../../../infra/mongo.js';
import { metricsFor } from '../../metrics/report.js';
import { metricsReportSchema } from '../../metrics/report-schema.js';
import { METRIC_WINDOWS } from '../../metrics/windows.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

const metricsQuery = z.object({
  window: z.enum(METRIC_WINDOWS).default('24h').describe('the last 24 hours, 7 days or 30 days (default 24h)'),
});

/**
 * The operator console's numbers (hub/metrics): payment success, refund and unknown-outcome rates,
 * capture→settled times, open unknowns, complaints, message delivery and satisfaction, for one
 * window, by biller and method. Computed from MongoDB on each call (an operator's page view, not a scrape).
 */
export function operatorMetricsRoutes(deps: { mongo: Connection; now?: () => Date }): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/operator/metrics',
      operationId: 'getOperatorMetrics',
      summary: 'The payment metrics operators are judged by, for the last 24 hours, 7 days or 30 days',
      scopes: ['ops:read'],
      callers: ['operator'],
      query: metricsQuery,
      response: metricsReportSchema,
      handler: (_ctx, { query }) => metricsFor(deps.mongo, query.window, deps.now?.() ?? new Date()),
    }),
  ];
}
