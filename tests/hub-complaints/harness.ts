import { randomUUID } from 'node:crypto';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { PostingResult } from '../../adapters/sdk/contract.js';
import {
  type Complaint,
  type ComplaintParts,
  complaintParts,
  DEFAULT_COMPLAINT_OPTIONS,
} from '../../hub/complaints/index.js';
import type { NotificationEvent } from '../../hub/notifications/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { ReconStore } from '../../hub/reconciliation/recon-store.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import type { SettlementQueue } from '../../hub/settlement/queue.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { lineOf, newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

/** What the fake biller answers a status enquiry; change it between steps. */
export interface BillerAnswer {
  next: PostingResult['status'];
  billerReference?: string;
}

export interface ComplaintHarness {
  conn: Connection;
  payments: PaymentStore;
  complaints: ComplaintParts;
  recon: ReconStore;
  /** Every message event the complaints raised, in order. */
  events: NotificationEvent[];
  /** The biller's answer to the next status enquiry. */
  biller: BillerAnswer;
  /** Status enquiries asked of the biller, by line reference. */
  enquiries: string[];
  /** Settle-line jobs the enquiry requeued (line ids). */
  requeued: string[];
  /** The scripted biller registry and the recording queue, for running the status-enquiry job itself. */
  billers: Pick<BillerRegistry, 'get'>;
  queue: SettlementQueue;
  /** A settling payment of one electricity line (₹1,250.00) for `citizenSub`. */
  onePayment(citizenSub: string, billNumber?: string): Promise<Payment>;
  /** An open 'wrong amount' complaint on a new payment of `citizenSub` (a new citizen when absent). */
  raiseOpen(citizenSub?: string): Promise<Complaint>;
  /** Moves the payment's only line along the given statuses (from its current one), as settlement would. */
  moveLine(payment: Payment, path: string[], set?: Record<string, unknown>): Promise<Payment>;
  close(): Promise<void>;
}

/**
 * Complaints on an isolated database: real stores and jobs, a recording notifier, a scripted
 * biller for status enquiries and a recording work queue (no Redis needed).
 */
export async function startComplaintHarness(label: string): Promise<ComplaintHarness> {
  const { conn, drop } = await isolatedMongo(label);
  const payments = new PaymentStore(conn);
  const recon = new ReconStore(conn);
  await Promise.all([payments.init(), recon.init()]);
  const events: NotificationEvent[] = [];
  const biller: BillerAnswer = { next: 'pending' };
  const enquiries: string[] = [];
  const requeued: string[] = [];
  const billers = {
    get: () => ({
      operations: {
        paymentStatus: async (reference: string): Promise<PostingResult> => {
          enquiries.push(reference);
          return {
            reference,
            status: biller.next,
            ...(biller.billerReference ? { billerReference: biller.billerReference } : {}),
          };
        },
      },
    }),
  } as unknown as Pick<BillerRegistry, 'get'>;
  const queue = {
    getJob: async () => undefined,
    add: async (_name: string, data: { lineId: string }) => {
      requeued.push(data.lineId);
    },
  } as unknown as SettlementQueue;
  const complaints = await complaintParts({
    mongo: conn,
    payments,
    notifications: {
      notify: async (event) => {
        events.push(event);
        return { channels: [], deliveries: [] };
      },
    },
    billers,
    queue,
    settlement: settlementOptions({ enquiryDelayMs: 0 }),
    options: DEFAULT_COMPLAINT_OPTIONS,
    log: createLogger('complaints', 'silent'),
  });
  const onePayment = (citizenSub: string, billNumber = 'B-1') =>
    settlingPayment(payments, { citizenSub, lines: [newLine({ billNumber })] });
  return {
    conn,
    payments,
    complaints,
    recon,
    events,
    biller,
    enquiries,
    requeued,
    billers,
    queue,
    onePayment,
    raiseOpen: async (citizenSub = `citizen-${randomUUID()}`) => {
      const payment = await onePayment(citizenSub);
      const { complaint } = await complaints.service.raise(citizenSub, {
        paymentId: payment._id,
        type: 'wrong_amount',
        description: 'I was charged more than the bill',
      });
      return complaint;
    },
    moveLine: async (payment, path, set) => {
      let current = payment;
      const line = lineOf(payment, 0);
      for (const to of path) {
        const from = lineOf(current, 0).status;
        const last = to === path.at(-1);
        const moved = await payments.transitionLine(
          payment._id,
          line._id,
          from,
          to as never,
          `test.${to}`,
          (last ? set : to === 'refunding' ? { refundKey: line._id } : undefined) as never,
        );
        if (!moved) throw new Error(`line did not move from ${from} to ${to}`);
        current = moved;
      }
      return current;
    },
    close: drop,
  };
}
