import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundHeldPayment } from '../../hub/operator/actions/refund-held-payment.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import type { OperatorDeps } from '../../hub/operator/operator-deps.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { receiptView } from '../../hub/receipts/receipt-views.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { createLogger } from '../../infra/logger.js';
import { type ReconHarness, startReconHarness } from '../hub-reconciliation/recon-harness.js';
import { heldPaymentIn } from './operator-harness.js';

/**
 * A held payment refunded whole by an operator, seen by the two proofs of the books (the ledger
 * check, captured = … + refunded + held, and reconciliation against the gateway's report) and on
 * the citizen's receipt.
 */
describe("a held payment's whole refund: the ledger check, reconciliation and the receipt agree", () => {
  let r: ReconHarness;
  let deps: OperatorDeps;

  beforeAll(async () => {
    r = await startReconHarness('operator_held_books');
    deps = {
      payments: r.payments,
      ledger: r.ledger,
      recon: r.store,
      audit: new OperatorAudit(r.payments.model.db),
      billers: r.billers.registry,
      gateway: r.gateway.client,
      queue: r.queue,
      options: settlementOptions(r.options),
      log: createLogger('operator_held_books', 'silent'),
    };
  });
  afterAll(async () => {
    await r?.close();
  });

  const heldPayment = () => heldPaymentIn(r);

  const request = { actor: { sub: 'operator-1' }, reason: 'capture mismatch: refund it all' };

  /** Asks until the gateway's refund has succeeded (it may answer pending first). */
  async function refundWhole(held: Payment): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await refundHeldPayment(deps, held._id, request)).status === 'refunded') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the refund of ${held._id} never succeeded`);
  }

  it('reconciliation finds no refund difference once the held capture is refunded, and the held case is gone', async () => {
    const held = await heldPayment();
    const before = await r.reconcile();
    expect(before.differences.map((d) => d.class)).toContain('held_payment');

    await refundWhole(held);

    const after = await r.reconcile();
    const mine = after.differences.filter((d) => d.paymentId === held._id);
    expect(mine).toEqual([]);
    expect((await r.ledger.checkLedger(held._id)).problems).toEqual([]);
  });

  it('the ledger check reports a payment refunded from its hold whose refund movement is missing', async () => {
    const held = await heldPayment();
    const moved = await r.payments.transitionPayment(held._id, 'held', 'refunded', 'test.refunded');
    expect(moved?.status).toBe('refunded');

    const { problems } = await r.ledger.checkLedger(held._id);

    expect(problems).toContain(
      `payment ${held._id} was refunded from its hold but ${held.gateway.capturedMinor} is still held`,
    );
  });

  it('the receipt shows the capture refunded under the payment id, nothing paid to a biller and no bill left pending', async () => {
    const held = await heldPayment();
    await refundWhole(held);
    const refunded = await r.payments.findById(held._id);
    if (!refunded) throw new Error('payment gone');

    const receipt = await new ReceiptService(r.payments.model.db as never, r.billers.registry).issue(refunded);
    if (!receipt) throw new Error('no receipt for a refunded payment');
    const captured = held.gateway.capturedMinor as number;
    expect(captured).toBeLessThan(held.totalMinor);
    expect(receipt).toMatchObject({ status: 'refunded', settledMinor: 0, refundedMinor: captured });
    expect(receipt.refunds).toEqual([
      { amountMinor: captured, reference: held._id, at: expect.any(Date), status: 'refunded' },
    ]);
    expect(receipt.lines.map((line) => line.status)).toEqual(held.lines.map(() => 'refunded'));
    const view = receiptView(receipt, 'http://hub.test/verify?t=x');
    expect(view.refunds[0]).not.toHaveProperty('lineId');
  });
});
