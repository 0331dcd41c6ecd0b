import type { RouteGroup } from '../deps.js';
import { authRoutes } from './auth-routes.js';
import { complaintRoutes } from './complaint-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { paymentRoutes } from './payment-routes.js';
import { queueRoutes } from './queue-routes.js';
import { riskRoutes } from './risk-routes.js';

/**
 * Every area's pages, mounted in this order (fixed paths before parameters within an area).
 * Each area adds one import and one entry: payments, queues and actions, complaints, risk,
 * metrics, audit.
 */
export const ROUTE_GROUPS: RouteGroup[] = [
  authRoutes,
  paymentRoutes,
  queueRoutes,
  complaintRoutes,
  riskRoutes,
  metricsRoutes,
];
