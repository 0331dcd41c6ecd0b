import { cpus } from 'node:os';
import mongoose from 'mongoose';
import { machineTimes } from './proc.js';

export interface RawPhase {
  name: string;
  clients: number;
  seconds: number;
  /** Documents in the collection the phase works on. */
  documents: number;
  ops: number;
  perSecond: number;
  /** Conditional updates that matched nothing, or failed calls: should be 0. */
  misses: number;
  /** Machine CPU during the phase, % of one core (100 = one core): this process and the server share it. */
  machinePercent: number;
}

export interface RawBaseline {
  insert: RawPhase;
  update: RawPhase;
}

export interface RawOptions {
  clients: number;
  seconds: number;
  warmupSeconds: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Documents per client in the update phases: 50 clients → 1,000 documents. */
const DOCS_PER_CLIENT = 20;

/**
 * `clients` concurrent loops of `op` for a warm-up (not counted) and then `seconds`. Each loop
 * awaits its own call, so at most `clients` operations are in flight, as with that many clients.
 */
async function phase(
  name: string,
  documents: number,
  { clients, seconds, warmupSeconds }: RawOptions,
  op: (client: number, i: number) => Promise<boolean>,
): Promise<RawPhase> {
  const windowStart = Date.now() + warmupSeconds * 1000;
  const windowEnd = windowStart + seconds * 1000;
  let ops = 0;
  let misses = 0;
  let cpuStart: ReturnType<typeof machineTimes> | undefined;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; Date.now() < windowEnd; i++) {
        const ok = await op(client, i).catch(() => false);
        const now = Date.now();
        if (now < windowStart || now > windowEnd) continue;
        cpuStart ??= machineTimes();
        if (ok) ops++;
        else misses++;
      }
    }),
  );
  const cpuEnd = machineTimes();
  const from = cpuStart ?? cpuEnd;
  const share = (cpuEnd.busy - from.busy) / Math.max(1, cpuEnd.total - from.total);
  return {
    name,
    clients,
    seconds,
    documents,
    ops,
    perSecond: round1(ops / seconds),
    misses,
    machinePercent: round1(share * cpus().length * 100),
  };
}

