import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentDetails } from '../../hub/operator/payment-detail.js';
import type { PaymentStore } from '../../hub/payments/index.js';
import { type IssueReceiptDeps, issueReceipt } from '../../hub/receipts/issue-receipt.js';
import type { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { completedPayment, phoneNotifications, startReceiptStores } from '../hub-receipts/support/receipt-stores.js';

const log = createLogger('payment-detail-receipt', 'silent');

describe("the operator's payment detail shows the receipt and when its message was recorded", () => {
  let drop: () => Promise<void>;
  let conn: Connection;
  let payments: PaymentStore;
  let receipts: ReceiptService;
  let details: PaymentDetails;
  const job = (phone?: string): IssueReceiptDeps => ({
    payments,
    receipts,
    notifications: phoneNotifications(conn, log, phone),
    log,
  });

  beforeAll(async () => {
    ({ drop, conn, payments, receipts } = await startReceiptStores('payment_detail_receipt'));
    details = new PaymentDetails(conn);
  });
  afterAll(() => drop?.());

  it('none before the receipt is stored; then the first confirmation delivery, or notifiedAt with nobody to tell', async () => {
    const told = await completedPayment(payments);
    expect((await details.find(told._id))?.payment.receipt).toBeUndefined();
    expect(await issueReceipt(job('+919845012345'), told._id)).toBe('notified');
    const delivery = await conn
      .collection('notification_deliveries')
      .findOne({ key: `payment_confirmed|RCT${told._id.slice(3)}|sms` });
    expect((await details.find(told._id))?.payment.receipt).toEqual({
      receiptId: `RCT${told._id.slice(3)}`,
      issuedAt: (await receipts.findByPayment(told._id))?.issuedAt.toISOString(),
      notifiedAt: delivery?.createdAt.toISOString(),
    });

    const nobody = await completedPayment(payments);
    expect(await issueReceipt(job(), nobody._id)).toBe('no_contact');
    const stored = await receipts.findByPayment(nobody._id);
    expect((await details.find(nobody._id))?.payment.receipt?.notifiedAt).toBe(stored?.notifiedAt?.toISOString());

    const untold = await completedPayment(payments);
    await receipts.issue(untold);
    expect((await details.find(untold._id))?.payment.receipt).not.toHaveProperty('notifiedAt');
  });
});
