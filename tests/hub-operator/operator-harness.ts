import { todayInIndia } from '../../hub/bills/indian-day.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import type { ActionRequest } from '../../hub/operator/operator-action.js';
import type { OperatorDeps } from '../../hub/operator/operator-deps.js';
import type { Payment, PaymentLine } from '../../hub/payments/payment-model.js';
import { ReconStore } from '../../hub/reconciliation/recon-store.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import type { SettlementWorker } from '../../hub/settlement/worker.js';
import type { Connection } from '../../infra/mongo.js';
import { newLine, newPayment } from '../hub-payments/fixtures.js';
import { BILLERS, type Kind } from '../hub-settlement/billers.js';
import { type Harness, type LineSpec, startHarness, waitFor } from '../hub-settlement/harness.js';

/** The settlement harness (sandbox billers and gateway, a queue and a worker) with the operator's deps over it. */
export interface OperatorHarness {
  h: Harness;
  deps: OperatorDeps;
  audit: OperatorAudit;
  recon: ReconStore;
  worker: SettlementWorker;
  /** An operator asking, with a reason. */
  asOperator(reason?: string): ActionRequest;
  /** A settling payment whose one line's posting went out and came back with no answer: `unknown`. */
  unknownLine(kind?: Kind, options?: { postedAtBiller?: boolean }): Promise<{ payment: Payment; line: PaymentLine }>;
  /** A settling payment whose one line was refused, and whose refund the gateway refused for good: `held`. */
  heldLine(kind?: Kind): Promise<{ payment: Payment; line: PaymentLine }>;
  /** A payment whose capture at the gateway was half its total: `held` (capture_mismatch), capture in payments:held. */
  heldPayment(): Promise<Payment>;
  /** Waits until the line is in `status`. */
  lineReaches(paymentId: string, lineId: string, status: PaymentLine['status']): Promise<Payment>;
  close(): Promise<void>;
}

const only = (payment: Payment | null): PaymentLine => {
  const line = payment?.lines[0];
  if (!line) throw new Error('no line');
  return line;
};

/**
 * A payment whose capture at the gateway was half its total, made with these stores and this
 * gateway: `held` (capture_mismatch), its capture recorded in the ledger (into payments:held).
 */
export async function heldPaymentIn(h: Pick<Harness, 'payments' | 'gateway' | 'ledger'>): Promise<Payment> {
  const { payment } = await h.payments.create(newPayment({ lines: [newLine()] }));
  const half = Math.floor(payment.totalMinor / 2);
  const orderId = await h.gateway.capturedOrder(payment._id, half);
  await h.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started', {
    gateway: { orderId },
  });
  const held = await h.payments.transitionPayment(payment._id, 'awaiting_payment', 'held', 'capture_mismatch', {
    gateway: { method: 'upi', capturedMinor: half, capturedCurrency: 'INR' },
    hold: {
      reason: 'capture_mismatch',
      detail: `captured ${half} INR, expected ${payment.totalMinor} INR`,
      at: new Date(),
    },
  });
  if (!held) throw new Error('not held');
  await h.ledger.recordCapture(held);
  return held;
}

export async function startOperatorHarness(label: string): Promise<OperatorHarness> {
  const h = await startHarness(label);
  const conn = h.payments.model.db as unknown as Connection;
  const audit = new OperatorAudit(conn);
  const recon = new ReconStore(conn);
  await recon.init();
  const worker = h.startWorker();
  const { log } = h.lineDeps();
  const deps: OperatorDeps = {
    payments: h.payments,
    ledger: h.ledger,
    recon,
    audit,
    billers: h.billers.registry,
    gateway: h.gateway.client,
    queue: h.queue,
    options: settlementOptions(h.options),
    log,
  };
  const move = async (p: Payment, line: PaymentLine, from: PaymentLine['status'], to: PaymentLine['status']) => {
    const moved = await h.payments.transitionLine(p._id, line._id, from, to, `test.${to}`, {
      ...(to === 'unknown' ? { enquiries: 0, nextAttemptAt: new Date(Date.now() + 3_600_000) } : {}),
      ...(to === 'failed' ? { failureCode: 'ACCOUNT_CLOSED' } : {}),
      ...(to === 'refunding' ? { refundKey: line._id } : {}),
      ...(to === 'held' ? { failureCode: 'refund_refused', failureMessage: 'the gateway refused the refund' } : {}),
    });
    if (!moved) throw new Error(`line did not move ${from} → ${to}`);
    return moved;
  };
  return {
    h,
    deps,
    audit,
    recon,
    worker,
    asOperator: (reason = 'the citizen called about it') => ({
      actor: { sub: 'operator-1', label: 'Asha (operations)' },
      reason,
    }),
    unknownLine: async (kind = 'gas', { postedAtBiller = false } = {}) => {
      const payment = await h.settlingPayment([{ kind } satisfies LineSpec]);
      const line = only(payment);
      await move(payment, line, 'pending', 'posting');
      const unknown = await move(payment, line, 'posting', 'unknown');
      if (postedAtBiller) {
        // The posting reached the biller; only its answer was lost.
        const biller = h.billers.registry.get(BILLERS[kind].billerId);
        const result = await biller?.operations.postPayment({
          reference: line.reference,
          consumer: line.consumer,
          billNumber: line.billNumber,
          amountMinor: line.amountMinor,
          paidAt: new Date().toISOString(),
          billedOn: todayInIndia(payment.createdAt),
        });
        if (result?.status !== 'accepted') throw new Error(`the biller answered ${result?.status}`);
      }
      return { payment: unknown, line: only(unknown) };
    },
    heldLine: async (kind = 'water') => {
      const payment = await h.settlingPayment([{ kind }]);
      const line = only(payment);
      await move(payment, line, 'pending', 'failed');
      await move(payment, line, 'failed', 'refunding');
      const held = await move(payment, line, 'refunding', 'held');
      return { payment: held, line: only(held) };
    },
    heldPayment: () => heldPaymentIn(h),
    lineReaches: (paymentId, lineId, status) =>
      waitFor(`line ${lineId} to be ${status}`, async () => {
        const p = await h.payments.findById(paymentId);
        return p?.lines.find((l) => l._id === lineId)?.status === status && p;
      }),
    close: async () => {
      await h.close();
    },
  };
}
