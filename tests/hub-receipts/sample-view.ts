import { maskBillNumber } from '../../hub/bills/consumer-key.js';
import type { ReceiptView } from '../../hub/receipts/receipt-view.js';

/**
 * A receipt of three bills paid together (electricity with a rebate, water with a late fee, gas
 * refunded), as the API would show it: the layout tests render this.
 */
export function threeBillView(overrides: Partial<ReceiptView> = {}): ReceiptView {
  return {
    receiptNumber: 'RCT01JD3X6Q9ZT4W8K2M5N7P',
    paymentId: 'PAY01JD3X6Q9ZT4W8K2M5N7P',
    status: 'partially_refunded',
    payerName: 'Ananya Chatterjee',
    paidAt: new Date('2026-11-30T06:45:12Z'),
    issuedAt: new Date('2026-11-30T06:47:03Z'),
    method: 'upi',
    gatewayReference: 'order_9fK2mX81Qa',
    currency: 'INR',
    totalMinor: 18_260_700,
    settledMinor: 18_006_200,
    refundedMinor: 254_500,
    lines: [
      {
        lineId: 'LIN01JD3X6Q9ZT4W8K2M5N7A',
        billerId: 'state-electricity',
        billerName: 'State Electricity Distribution Co.',
        consumerMasked: '******3004',
        billNumberMasked: maskBillNumber('EB1002003004-2611'),
        amountDueMinor: 17_989_000,
        period: { from: '2026-10-01', to: '2026-10-31' },
        breakup: [
          { label: 'Energy charge, units 0-100 at 4.10/unit', amountMinor: 41_000 },
          { label: 'Energy charge, units 101-300 at 6.25/unit', amountMinor: 1_250_000 },
          { label: 'Energy charge, units 301+ at 8.25/unit', amountMinor: 16_500_000 },
          { label: 'Fixed charge', amountMinor: 15_000 },
          { label: 'Electricity duty', amountMinor: 183_000 },
        ],
        adjustment: { kind: 'rebate', amountMinor: -3_400 },
        amountMinor: 17_985_600,
        reference: 'HUB01JD3X6Q9ZT4W8K2M5N7A',
        billerReference: 'EB-RCPT-7781202',
        status: 'settled',
      },
      {
        lineId: 'LIN01JD3X6Q9ZT4W8K2M5N7B',
        billerId: 'city-water',
        billerName: 'City Water Supply and Sewerage Board',
        consumerMasked: '******4512',
        billNumberMasked: maskBillNumber('DN-2026-Q3-000917'),
        amountDueMinor: 18_300,
        period: { from: '2026-07-01', to: '2026-09-30' },
        breakup: [
          { label: 'Water charge', amountMinor: 12_000 },
          { label: 'Sewerage charge', amountMinor: 4_800 },
          { label: 'Meter rent', amountMinor: 1_500 },
        ],
        adjustment: { kind: 'late_fee', amountMinor: 2_300 },
        amountMinor: 20_600,
        reference: 'HUB01JD3X6Q9ZT4W8K2M5N7B',
        billerReference: 'WB/2026/118834',
        status: 'settled',
      },
      {
        lineId: 'LIN01JD3X6Q9ZT4W8K2M5N7C',
        billerId: 'metro-gas',
        billerName: 'Metro Piped Gas Ltd',
        consumerMasked: '******4567',
        billNumberMasked: maskBillNumber('INV5001234567-8841'),
        amountDueMinor: 254_500,
        period: { from: '2026-09-15', to: '2026-11-14' },
        breakup: [
          { label: 'Gas consumption 18.2 SCM', amountMinor: 215_600 },
          { label: 'GST 18%', amountMinor: 38_900 },
        ],
        amountMinor: 254_500,
        reference: 'HUB01JD3X6Q9ZT4W8K2M5N7C',
        status: 'refunded',
      },
    ],
    refunds: [
      {
        lineId: 'LIN01JD3X6Q9ZT4W8K2M5N7C',
        amountMinor: 254_500,
        reference: 'LIN01JD3X6Q9ZT4W8K2M5N7C',
        at: new Date('2026-11-30T06:46:40Z'),
        status: 'refunded',
      },
    ],
    verifyUrl:
      'https://billpay.example.in/verify?t=eyJhbGciOiJIUzI1NiJ9.eyJoIjoiM3FfUDhzVjJ4S0w5bU4wYlpRcjFXQSIsInN1YiI6IlJDVDAxSkQzWDZROVpUNFc4SzJNNU43UCJ9.q0f8pS3C1mVg0nR7Hq2sT4kXyZb6LwE9uJ5oD1aFcIk',
    ...overrides,
  };
}
