import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findByIdWhere } from '../../infra/find-by-id-where.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

interface Thing {
  _id: string;
  citizenSub: string;
  live: boolean;
}

describe('findByIdWhere: a keyed read whose other conditions are checked in code', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let model: mongoose.Model<Thing>;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('keyed_read'));
    model = conn.model<Thing>(
      'Thing',
      new Schema<Thing>({ _id: String, citizenSub: String, live: Boolean }, { versionKey: false }),
    );
    await model.insertMany([
      { _id: 'T1', citizenSub: 'asha', live: true },
      { _id: 'T2', citizenSub: 'ravi', live: false },
    ]);
  });
  afterAll(() => drop());

  it('finds the document only when every condition holds', async () => {
    expect(await findByIdWhere<Thing>(model, 'T1', { citizenSub: 'asha' })).toEqual({
      _id: 'T1',
      citizenSub: 'asha',
      live: true,
    });
    expect(await findByIdWhere<Thing>(model, 'T1', { citizenSub: 'asha', live: true })).not.toBeNull();
    // Another citizen's document is as unknown as a missing one.
    expect(await findByIdWhere<Thing>(model, 'T1', { citizenSub: 'ravi' })).toBeNull();
    expect(await findByIdWhere<Thing>(model, 'T2', { live: true })).toBeNull();
    expect(await findByIdWhere<Thing>(model, 'T9', { citizenSub: 'asha' })).toBeNull();
  });

  it('sends MongoDB a filter on _id alone, which every server answers from the _id index', async () => {
    const filters: unknown[] = [];
    mongoose.set('debug', (_collection: string, _method: string, filter: unknown) => void filters.push(filter));
    try {
      await findByIdWhere<Thing>(model, 'T2', { citizenSub: 'ravi', live: false });
    } finally {
      mongoose.set('debug', false);
    }
    expect(filters).toEqual([{ _id: 'T2' }]);
  });
});
