import { newLineId, newPaymentId, newReference } from '../../hub/payments/ids.js';
import { paymentModel } from '../../hub/payments/payment-model.js';
import type { LineStatus, PaymentStatus } from '../../hub/payments/state-machine.js';
import type { Connection } from '../../infra/mongo.js';

/** Milliseconds before `now`, as a Date. */
export const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface SeedLine {
  billerId: string;
  amountMinor: number;
  status: LineStatus;
  /** Seconds after the capture the line was settled (a `to: settled` timeline entry). */
  settledAfter?: number;
  /** Seconds after the capture the line went unknown (a `to: unknown` timeline entry). */
  unknownAfter?: number;
  /** When the line last changed status (an unknown line's age is read from it). */
  changedAt?: Date;
}

export interface SeedPayment {
  createdAt: Date;
  status: PaymentStatus;
  method?: string;
  /** Seconds after createdAt the gateway captured it (a `to: captured` timeline entry); none when absent. */
  capturedAfter?: number;
  lines: SeedLine[];
  citizenSub?: string;
}

/**
 * Inserts a payment as stored documents are, bypassing the store so that createdAt and the
 * timeline's times are exactly the test's: only the fields the metrics read are realistic.
 * Returns the payment id and its line ids in order.
 */
export async function insertPayment(conn: Connection, seed: SeedPayment): Promise<{ id: string; lineIds: string[] }> {
  const id = newPaymentId();
  const capturedAt =
    seed.capturedAfter === undefined ? undefined : new Date(seed.createdAt.getTime() + seed.capturedAfter * SECOND);
  const lines = seed.lines.map((line) => ({
    _id: newLineId(),
    billerId: line.billerId,
    consumer: { consumerNumber: '1000' },
    consumerMasked: '**00',
    billNumber: `B-${newReference().slice(-6)}`,
    billKey: `${line.billerId}|1000|${id}`,
    amountMinor: line.amountMinor,
    reference: newReference(),
    status: line.status,
    attempts: 1,
    changedAt: line.changedAt ?? seed.createdAt,
  }));
  const timeline: Record<string, unknown>[] = [{ at: seed.createdAt, event: 'created', to: 'created' }];
  if (capturedAt) timeline.push({ at: capturedAt, event: 'gateway.captured', to: 'captured' });
  seed.lines.forEach((line, i) => {
    const lineId = lines[i]?._id;
    if (!capturedAt) return;
    if (line.unknownAfter !== undefined) {
      timeline.push({
        at: new Date(capturedAt.getTime() + line.unknownAfter * SECOND),
        event: 'settlement.unknown',
        to: 'unknown',
        lineId,
      });
    }
    if (line.settledAfter !== undefined) {
      timeline.push({
        at: new Date(capturedAt.getTime() + line.settledAfter * SECOND),
        event: 'settlement.settled',
        to: 'settled',
        lineId,
      });
    }
  });
  // The model makes the collection and its indexes first (the local server dislikes a race between the two).
  await paymentModel(conn).init();
  await conn.collection('payments').insertOne({
    _id: id as never,
    citizenSub: seed.citizenSub ?? 'citizen-seed',
    currency: 'INR',
    totalMinor: seed.lines.reduce((a, l) => a + l.amountMinor, 0),
    status: seed.status,
    idempotencyKey: id,
    requestHash: 'seed',
    gateway: seed.method ? { method: seed.method } : {},
    lines,
    timeline,
    expiresAt: new Date(seed.createdAt.getTime() + 30 * MINUTE),
    createdAt: seed.createdAt,
    updatedAt: seed.createdAt,
  });
  return { id, lineIds: lines.map((l) => l._id) };
}

/** A complaint as hub/complaints stores one (only the fields the metrics read). */
export function insertComplaint(conn: Connection, complaint: Record<string, unknown>) {
  return conn.collection('complaints').insertOne({ ...complaint });
}

/** A notification delivery record as hub/notifications stores one (only the fields the metrics read). */
export interface SeedDelivery {
  kind: string;
  channel: 'email' | 'sms';
  status: string;
  /** When it was sent, failed or superseded; absent while queued. */
  finishedAt?: Date;
}

/** Inserts the delivery records in the order given. */
export async function insertDeliveries(conn: Connection, deliveries: SeedDelivery[]): Promise<void> {
  for (const delivery of deliveries) await conn.collection('notification_deliveries').insertOne({ ...delivery });
}
