import type { ComplaintStore } from './complaint-store.js';
import type { ComplaintStatus, ComplaintType } from './complaint-types.js';

/** A complaint as the operator's payment page lists it. */
export interface PaymentComplaint {
  id: string;
  lineId?: string;
  type: ComplaintType;
  status: ComplaintStatus;
  /** ISO instant: the promised answer time. */
  dueAt: string;
}

/**
 * The optional `complaints` field of the operator's payment detail (GET /api/v1/operator/payments/{id}):
 * every complaint about the payment, newest first. An enricher: it only adds a field.
 */
export async function paymentComplaints(
  store: Pick<ComplaintStore, 'model'>,
  paymentId: string,
): Promise<{ complaints: PaymentComplaint[] }> {
  const found = await store.model.find({ paymentId }).sort({ createdAt: -1 }).limit(50).lean().exec();
  return {
    complaints: found.map((c) => ({
      id: c._id,
      ...(c.lineId ? { lineId: c.lineId } : {}),
      type: c.type,
      status: c.status,
      dueAt: new Date(c.dueAt).toISOString(),
    })),
  };
}

/** How many complaints each payment has (the payment search's optional `complaints` count). */
export async function complaintCounts(
  store: Pick<ComplaintStore, 'model'>,
  paymentIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await store.model
    .aggregate<{ _id: string; count: number }>([
      { $match: { paymentId: { $in: [...paymentIds] } } },
      { $group: { _id: '$paymentId', count: { $sum: 1 } } },
    ])
    .exec();
  return new Map(rows.map((row) => [row._id, row.count]));
}
