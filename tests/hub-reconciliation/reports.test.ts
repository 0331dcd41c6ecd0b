import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionEntries as discomEntries } from '../../adapters/electricity-discom/collection-file.js';
import { BillerUnavailableError } from '../../adapters/sdk/index.js';
import { mdrFee } from '../../hub/gateway/sandbox-server/settlement-journal.js';
import { newReference } from '../../hub/payments/ids.js';
import { createGatewayReportClient, istDateOf, shiftDate } from '../../hub/reconciliation/index.js';
import { BILLERS, type Billers, KINDS, startBillers } from '../hub-settlement/billers.js';
import { GATEWAY_API_KEY, type Gateway, startGateway } from '../hub-settlement/gateway.js';

let gateway: Gateway;
let billers: Billers;
beforeAll(async () => {
  [gateway, billers] = await Promise.all([startGateway(), startBillers()]);
});
afterAll(async () => {
  await Promise.all([gateway.close(), billers.close()]);
});

const today = () => istDateOf(new Date());

async function paidOrder(amountMinor: number, method: 'card' | 'upi'): Promise<{ paymentId: string; orderId: string }> {
  const paymentId = `PAY${newReference().slice(3)}`;
  const { orderId } = await gateway.client.createOrder({
    paymentId,
    amountMinor,
    currency: 'INR',
    returnUrl: 'http://hub.test/return',
    description: 'bills',
  });
  const res = await fetch(`${gateway.url}/v1/orders/${orderId}/simulate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${GATEWAY_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'success', method }),
  });
  if (!res.ok) throw new Error(`simulate answered ${res.status}`);
  return { paymentId, orderId };
}

describe('the gateway settlement report', () => {
  it('charges 1.8% on cards and nothing on UPI, in whole paise rounded half up', () => {
    expect(mdrFee(12_375, 'card')).toBe(223); // 222.75
    expect(mdrFee(12_347, 'card')).toBe(222); // 222.246
    expect(mdrFee(12_375, 'upi')).toBe(0);
    expect(mdrFee(Number.MAX_SAFE_INTEGER, 'card')).toBe(Math.round(Number.MAX_SAFE_INTEGER * 0.018));
  });

  it("lists each order's capture, refund, fee and net payout under the hub's payment id for the IST day", async () => {
    const card = await paidOrder(12_375, 'card');
    const upi = await paidOrder(50_000, 'upi');
    await gateway.client.refund({ orderId: card.orderId, amountMinor: 1_000, refundKey: newReference() });
    const reports = createGatewayReportClient({ baseUrl: gateway.url, apiKey: GATEWAY_API_KEY });
    try {
      const report = await reports.settlementReport(today());
      const rows = report.rows.filter((row) => [card.paymentId, upi.paymentId].includes(row.paymentId));
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            orderId: card.orderId,
            paymentId: card.paymentId,
            method: 'card',
            currency: 'INR',
            capturedMinor: 12_375,
            refundedMinor: 1_000,
            feeMinor: 223,
            netMinor: 12_375 - 1_000 - 223,
          },
          expect.objectContaining({ paymentId: upi.paymentId, capturedMinor: 50_000, feeMinor: 0, netMinor: 50_000 }),
        ]),
      );
      expect((await reports.settlementReport(shiftDate(today(), -2))).rows).toEqual([]);
    } finally {
      reports.close();
    }
  });

  it('is refused without the API key', async () => {
    const res = await fetch(`${gateway.url}/v1/reports/settlements?date=${today()}`);
    expect(res.status).toBe(401);
    const bad = await fetch(`${gateway.url}/v1/reports/settlements?date=yesterday`, {
      headers: { authorization: `Bearer ${GATEWAY_API_KEY}` },
    });
    expect(bad.status).toBe(422);
  });
});

describe("each biller's collection file", () => {
  it.each(KINDS)("%s lists the postings it accepted today under the hub's reference, as CSV", async (kind) => {
    const { billerId, known } = BILLERS[kind];
    const operations = billers.registry.get(billerId)?.operations;
    if (!operations?.collectionReport) throw new Error(`${billerId} publishes no collection file`);
    const bill = await operations.fetchBill(known);
    const reference = newReference();
    const posted = await operations.postPayment({
      reference,
      consumer: known,
      billNumber: bill.billNumber,
      amountMinor: bill.amountDueMinor,
      paidAt: new Date().toISOString(),
    });

    const entries = await operations.collectionReport(today());

    expect(entries.find((entry) => entry.reference === reference)).toEqual({
      reference,
      billerReference: posted.billerReference,
      consumer: known,
      billNumber: bill.billNumber,
      amountMinor: bill.amountDueMinor,
      acceptedAt: expect.any(String),
    });
    const other = await operations.collectionReport(shiftDate(today(), -2));
    expect(other.find((entry) => entry.reference === reference)).toBeUndefined();
  });

  it.each(KINDS)('%s leaves a refused posting out of its file', async (kind) => {
    const { billerId, rejecting } = BILLERS[kind];
    const operations = billers.registry.get(billerId)?.operations;
    const reference = newReference();
    await operations
      ?.postPayment({
        reference,
        consumer: rejecting,
        billNumber: 'X',
        amountMinor: 100,
        paidAt: new Date().toISOString(),
      })
      .catch(() => undefined);
    await expect(billers.postings(kind, reference)).resolves.toBe(1);
    const entries = (await operations?.collectionReport?.(today())) ?? [];
    expect(entries.map((entry) => entry.reference)).not.toContain(reference);
  });

  it('a file with a malformed row is refused whole, never half-read', () => {
    const header = 'txnRef,receiptNo,consumerNumber,billNo,amount,txnDate';
    const good = 'HUB1,RCP1,1002003004,B1,120.50,2026-11-30T05:00:00.000Z';
    expect(discomEntries('state-electricity', `${header}\n${good}\n`)).toMatchObject([{ amountMinor: 12_050 }]);
    expect(() => discomEntries('state-electricity', `${header}\n${good}\nHUB2,RCP2,1002003004,B1,12.345,x\n`)).toThrow(
      BillerUnavailableError,
    );
    expect(() => discomEntries('state-electricity', { rows: [] })).toThrow(BillerUnavailableError);
  });
});
