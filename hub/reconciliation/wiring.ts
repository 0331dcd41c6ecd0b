import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { PaymentCapture, type StartSettlement } from '../checkout/payment-capture.js';
import type { PaymentGateway } from '../gateway/port.js';
import { Ledger } from '../ledger/ledger.js';
import { PaymentStore } from '../payments/payment-store.js';
import { hubReconActions } from './actions.js';
import { hubRecords } from './hub-records.js';
import { collectionSources, type GatewayReportSource } from './ports.js';
import { ReconStore } from './recon-store.js';
import type { ReconDeps } from './run-reconciliation.js';

export interface ReconWiring {
  mongo: Connection;
  billers: BillerRegistry;
  /** The hub's gateway client: late captures are read back from it before they are applied. */
  gateway: PaymentGateway;
  reports: GatewayReportSource;
  /** What checkout does once a payment is captured: enqueue its lines' settlement. */
  startSettlement: StartSettlement;
  log: Logger;
}

/** runReconciliation's deps from today's hub pieces: what the worker's reconcile job and `npm run recon` use. */
export async function reconciliationDeps(wiring: ReconWiring): Promise<ReconDeps> {
  const payments = new PaymentStore(wiring.mongo);
  const ledger = new Ledger(wiring.mongo);
  const store = new ReconStore(wiring.mongo);
  await Promise.all([payments.init(), ledger.init(), store.init()]);
  const capture = new PaymentCapture(payments, ledger, wiring.gateway, wiring.startSettlement, wiring.log);
  return {
    hub: hubRecords(payments.model, ledger.model),
    gateway: wiring.reports,
    billers: collectionSources(wiring.billers),
    orders: wiring.gateway,
    actions: hubReconActions({ payments, ledger, capture, gateway: wiring.gateway, billers: wiring.billers }),
    store,
    log: wiring.log,
  };
}
