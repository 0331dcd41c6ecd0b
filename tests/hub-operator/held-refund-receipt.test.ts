import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundHeldPayment } from '../../hub/operator/actions/refund-held-payment.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import type { OperatorDeps } from '../../hub/operator/operator-deps.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { receiptView } from '../../hub/receipts/receipt-views.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { createLogger } from '../../infra/logger.js';
import { type ReconHarness, startReconHarness } from '../hub-reconciliation/recon-harness.js';
import { heldPaymentIn } from './operator-harness.js';

/**
 * The receipt of a held payment an operator refunded whole: nothing was posted to a biller, and
 * the money that went back is the capture (half the bills' total here), under the payment's id.
 */
describe("a held payment's whole refund on its receipt", () => {
  let r: ReconHarness;
  let deps: OperatorDeps;

  beforeAll(async () => {
    r = await startReconHarness('operator_held_receipt');
    deps = {
      payments: r.payments,
      ledger: r.ledger,
      recon: r.store,
      audit: new OperatorAudit(r.payments.model.db),
      billers: r.billers.registry,
      gateway: r.gateway.client,
      queue: r.queue,
      options: settlementOptions(r.options),
      log: createLogger('operator_held_receipt', 'silent'),
    };
  });
  afterAll(async () => {
    await r?.close();
  });

  it('shows the capture refunded under the payment id, nothing paid to a biller and no bill left pending', async () => {
    const held = await heldPaymentIn(r);
    const request = { actor: { sub: 'operator-1' }, reason: 'capture mismatch: refund it all' };
    for (let i = 0; i < 20; i++) {
      if ((await refundHeldPayment(deps, held._id, request)).status === 'refunded') break;
    }
    const refunded = await r.payments.findById(held._id);
    expect(refunded?.status).toBe('refunded');

    const receipts = new ReceiptService(r.payments.model.db as never, r.billers.registry);
    const receipt = await receipts.issue(refunded as NonNullable<typeof refunded>);
    const captured = held.gateway?.capturedMinor as number;
    expect(captured).toBeLessThan(held.totalMinor);
    expect(receipt).toMatchObject({ status: 'refunded', settledMinor: 0, refundedMinor: captured });
    expect(receipt?.refunds).toEqual([
      { amountMinor: captured, reference: held._id, at: expect.any(Date), status: 'refunded' },
    ]);
    expect(receipt?.lines.map((line) => line.status)).toEqual(held.lines.map(() => 'refunded'));

    const view = receiptView(receipt as NonNullable<typeof receipt>, 'http://hub.test/verify?t=x');
    expect(view.refunds[0]).not.toHaveProperty('lineId');
    expect(view.refunds[0]?.amountMinor).toBe(captured);
  });
});