async function withScratch<T>(
  uri: string,
  dbName: string,
  clients: number,
  work: (db: mongoose.mongo.Db) => Promise<T>,
) {
  const conn = await mongoose.createConnection(uri, { dbName, maxPoolSize: clients + 5 }).asPromise();
  try {
    return await work(conn.getClient().db(dbName));
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

/**
 * The raw rate of the MongoDB server from this process, with the driver inside mongoose, on a
 * scratch database: `clients` concurrent inserts of small documents, then conditional
 * single-document findOneAndUpdates ({_id, status: from} → {$set: {status: to}}, each matching)
 * spread evenly over 1,000 documents. The measurement DESIGN.md quotes.
 */
export function measureRawMongo(uri: string, dbName: string, options: RawOptions): Promise<RawBaseline> {
  return withScratch(uri, dbName, options.clients, async (db) => {
    const inserts = db.collection<{ _id: string; status: number; n: number; at: Date }>('raw_inserts');
    let inserted = 0;
    const insert = await phase('insert', 0, options, async (client, i) => {
      await inserts.insertOne({ _id: `${client}:${i}`, status: 0, n: 0, at: new Date() });
      inserted++;
      return true;
    });
    insert.documents = inserted;

    const updates = db.collection<{ _id: string; status: number; n: number; at: Date }>('raw_updates');
    const documents = options.clients * DOCS_PER_CLIENT;
    await updates.insertMany(
      Array.from({ length: documents }, (_, i) => ({ _id: `doc-${i}`, status: 0, n: 0, at: new Date() })),
    );
    // Client c owns documents c, c + clients, c + 2 * clients ...: it knows their status, so every update matches.
    const status = new Map<string, number>();
    const update = await phase('conditional findOneAndUpdate', documents, options, async (client, i) => {
      const id = `doc-${client + options.clients * (i % DOCS_PER_CLIENT)}`;
      const from = status.get(id) ?? 0;
      const after = await updates.findOneAndUpdate(
        { _id: id, status: from },
        { $set: { status: from + 1, at: new Date() }, $inc: { n: 1 } },
        { returnDocument: 'after' },
      );
      if (!after) return false;
      status.set(id, from + 1);
      return true;
    });
    return { insert, update };
  });
}

interface TimelineEntry {
  at: Date;
  event: string;
  from?: string;
  to?: string;
  lineId?: string;
}

/** A payment as the hub stores it, near enough for the server: 3 lines and a timeline. */
function paymentLike(index: number, now: Date) {
  const id = `PAY${String(index).padStart(20, '0')}`;
  const line = (n: number) => ({
    _id: `LIN${String(index * 3 + n).padStart(20, '0')}`,
    billerId: ['state-electricity', 'city-water', 'metro-gas'][n],
    consumer: { consumerNumber: `100200300${n}` },
    consumerMasked: '******3004',
    billNumber: `BILL${index}-${n}`,
    amountMinor: 123_400 + n,
    reference: `HUB${String(index * 3 + n).padStart(20, '0')}`,
    status: 'posting',
    attempts: 1,
    changedAt: now,
  });
  return {
    _id: id,
    citizenSub: `citizen-${index % 16}`,
    currency: 'INR',
    totalMinor: 370_203,
    status: 'settling',
    idempotencyKey: `key-${index}`,
    requestHash: 'a'.repeat(64),
    gateway: { orderId: `order_${index}`, method: 'upi', capturedMinor: 370_203 },
    lines: [line(0), line(1), line(2)],
    timeline: Array.from(
      { length: 8 },
      (_, i): TimelineEntry => ({ at: now, event: `event.${i}`, from: 'a', to: 'b' }),
    ),
    expiresAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The hub's own kind of write at the hub's own collection size: `documents` payment-shaped
 * documents with the payments collection's indexes, and conditional line transitions with the
 * filter PaymentStore.transitionLine sends ({_id, status: {$in}, lines: {$elemMatch}} and
 * arrayFilters, a $push to the timeline), spread evenly over all of them. The library behind the
 * local server used an index only for a query that names exactly that index's fields, so this
 * filter scanned the collection and its rate fell as the collection grew; the launcher now finds
 * it through the _id index (scripts/mongo-server/SubsetIndexLookup.java), and this phase shows
 * whether the rate holds at the hub's size.
 */
export function measurePaymentShaped(
  uri: string,
  dbName: string,
  documents: number,
  options: RawOptions,
): Promise<RawPhase> {
  return withScratch(uri, dbName, options.clients, async (db) => {
    const payments = db.collection<ReturnType<typeof paymentLike>>('payments');
    await Promise.all([
      payments.createIndex({ citizenSub: 1, idempotencyKey: 1 }, { unique: true }),
      payments.createIndex({ 'lines.reference': 1 }, { unique: true }),
      payments.createIndex({ 'lines._id': 1 }, { unique: true }),
      payments.createIndex({ citizenSub: 1, createdAt: -1 }),
      payments.createIndex({ status: 1, updatedAt: 1 }),
      payments.createIndex({ status: 1, expiresAt: 1 }),
    ]);
    const count = Math.max(options.clients, documents);
    const now = new Date();
    for (let from = 0; from < count; from += 500) {
      const size = Math.min(500, count - from);
      await payments.insertMany(Array.from({ length: size }, (_, i) => paymentLike(from + i, now)));
    }
    // Client c owns payments c, c + clients ...; each step moves one line posting ↔ settled.
    const owned = Math.max(1, Math.floor(count / options.clients));
    const lineStatus = new Map<string, string>();
    return phase('conditional line transition (payment-shaped)', count, options, async (client, i) => {
      const index = client + options.clients * (i % owned);
      const id = `PAY${String(index).padStart(20, '0')}`;
      const lineId = `LIN${String(index * 3 + (Math.floor(i / owned) % 3)).padStart(20, '0')}`;
      const from = lineStatus.get(lineId) ?? 'posting';
      const to = from === 'posting' ? 'settled' : 'posting';
      const at = new Date();
      const after = await payments.findOneAndUpdate(
        {
          _id: id,
          status: { $in: ['captured', 'settling'] },
          lines: { $elemMatch: { _id: lineId, status: { $in: [from] } } },
        },
        {
          $set: { 'lines.$[line].status': to, 'lines.$[line].changedAt': at, updatedAt: at },
          $push: { timeline: { at, event: `settlement.${to}`, from, to, lineId } },
        },
        { arrayFilters: [{ 'line._id': lineId }], returnDocument: 'after' },
      );
      if (!after) return false;
      lineStatus.set(lineId, to);
      return true;
    });
  });
}
