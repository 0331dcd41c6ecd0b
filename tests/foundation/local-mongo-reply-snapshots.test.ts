import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Connection, connectMongo } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

/** A document that grows: each write adds field `k<i>` and sets `last` to i, in one update. */
interface Grown {
  _id: string;
  last: number;
  [field: string]: unknown;
}

/** How many `k<i>` fields a document has: `last + 1` in any version of it that was ever stored. */
const grownFields = (doc: Grown) => Object.keys(doc).filter((key) => /^k\d+$/.test(key)).length;

// The local server (scripts/mongo-server/MongoLauncher.java) answers reads with copies made under
// the collection's lock. Without them it encoded the stored document itself after unlocking: a
// field added by another connection meanwhile closed the reader's connection (MongoNetworkError,
// seen as a 500 from a checkout superseded by another tab while its own move was answered) or
// tore the answer. A real MongoDB answers each read with one version of the document.
describe('the local MongoDB answers a read with one version of the document', () => {
  let writer: Connection;
  let reader: Connection;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ conn: writer, drop } = await isolatedMongo('reply_snapshots'));
    // Its own connection pool: the reads and the writes go over different sockets.
    reader = await connectMongo(inject('mongoUri'), { dbName: writer.name });
  });
  afterAll(async () => {
    await reader?.close();
    await drop?.();
  });

  it('while another connection adds fields to it: no closed connection, no torn answer', async () => {
    const rounds = 300;
    // Two thousand fields make each answer long enough to encode that writes land during it; four
    // readers keep answers in flight (against the launcher without the copies, 5 runs in 6 failed).
    const start: Record<string, unknown> = { _id: 'doc', last: -1 };
    for (let i = 0; i < 2_000; i++) start[`pad${i}`] = i;
    await writer.collection<Grown>('grown').insertOne(start as Grown);
    const grow = async () => {
      for (let i = 0; i < rounds; i++) {
        await writer.collection<Grown>('grown').updateOne({ _id: 'doc' }, { $set: { [`k${i}`]: i, last: i } });
      }
    };
    const read = async () => {
      const seen: Grown[] = [];
      for (let i = 0; i < rounds; i++) {
        const found = await reader.collection<Grown>('grown').findOne({ _id: 'doc' });
        const updated = await reader
          .collection<Grown>('grown')
          .findOneAndUpdate({ _id: 'doc' }, { $set: { readAt: new Date() } }, { returnDocument: 'after' });
        for (const doc of [found, updated]) if (doc) seen.push(doc);
      }
      return seen;
    };

    const [, ...reads] = await Promise.all([grow(), ...Array.from({ length: 4 }, read)]);

    const seen = reads.flat();
    expect(seen).toHaveLength(rounds * 8);
    expect(seen.filter((doc) => grownFields(doc) !== doc.last + 1).map((doc) => doc.last)).toEqual([]);
  });
});
