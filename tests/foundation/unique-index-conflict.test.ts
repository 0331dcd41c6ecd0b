import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../infra/errors.js';
import { type Connection, isDuplicateKeyError } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

const citizenSchema = new Schema({
  phone: { type: String, unique: true, sparse: true },
  name: { type: String, required: true },
});

describe('a unique index on the local MongoDB server', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('unique'));
    await conn.model('Citizen', citizenSchema).init();
  });
  afterAll(() => drop());

  it('raises a ConflictError naming the field when a duplicate is saved', async () => {
    const Citizen = conn.model('Citizen');
    await Citizen.create({ phone: '+919800000001', name: 'Asha' });
    const error = await Citizen.create({ phone: '+919800000001', name: 'Ravi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect((error as ConflictError).details).toEqual({ fields: ['phone'] });
    expect((error as ConflictError).message).not.toContain('+919800000001');
    expect(await Citizen.countDocuments({ phone: '+919800000001' })).toBe(1);
  });

  it('raises a ConflictError when an update would create a duplicate', async () => {
    const Citizen = conn.model('Citizen');
    await Citizen.create({ phone: '+919800000002', name: 'Meena' });
    const other = await Citizen.create({ phone: '+919800000003', name: 'Kiran' });
    const error = await Citizen.findOneAndUpdate({ _id: other._id }, { $set: { phone: '+919800000002' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((await Citizen.findById(other._id))?.phone).toBe('+919800000003');
  });

  it('raises a ConflictError for every loser of a race to create one _id, however the server words it', async () => {
    const Receipt = conn.model('RaceReceipt', new Schema({ _id: String, n: Number }));
    await Receipt.init();
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, (_, n) => Receipt.create({ _id: `race-${round}`, n })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
        expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      }
    }
  });

  it('lets documents without the sparse field coexist', async () => {
    const Citizen = conn.model('Citizen');
    await Citizen.create([{ name: 'No phone 1' }, { name: 'No phone 2' }]);
    expect(await Citizen.countDocuments({ phone: { $exists: false } })).toBe(2);
  });

  it("counts the local server's lost _id race (an 'Unknown error' naming the existing key) as a duplicate key", () => {
    const lostRace = Object.assign(
      new Error(
        "Unknown error: Document with key 'settle:LIN1' already existed in H2Collection(hub.ledger_transactions): {}",
      ),
      { code: 8 },
    );
    expect(isDuplicateKeyError(lostRace)).toBe(true);
    expect(isDuplicateKeyError(Object.assign(new Error('E11000 duplicate key error'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKeyError(Object.assign(new Error('Unknown error: disk full'), { code: 8 }))).toBe(false);
  });
});
