import type { Connection } from '../../infra/mongo.js';
import { ratio } from './distribution.js';
import { inWindow, type WindowBounds } from './windows.js';

/** The message that carries a payment's receipt (hub/receipts sends it: hub/notifications' `payment_confirmed`). */
export const RECEIPT_KIND = 'payment_confirmed';

/**
 * Citizen messages that finished in a window (hub/notifications' delivery records, by finishedAt):
 * sent (the transport took it), failed (every attempt failed), superseded (not sent because a later
 * message said it all: neither a success nor a failure, so not in the rate).
 */
export interface DeliveryGroup {
  /** `*` in the totals. */
  channel: string;
  /** `*` in the totals and the receipts' line. */
  kind: string;
  sent: number;
  failed: number;
  superseded: number;
  /** sent / (sent + failed); null when neither. */
  successRate: number | null;
}

export interface DeliveryMetrics {
  totals: DeliveryGroup;
  /** Receipt messages (kind payment_confirmed), by channel and in all. */
  receipts: DeliveryGroup;
  receiptsByChannel: DeliveryGroup[];
  /** By channel and kind, sorted. */
  byChannelAndKind: DeliveryGroup[];
  /** Messages waiting to be sent now (queued, retries included), whenever recorded: not windowed. */
  queuedNow: number;
}

interface DeliveryFacts {
  channel: string;
  kind: string;
  status: string;
  finishedAt?: Date;
}

const FINAL = ['sent', 'failed', 'superseded'] as const;
type FinalStatus = (typeof FINAL)[number];
/** Kinds and channels are enums of the delivery model; anything else is `other`, so labels stay bounded. */
const label = (value: unknown) => (typeof value === 'string' && /^[a-z][a-z0-9_]{0,39}$/.test(value) ? value : 'other');

function group(channel: string, kind: string, facts: readonly DeliveryFacts[]): DeliveryGroup {
  const count = (status: FinalStatus) => facts.filter((f) => f.status === status).length;
  const sent = count('sent');
  const failed = count('failed');
  return { channel, kind, sent, failed, superseded: count('superseded'), successRate: ratio(sent, sent + failed) };
}

/** The delivery metrics of one window from deliveries read once (see readDeliveries). */
export function deliveryMetrics(
  deliveries: readonly DeliveryFacts[],
  bounds: WindowBounds,
  queuedNow: number,
): DeliveryMetrics {
  const finished = deliveries.filter((d) => inWindow(bounds, d.finishedAt));
  const keys = [...new Set(finished.map((d) => `${d.channel}\u0000${d.kind}`))].sort();
  const receipts = finished.filter((d) => d.kind === RECEIPT_KIND);
  const channels = [...new Set(receipts.map((d) => d.channel))].sort();
  return {
    totals: group('*', '*', finished),
    receipts: group('*', RECEIPT_KIND, receipts),
    receiptsByChannel: channels.map((c) =>
      group(
        c,
        RECEIPT_KIND,
        receipts.filter((d) => d.channel === c),
      ),
    ),
    byChannelAndKind: keys.map((key) => {
      const [channel = '', kind = ''] = key.split('\u0000');
      return group(
        channel,
        kind,
        finished.filter((d) => d.channel === channel && d.kind === kind),
      );
    }),
    queuedNow,
  };
}

/**
 * The deliveries that finished since `from` (collection notification_deliveries, hub/notifications),
 * only the fields counted, and how many are queued now.
 */
export async function readDeliveries(
  conn: Connection,
  from: Date,
): Promise<{ finished: DeliveryFacts[]; queuedNow: number }> {
  const collection = conn.db?.collection('notification_deliveries');
  if (!collection) return { finished: [], queuedNow: 0 };
  const [docs, queuedNow] = await Promise.all([
    collection
      .find(
        { status: { $in: [...FINAL] }, finishedAt: { $gte: from } },
        { projection: { channel: 1, kind: 1, status: 1, finishedAt: 1 } },
      )
      .toArray(),
    collection.countDocuments({ status: 'queued' }),
  ]);
  return {
    finished: docs.map((doc) => ({
      channel: label(doc.channel),
      kind: label(doc.kind),
      status: String(doc.status),
      finishedAt: doc.finishedAt instanceof Date ? doc.finishedAt : undefined,
    })),
    queuedNow,
  };
}
