import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillService } from '../../hub/bills/bill-service.js';
import { collectDues } from '../../hub/bills/dues.js';
import type { SavedAccountDoc } from '../../hub/saved-accounts/saved-account-model.js';
import { BILL_MINOR, type CheckoutHarness, refusal, startCheckoutHarness } from './harness.js';

describe('one bill, one payment (holes 5 and 6)', () => {
  let h: CheckoutHarness;
  beforeAll(async () => {
    h = await startCheckoutHarness('checkout_one_bill');
  });
  afterAll(() => h?.close());

  /** A checkout for these bills, paid at the gateway and captured by the hub. */
  async function paid(...consumers: string[]) {
    const { payment, checkoutUrl } = await h.run(h.body(...consumers));
    await h.pay(checkoutUrl);
    return h.capture.sync(payment);
  }

  it('refuses a bill that a captured payment pays, with 409 naming that payment', async () => {
    const bill = h.consumer();
    const first = await paid(bill);
    expect(first.status).toBe('settling');

    const again = await refusal(h.run(h.body(h.consumer(), bill)));
    expect(again).toMatchObject({ status: 409, code: 'bill_already_paid', details: { paymentId: first._id } });
  });

  it('refuses a bill whose line is settled, and allows one whose earlier line was refunded', async () => {
    const settledBill = h.consumer();
    const refundedBill = h.consumer();
    const first = await paid(settledBill, refundedBill);
    const [settled, refunded] = first.lines;
    // The capture moved both lines to posting with the payment's move to settling.
    await h.payments.transitionLine(first._id, String(settled?._id), 'posting', 'settled', 'biller_accepted');
    for (const [from, to] of [
      ['posting', 'failed'],
      ['failed', 'refunding'],
      ['refunding', 'refunded'],
    ] as const) {
      await h.payments.transitionLine(first._id, String(refunded?._id), from, to, `line_${to}`);
    }
    await h.payments.settleCompletion(first._id);
    expect((await h.reload(first._id)).status).toBe('partially_refunded');

    expect(await refusal(h.run(h.body(settledBill)))).toMatchObject({
      status: 409,
      code: 'bill_already_paid',
      details: { paymentId: first._id },
    });
    const again = await h.run(h.body(refundedBill));
    expect(again.payment.status).toBe('awaiting_payment');
  });

  it('allows a bill whose earlier checkout failed at the gateway', async () => {
    const bill = h.consumer();
    const { payment, checkoutUrl } = await h.run(h.body(bill));
    await h.pay(checkoutUrl, 'failure');
    expect((await h.capture.sync(payment)).status).toBe('failed');
    expect((await h.run(h.body(bill))).payment.status).toBe('awaiting_payment');
  });

  it('a new checkout supersedes an unpaid one: its order is cancelled first, so the old page takes no money', async () => {
    const bill = h.consumer();
    const older = await h.run(h.body(bill, h.consumer()));
    const newer = await h.run(h.body(bill));

    const old = await h.reload(older.payment._id);
    expect(old).toMatchObject({ status: 'cancelled', supersededBy: newer.payment._id });
    expect(old.timeline.map((t) => t.event)).toContain('checkout_superseded');
    expect((await h.gateway.getOrder(old.gateway.orderId as string)).status).toBe('cancelled');
    await h.pay(older.checkoutUrl);
    expect((await h.gateway.getOrder(old.gateway.orderId as string)).capturedMinor).toBe(0);
    expect(newer.payment.status).toBe('awaiting_payment');
    // A retry of the superseded checkout hands out no payable URL.
    expect(
      await refusal(h.run(h.body(bill, old.lines[1]?.consumer.consumerNumber as string), old.idempotencyKey)),
    ).toMatchObject({ status: 410, code: 'checkout_closed', details: { supersededBy: newer.payment._id } });
  });

  it('a new checkout finding the older one paid at the gateway (webhook lost) takes that capture and is refused', async () => {
    const bill = h.consumer();
    const older = await h.run(h.body(bill));
    await h.pay(older.checkoutUrl);

    const refused = await refusal(h.run(h.body(bill)));
    expect(refused).toMatchObject({
      status: 409,
      code: 'bill_already_paid',
      details: { paymentId: older.payment._id },
    });
    expect((await h.reload(older.payment._id)).status).toBe('settling');
    expect(h.settlementStarts).toContain(older.payment._id);
  });

  it('two concurrent checkouts for the same bill (two tabs) leave exactly one payable order', async () => {
    for (let round = 0; round < 5; round++) {
      const bill = h.consumer();
      const answers = await Promise.allSettled([h.run(h.body(bill)), h.run(h.body(bill)), h.run(h.body(bill))]);
      const open = await h.payments.model
        .find({ 'lines.billKey': { $regex: `\\|${bill}\\|` }, status: 'awaiting_payment' })
        .lean()
        .exec();
      expect(open, `round ${round}`).toHaveLength(1);
      const orders = await Promise.all(
        answers
          .filter((a) => a.status === 'fulfilled')
          .map((a) => h.gateway.getOrder(a.value.payment.gateway.orderId as string)),
      );
      expect(
        orders.filter((o) => o.status === 'created'),
        `round ${round}`,
      ).toHaveLength(1);
      for (const answer of answers) {
        if (answer.status === 'rejected') {
          // A request answered for the first time learns it lost the bill (409), never "closed" (410).
          expect(['checkout_superseded', 'checkout_contended']).toContain(answer.reason.code);
        }
      }
    }
  });

  it('a late capture settles the still-unpaid bill and refunds the line whose bill another payment paid', async () => {
    const contested = h.consumer();
    const free = h.consumer();
    const late = await h.run(h.body(contested, free));
    // The citizen pays; the webhook is lost, and the checkout expires without asking the gateway
    // (as it did before): then the bill is paid again in a new checkout.
    await h.pay(late.checkoutUrl);
    await h.payments.model.updateOne({ _id: late.payment._id }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    await h.payments.transitionPayment(late.payment._id, 'awaiting_payment', 'expired', 'checkout_expired');
    const other = await paid(contested);
    expect(other.status).toBe('settling');

    const after = await h.capture.sync(await h.reload(late.payment._id));

    expect(after.status).toBe('settling');
    const [contestedLine, freeLine] = after.lines;
    expect(contestedLine).toMatchObject({ status: 'failed', failureCode: 'bill_already_paid' });
    expect(contestedLine?.failureMessage).toContain(other._id);
    // Moved to posting with the payment's move to settling: its job posts it next.
    expect(freeLine?.status).toBe('posting');
    const events = after.timeline.map((t) => [t.event, t.detail ?? '']);
    expect(events).toEqual(
      expect.arrayContaining([
        ['payment_captured', 'late capture: the payment was expired'],
        ['bill_already_paid', `paid by ${other._id}`],
      ]),
    );
    expect(h.settlementStarts).toContain(late.payment._id);
  });

  it('/dues marks a bill with a payment and a bill sitting in an unpaid checkout', async () => {
    const [paidBill, openBill, dueBill] = [h.consumer(), h.consumer(), h.consumer()];
    const payment = await paid(paidBill);
    const open = await h.run(h.body(openBill));
    const accounts = [paidBill, openBill, dueBill].map(
      (consumerNumber) =>
        ({
          _id: `ACC${consumerNumber}`,
          billerId: 'state-electricity',
          nickname: 'home',
          consumerMasked: consumerNumber.slice(-4),
          consumer: { consumerNumber },
        }) as unknown as SavedAccountDoc,
    );
    const bills = {
      fetch: async (_id: string, consumer: Record<string, string>) => ({
        bill: { billNumber: `B-${consumer.consumerNumber}`, amountDueMinor: BILL_MINOR },
        consumer,
        cached: false,
      }),
    } as unknown as BillService;

    const dues = await collectDues(accounts, bills, h.payments.model);

    expect(dues.map((d) => [d.paid, d.checkout])).toEqual([
      [{ paymentId: payment._id, status: 'settling' }, undefined],
      [undefined, { paymentId: open.payment._id, status: 'awaiting_payment' }],
      [undefined, undefined],
    ]);
  });
});
