import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { newReferenceNumber } from '../../hub/demands/reference-number.js';
import { ConflictError, ValidationError } from '../../infra/errors.js';
import { isolatedMongo } from '../support/isolation.js';
import { BY, hallRent, hallRentInThree, paymentId, TODAY } from './fixtures.js';

describe('creating and amending demands', () => {
  let drop: () => Promise<void>;
  let store: DemandStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('demand_store');
    drop = mongo.drop;
    store = new DemandStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  it('refuses an invalid demand with every field error and stores nothing', async () => {
    const input = hallRentInThree({
      instalments: [
        { dueDate: '2027-03-10', amountMinor: 1 },
        { dueDate: '2027-03-10', amountMinor: 2 },
      ],
    });
    const error = await store.create(input, BY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.fields).toEqual(['instalments', 'instalments.1.dueDate']);
    expect(await store.model.countDocuments({ providerId: input.providerId })).toBe(0);
  });

  it('gives every demand its own reference number, enforced by a unique index', async () => {
    const created = await Promise.all(Array.from({ length: 30 }, () => store.create(hallRent(), BY)));
    const references = created.map((c) => c.demand.reference);
    expect(new Set(references).size).toBe(30);
    const [a, b] = created;
    const error = await store.model
      .updateOne({ _id: b?.demand._id }, { $set: { reference: a?.demand.reference } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('finds a demand by its reference number as typed, and not by a mistyped one', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const typed = demand.reference.toLowerCase().replace(/-/g, ' ');
    expect((await store.findByReference(typed))?._id).toBe(demand._id);
    const last = demand.reference.at(-1) === '0' ? '1' : '0';
    expect(await store.findByReference(demand.reference.slice(0, -1) + last)).toBeNull();
  });

  it('creates once per idempotency key, and refuses the key with another demand', async () => {
    const input = hallRent();
    const first = await store.create(input, { ...BY, idempotencyKey: 'key-1' });
    const again = await store.create({ ...input }, { ...BY, idempotencyKey: 'key-1' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({
      created: false,
      demand: { _id: first.demand._id, reference: first.demand.reference },
    });
    const other = await store
      .create({ ...input, title: 'Another' }, { ...BY, idempotencyKey: 'key-1' })
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ConflictError);
    expect(await store.model.countDocuments({ providerId: input.providerId })).toBe(1);
  });

  it('lists a payer’s open demands by phone or email', async () => {
    const payer = { phone: '+919812345678' };
    const { demand } = await store.create(hallRent({ payer }), BY);
    const { demand: byEmail } = await store.create(hallRent({ payer: { email: 'ravi@example.in' } }), BY);
    const listed = await store.listForPayer({ phone: '+919812345678', email: 'RAVI@example.in' });
    expect(listed.map((d) => d._id).sort()).toEqual([demand._id, byEmail._id].sort());
  });

  it('records an amendment in the audit trail with each field before and after, and the reason', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const amended = await store.amend(
      demand._id,
      { title: 'Community hall booking, 15 January', dueDate: '2027-01-15' },
      { actor: 'clerk@municipality', reason: 'date moved at the citizen’s request', today: TODAY },
    );
    expect(amended).toMatchObject({ title: 'Community hall booking, 15 January', dueDate: '2027-01-15', version: 1 });
    expect(amended.instalments[0]?.dueDate).toBe('2027-01-15');
    const entry = amended.audit.at(-1);
    expect(entry).toMatchObject({
      action: 'amended',
      actor: 'clerk@municipality',
      reason: 'date moved at the citizen’s request',
    });
    expect(entry?.changes.map((c) => c.path)).toEqual(['title', 'dueDate', 'instalments']);
    expect(entry?.changes[1]).toEqual({ path: 'dueDate', before: '2027-01-10', after: '2027-01-15' });
  });

  it('follows a changed line with the total and the single instalment, and removes a rule given null', async () => {
    const lateFee = { charge: { kind: 'flat' as const, amountMinor: 5_000 }, periodDays: 7, capMinor: 20_000 };
    const { demand } = await store.create(hallRent({ lateFee }), BY);
    const by = { actor: 'clerk', reason: 'rate revised', today: TODAY };
    const line = { description: 'Hall rent', amountMinor: 2_500_000, taxMinor: 0, taxes: [] };
    const amended = await store.amend(demand._id, { lines: [line], lateFee: null }, by);
    expect(amended).toMatchObject({ totalMinor: 2_500_000, instalments: [{ amountMinor: 2_500_000, status: 'open' }] });
    expect(amended.lateFee).toBeUndefined();
    expect(amended.audit.at(-1)?.changes.find((c) => c.path === 'lateFee')).toEqual({
      path: 'lateFee',
      before: lateFee,
    });
    const nothing = await store.amend(demand._id, { title: amended.title }, by).catch((e: unknown) => e);
    expect((nothing as ValidationError).message).toContain('the amendment changes nothing');
  });

  it('keeps paid instalments and the payer as they were after a part payment, and lets the open ones change', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    await store.recordPayment(demand._id, {
      paymentId: paymentId(),
      instalments: [1],
      amountMinor: 1_180_000,
      paidAt: new Date(),
      day: '2027-01-02',
    });
    const by = { actor: 'clerk', reason: 'correction', today: TODAY };
    const changePaid = await store
      .amend(
        demand._id,
        {
          instalments: [
            { dueDate: '2027-01-12', amountMinor: 1_180_000 },
            { dueDate: '2027-03-10', amountMinor: 2_360_000 },
          ],
        },
        by,
      )
      .catch((e: unknown) => e);
    expect((changePaid as ValidationError).details?.fields).toEqual(['instalments.0']);
    const changePayer = await store
      .amend(demand._id, { payer: { phone: '+919800000000' } }, by)
      .catch((e: unknown) => e);
    expect((changePayer as ValidationError).details?.fields).toEqual(['payer']);

    const merged = await store.amend(
      demand._id,
      {
        instalments: [
          { dueDate: '2027-01-10', amountMinor: 1_180_000 },
          { dueDate: '2027-03-10', amountMinor: 2_360_000 },
        ],
      },
      by,
    );
    expect(merged.instalments.map((i) => [i.number, i.status, i.amountMinor])).toEqual([
      [1, 'paid', 1_180_000],
      [2, 'open', 2_360_000],
    ]);
    expect(merged.status).toBe('partly_paid');
    expect(merged.instalments[0]?.paymentId).toBeDefined();
  });

  it('refuses to amend a cancelled demand, or to amend without a reason', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const noReason = await store
      .amend(demand._id, { title: 'x' }, { actor: 'clerk', reason: ' ' })
      .catch((e: unknown) => e);
    expect(noReason).toBeInstanceOf(ValidationError);
    await store.cancel(demand._id, { actor: 'clerk', reason: 'duplicate' });
    const error = await store
      .amend(demand._id, { title: 'x' }, { actor: 'clerk', reason: 'late edit' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((await store.cancel(demand._id, { actor: 'clerk', reason: 'again' })).changed).toBe(false);
    expect((await store.findById(demand._id))?.audit.map((a) => a.action)).toEqual(['created', 'cancelled']);
  });

  it('refuses an amendment made from a stale read', async () => {
    const { demand } = await store.create(hallRent(), BY);
    await store.amend(demand._id, { title: 'First edit' }, { actor: 'a', reason: 'r', today: TODAY });
    const stale = await store
      .amend(demand._id, { title: 'Second edit' }, { actor: 'b', reason: 'r', today: TODAY, expectedVersion: 0 })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((await store.findById(demand._id))?.title).toBe('First edit');
  });
});

describe('reference number collisions', () => {
  it('draws another reference number when the first is already taken', async () => {
    const { conn, drop } = await isolatedMongo('demand_ref');
    try {
      const first = new DemandStore(conn);
      const { demand: existing } = await first.create(hallRent(), BY);
      const draws = [existing.reference, newReferenceNumber()];
      const colliding = new DemandStore(conn, { newReference: () => draws.shift() ?? newReferenceNumber() });
      const { demand, created } = await colliding.create(hallRent(), BY);
      expect(created).toBe(true);
      expect(demand.reference).not.toBe(existing.reference);
      expect(draws).toEqual([]);
      expect(await first.model.countDocuments({ reference: existing.reference })).toBe(1);
    } finally {
      await drop();
    }
  });
});
