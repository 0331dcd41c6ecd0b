/** Hub answers the stubbed operator API gives the console (shapes of hub/api/routes/operator-payment-routes.ts). */

export const PAYMENT_ID = 'PAY7K2QH9X4TB7K2QH9X4TB';
export const LINE_ID = 'LIN7K2QH9X4TB7K2QH9X4TB';
export const HUB_REFERENCE = 'HUB7K2QH9X4TB7K2QH9X4TB';

export function paymentSummaryJson(id = PAYMENT_ID) {
  return {
    id,
    createdAt: '2026-11-30T06:30:00.000Z',
    status: 'completed',
    totalMinor: 123_450,
    method: 'upi',
    citizenSub: 'citizen-sub-1',
    lines: [
      {
        id: LINE_ID,
        billerId: 'state-electricity',
        consumerMasked: '******4321',
        amountMinor: 123_450,
        status: 'settled',
        reference: HUB_REFERENCE,
      },
    ],
  };
}

export function paymentDetailJson(id = PAYMENT_ID) {
  const summary = paymentSummaryJson(id);
  return {
    payment: {
      ...summary,
      currency: 'INR',
      updatedAt: '2026-11-30T06:31:00.000Z',
      expiresAt: '2026-11-30T07:00:00.000Z',
      gateway: { orderId: 'order_123', method: 'upi', capturedMinor: 123_450, capturedCurrency: 'INR' },
      receipt: { receiptId: 'RCT-1', issuedAt: '2026-11-30T06:32:00.000Z', notifiedAt: '2026-11-30T06:33:00.000Z' },
      lines: [
        {
          ...summary.lines[0],
          billNumber: 'EB-2026-11',
          attempts: 1,
          billerReference: 'SEB-998877',
          billerStatus: 'PAID',
          changedAt: '2026-11-30T06:31:00.000Z',
        },
      ],
    },
    timeline: [
      { at: '2026-11-30T06:30:00.000Z', event: 'created' },
      { at: '2026-11-30T06:30:30.000Z', event: 'status_changed', from: 'awaiting_payment', to: 'captured' },
      { at: '2026-11-30T06:31:00.000Z', event: 'line_settled', lineId: LINE_ID, detail: 'biller reference SEB-998877' },
    ],
    ledger: [
      {
        txnId: `capture:${id}`,
        kind: 'capture',
        at: '2026-11-30T06:30:30.000Z',
        entries: [
          { account: 'gateway_receivable', debitMinor: 123_450, creditMinor: 0 },
          { account: 'citizen_funds_in_flight', debitMinor: 0, creditMinor: 123_450 },
        ],
      },
    ],
    audit: [
      {
        id: 'AUD1',
        at: '2026-11-30T07:00:00.000Z',
        actor: { sub: 'op-1', label: 'Asha Operator' },
        action: 'payment.annotate',
        subject: { kind: 'payment', id },
        reason: 'Citizen called about the receipt',
        outcome: 'done',
      },
    ],
  };
}
