import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

/** A model compiled just now on `conn`: autoIndex is still building its collection and indexes. */
const freshModel = (conn: Connection, name: string) =>
  conn.model(name, new Schema({ _id: String, ref: { type: String, unique: true }, at: { type: Date, index: true } }));

describe("a model's first operations wait for its indexes", () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('index_race'));
  });
  afterAll(() => drop());

  // Twenty fresh collections: the race this guards against lost about one time in three.
  it('an insert right after compiling succeeds and the unique index already refuses a duplicate', async () => {
    for (let i = 0; i < 20; i++) {
      const model = freshModel(conn, `first_insert_${i}`);
      const outcomes = await Promise.allSettled([
        model.create({ _id: 'a', ref: 'R1', at: new Date() }),
        model.create({ _id: 'b', ref: 'R1', at: new Date() }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(refused.map((o) => o.reason)).toEqual([expect.any(ConflictError)]);
      expect(await model.countDocuments()).toBe(1);
    }
  });

  it('batch inserts, bulk writes, updates and reads on fresh models wait too', async () => {
    for (let i = 0; i < 10; i++) {
      const batch = freshModel(conn, `first_batch_${i}`);
      const bulk = freshModel(conn, `first_bulk_${i}`);
      const upsert = freshModel(conn, `first_upsert_${i}`);
      const read = freshModel(conn, `first_read_${i}`);
      const results = await Promise.all([
        batch.insertMany([
          { _id: 'a', ref: 'R1' },
          { _id: 'b', ref: 'R2' },
        ]),
        bulk.bulkWrite([{ insertOne: { document: { _id: 'a', ref: 'R1' } } }]),
        upsert
          .findOneAndUpdate({ _id: 'a' }, { $set: { ref: 'R1' } }, { upsert: true, returnDocument: 'after' })
          .lean(),
        read.find({ ref: 'R1' }).lean(),
      ]);
      expect(results[0]).toHaveLength(2);
      expect(results[1].insertedCount).toBe(1);
      expect(results[2]).toMatchObject({ _id: 'a', ref: 'R1' });
      expect(results[3]).toEqual([]);
      expect((await upsert.listIndexes()).map((ix) => ix.name).sort()).toEqual(['_id_', 'at_1', 'ref_1']);
    }
  });

  it('a failed index build lets operations through, so the service that awaits it can look and repair', async () => {
    // Mongoose names the model's collection in the plural.
    await conn.collection('failed_builds').insertMany([
      { _id: 'a', ref: 'R1' },
      { _id: 'b', ref: 'R1' },
    ] as never[]);
    const model = freshModel(conn, 'failed_build');
    await expect(model.init()).rejects.toThrow(/duplicate key/i);
    expect(await model.countDocuments({ ref: 'R1' })).toBe(2);
  });
});
