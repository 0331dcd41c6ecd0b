import type { NotificationEvent, NotificationKind, PaymentConfirmed } from '../../hub/notifications/index.js';

/** A realistic, long base URL: SMS bounds are checked against it. */
export const PUBLIC_URL = 'https://billpay.example.gov.in';

const PAYMENT = 'PAY01JDQ7M2ZC4KX9T8W3HVBN';
const RECEIPT = 'RCT01JDQ7M2ZC4KX9T8W3HVBN';
const LINE = 'LIN01JDQ7M2ZC4KX9T8W3HVBN';
const DEMAND = 'KMC-2026-00012345';
const PAY_URL = `${PUBLIC_URL}/demands/${DEMAND}`;
/** An electricity bill number, as autopay's messages name the bill. */
const BILL = 'ELB2026110045678';
/** A complaint's id (hub/complaints). */
const COMPLAINT = 'CMP7Q2M9ZC4KX9T';

/** One event of every kind, with the reference each message must carry. */
export const SAMPLES = {
  payment_confirmed: {
    event: {
      kind: 'payment_confirmed' as const,
      paymentId: PAYMENT,
      receiptId: RECEIPT,
      outcome: 'completed' as PaymentConfirmed['outcome'],
      payees: ['State Electricity Distribution Co.'],
      amountMinor: 18_260_700,
      currency: 'INR',
      verifyUrl: `${PUBLIC_URL}/verify?t=eyJhbGciOiJIUzI1NiJ9.eyJyIjoiUkNUIn0.abc`,
    },
    reference: RECEIPT,
  },
  payment_failed: {
    event: { kind: 'payment_failed' as const, paymentId: PAYMENT, amountMinor: 123_450, currency: 'INR' },
    reference: PAYMENT,
  },
  payment_unknown: {
    event: {
      kind: 'payment_unknown' as const,
      paymentId: PAYMENT,
      lineId: LINE,
      billerName: 'State Electricity Distribution Co.',
      amountMinor: 123_450,
      currency: 'INR',
      confirmBy: new Date('2026-12-02T06:00:00Z'),
    },
    reference: PAYMENT,
  },
  refund_started: {
    event: {
      kind: 'refund_started' as const,
      paymentId: PAYMENT,
      lineId: LINE,
      billerName: 'Metro Gas Ltd',
      amountMinor: 99_900,
      currency: 'INR',
    },
    reference: PAYMENT,
  },
  refund_completed: {
    event: {
      kind: 'refund_completed' as const,
      paymentId: PAYMENT,
      lineId: LINE,
      billerName: 'Metro Gas Ltd',
      amountMinor: 99_900,
      currency: 'INR',
    },
    reference: PAYMENT,
  },
  demand_received: {
    event: {
      kind: 'demand_received' as const,
      reference: DEMAND,
      providerName: 'Kolkata Municipal Corporation',
      amountMinor: 1_250_000,
      currency: 'INR',
      dueDate: '2026-12-15',
      payUrl: PAY_URL,
    },
    reference: DEMAND,
  },
  demand_amended: {
    event: {
      kind: 'demand_amended' as const,
      reference: DEMAND,
      providerName: 'Kolkata Municipal Corporation',
      version: 2,
      amountMinor: 1_350_000,
      previousMinor: 1_250_000,
      currency: 'INR',
      next: { number: 1, count: 3, amountMinor: 450_000, dueDate: '2026-12-20' },
      datesChanged: true,
      payUrl: PAY_URL,
    },
    reference: DEMAND,
  },
  demand_cancelled: {
    event: {
      kind: 'demand_cancelled' as const,
      reference: DEMAND,
      providerName: 'Kolkata Municipal Corporation',
      version: 3,
      amountMinor: 1_250_000,
      paidMinor: 0,
      currency: 'INR',
      pageUrl: PAY_URL,
    },
    reference: DEMAND,
  },
  payment_reminder: {
    event: {
      kind: 'payment_reminder' as const,
      reference: DEMAND,
      payeeName: 'Kolkata Municipal Corporation',
      amountMinor: 1_250_000,
      currency: 'INR',
      dueDate: '2026-12-15',
      daysBefore: 3,
      payUrl: PAY_URL,
    },
    reference: DEMAND,
  },
  overdue_notice: {
    event: {
      kind: 'overdue_notice' as const,
      reference: DEMAND,
      payeeName: 'Kolkata Municipal Corporation',
      amountMinor: 1_250_000,
      currency: 'INR',
      dueDate: '2026-12-15',
      payUrl: PAY_URL,
    },
    reference: DEMAND,
  },
  autopay_pre_debit: {
    event: {
      kind: 'autopay_pre_debit' as const,
      chargeId: 'APC0123456789ABCDEF0123',
      reference: BILL,
      payeeName: 'State Electricity Distribution Co.',
      amountMinor: 123_450,
      currency: 'INR',
      chargeOn: new Date('2026-12-02T06:00:00Z'),
      manageUrl: `${PUBLIC_URL}/autopay`,
    },
    reference: BILL,
  },
  autopay_over_limit: {
    event: {
      kind: 'autopay_over_limit' as const,
      chargeId: 'APC0123456789ABCDEF0124',
      reference: BILL,
      payeeName: 'State Electricity Distribution Co.',
      amountMinor: 1_823_450,
      currency: 'INR',
      limitMinor: 500_000,
      payUrl: `${PUBLIC_URL}/dashboard`,
    },
    reference: BILL,
  },
  autopay_charge_failed: {
    event: {
      kind: 'autopay_charge_failed' as const,
      chargeId: 'APC0123456789ABCDEF0125',
      reference: BILL,
      payeeName: 'State Electricity Distribution Co.',
      amountMinor: 123_450,
      currency: 'INR',
      reason: 'declined' as const,
      payUrl: `${PUBLIC_URL}/dashboard`,
    },
    reference: BILL,
  },
  complaint_received: {
    event: {
      kind: 'complaint_received' as const,
      complaintId: COMPLAINT,
      paymentId: PAYMENT,
      complaintType: 'amount_deducted_not_credited' as const,
      amountMinor: 123_450,
      currency: 'INR',
      dueAt: new Date('2026-12-02T06:00:00Z'),
    },
    reference: COMPLAINT,
  },
  complaint_updated: {
    event: {
      kind: 'complaint_updated' as const,
      complaintId: COMPLAINT,
      paymentId: PAYMENT,
      status: 'waiting_for_biller' as const,
      amountMinor: 123_450,
      currency: 'INR',
      dueAt: new Date('2026-12-02T06:00:00Z'),
      change: 3,
    },
    reference: COMPLAINT,
  },
  complaint_resolved: {
    event: {
      kind: 'complaint_resolved' as const,
      complaintId: COMPLAINT,
      paymentId: PAYMENT,
      outcome: 'resolved' as const,
      disposition: 'duplicate_refunded',
      evidence: { refundReference: LINE },
      amountMinor: 123_450,
      currency: 'INR',
    },
    reference: COMPLAINT,
  },
  complaint_escalated: {
    event: {
      kind: 'complaint_escalated' as const,
      complaintId: COMPLAINT,
      paymentId: PAYMENT,
      level: 1,
      amountMinor: 123_450,
      currency: 'INR',
      dueAt: new Date('2026-12-05T06:00:00Z'),
    },
    reference: COMPLAINT,
  },
} satisfies Record<NotificationKind, { event: NotificationEvent; reference: string }>;
