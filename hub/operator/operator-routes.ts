import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { Connection } from '../../infra/mongo.js';
import type { RouteSpec } from '../api/route-spec.js';
import { operatorActionRoutes } from '../api/routes/operator-action-routes.js';
import { operatorQueueRoutes } from '../api/routes/operator-queue-routes.js';
import type { PaymentGateway } from '../gateway/port.js';
import type { Ledger } from '../ledger/ledger.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { ReconStore } from '../reconciliation/recon-store.js';
import type { SettlementLog } from '../settlement/deps.js';
import type { SettlementOptions } from '../settlement/options.js';
import type { SettlementQueue } from '../settlement/queue.js';
import { OperatorAudit } from './audit-log.js';
import { OperatorQueues } from './queues.js';

/** What the hub hands the operator's queues and actions. */
export interface OperatorRouteInput {
  mongo: Connection;
  payments: PaymentStore;
  ledger: Ledger;
  gateway: Pick<PaymentGateway, 'refund'>;
  billers: Pick<BillerRegistry, 'get'>;
  /** The hub's work queue; without it the actions that hand a line to settlement answer 503. */
  queue?: SettlementQueue;
  options: SettlementOptions;
  log: SettlementLog;
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
