import type { Connection } from '../../../infra/mongo.js';
import { OperatorAudit } from '../../operator/audit-log.js';
import type { OperatorDeps } from '../../operator/operator-deps.js';
import { OperatorQueues } from '../../operator/queues.js';
import { ReconStore } from '../../reconciliation/recon-store.js';
import type { RouteSpec } from '../route-spec.js';
import { operatorActionRoutes } from './operator-action-routes.js';
import { operatorQueueRoutes } from './operator-queue-routes.js';

/**
 * What the hub hands the operator's queues and actions: the actions' deps (operator-deps.ts) but the
 * reconciliation store and the audit log, which the routes open on `mongo`. Without `queue` the
 * actions that hand a line to settlement answer 503.
 */
export interface OperatorRouteInput extends Omit<OperatorDeps, 'recon' | 'audit'> {
  mongo: Connection;
}

/** The operator's queue, audit and action routes, on the hub's own stores (one line in hub/app.ts). */
export function operatorRoutes(input: OperatorRouteInput): RouteSpec[] {
  const recon = new ReconStore(input.mongo);
  const audit = new OperatorAudit(input.mongo);
  return [
    ...operatorQueueRoutes({ queues: new OperatorQueues(input.payments, recon), audit }),
    ...operatorActionRoutes({ ...input, recon, audit }),
  ];
}
