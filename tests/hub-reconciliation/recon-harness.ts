import { PaymentCapture } from '../../hub/checkout/payment-capture.js';
import type { Payment, PaymentLine } from '../../hub/payments/payment-model.js';
import {
  collectionSources,
  createGatewayReportClient,
  hubReconActions,
  hubRecords,
  istDateOf,
  type ReconDeps,
  type ReconResult,
  ReconStore,
  runReconciliation,
} from '../../hub/reconciliation/index.js';
import { createLogger } from '../../infra/logger.js';
import { BILLERS, type Kind } from '../hub-settlement/billers.js';
import { GATEWAY_API_KEY } from '../hub-settlement/gateway.js';
import { type Harness, type LineSpec, startHarness } from '../hub-settlement/harness.js';

/** The settlement harness (real sandboxes in-process, an isolated database) plus reconciliation. */
export interface ReconHarness extends Harness {
  store: ReconStore;
  deps: ReconDeps;
  /** Payments the late-capture resolution handed to settlement. */
  started: Payment[];
  /** Reconciles today (IST). */
  reconcile(): Promise<ReconResult>;
  /** Payments, ledger and cases as stored: a run that changes nothing leaves this equal. */
  snapshot(): Promise<unknown>;
  /** Posts a line at its biller as settlement would, under the line's reference. */
  postAtBiller(line: PaymentLine): Promise<string>;
  /** Moves a line through the given statuses, one conditional transition each. */
  move(payment: Payment, line: PaymentLine, ...statuses: PaymentLine['status'][]): Promise<Payment>;
  kindOf(billerId: string): Kind;
}

export async function startReconHarness(label: string): Promise<ReconHarness> {
  const harness = await startHarness(label);
  const log = createLogger(label, process.env.TEST_LOG_LEVEL ?? 'silent');
  const conn = harness.payments.model.db;
  const store = new ReconStore(conn);
  await store.init();
  const reports = createGatewayReportClient({ baseUrl: harness.gateway.url, apiKey: GATEWAY_API_KEY, retries: 0 });
  const started: Payment[] = [];
  const capture = new PaymentCapture(
    harness.payments,
    harness.ledger,
    harness.gateway.client,
    async (payment) => {
      started.push(payment);
    },
    log,
  );
  const deps: ReconDeps = {
    hub: hubRecords(harness.payments.model, harness.ledger.model),
    gateway: reports,
    orders: harness.gateway.client,
    billers: collectionSources(harness.billers.registry),
    actions: hubReconActions({
      payments: harness.payments,
      ledger: harness.ledger,
      capture,
      gateway: harness.gateway.client,
      billers: harness.billers.registry,
    }),
    store,
    log,
  };
  const sorted = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort();

  return {
    ...harness,
    store,
    deps,
    started,
    reconcile: () => runReconciliation(deps, { date: istDateOf(new Date()) }),
    snapshot: async () => ({
      payments: sorted(await harness.payments.model.find().lean().exec()),
      ledger: sorted(await harness.ledger.model.find().lean().exec()),
      cases: sorted(await store.cases.find().lean().exec()),
    }),
    postAtBiller: async (line) => {
      const biller = harness.billers.registry.get(line.billerId);
      if (!biller) throw new Error(`no biller ${line.billerId}`);
      const result = await biller.operations.postPayment({
        reference: line.reference,
        consumer: line.consumer,
        billNumber: line.billNumber,
        amountMinor: line.amountMinor,
        paidAt: new Date().toISOString(),
      });
      if (result.status !== 'accepted') throw new Error(`posting answered ${result.status}`);
      return result.billerReference ?? '';
    },
    move: async (payment, line, ...statuses) => {
      let current = payment;
      let from = line.status;
      for (const to of statuses) {
        const moved = await harness.payments.transitionLine(payment._id, line._id, from, to, `test.${to}`);
        if (!moved) throw new Error(`line ${line._id} did not move from ${from} to ${to}`);
        current = moved;
        from = to;
      }
      return current;
    },
    kindOf: (billerId) =>
      (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) ?? 'electricity',
    close: async () => {
      reports.close();
      await harness.close();
    },
  };
}

export type { LineSpec };
