import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillClaims } from '../../hub/bill-claims/index.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { isolatedMongo } from '../support/isolation.js';

const gateway = {
  cancelOrder: async () => {
    throw new Error('no order is cancelled in these tests');
  },
};

describe("a checkout's bills are claimed in one insert", () => {
  let drop: () => Promise<void>;
  let claims: BillClaims;
  beforeAll(async () => {
    const mongo = await isolatedMongo('pay_claims_batch');
    drop = mongo.drop;
    const store = new PaymentStore(mongo.conn);
    await store.init();
    claims = new BillClaims(store, gateway as never);
    await claims.model.init();
  });
  afterAll(() => drop());

  it('claims three unclaimed bills with one write', async () => {
    const keys = ['b|1|A', 'b|1|B', 'b|1|C'];
    const { result: held, writes } = await countWrites(['bill_claims'], () =>
      claims.claimUnclaimed({ _id: 'PAY_one' }, keys),
    );
    expect(writes).toEqual(['bill_claims.insertMany']);
    expect([...held].sort()).toEqual(keys);
    expect(await claims.heldBy('PAY_one', keys)).toEqual(new Set(keys));
  });

  it('stops at the first bill another payment holds, as claiming them one by one in key order would', async () => {
    await claims.claimUnclaimed({ _id: 'PAY_other' }, ['c|1|B']);
    const keys = ['c|1|A', 'c|1|B', 'c|1|C'];
    const held = await claims.claimUnclaimed({ _id: 'PAY_mine' }, keys);
    expect(held).toEqual(new Set(['c|1|A']));
    // The bill after the clash is left for acquire (which may supersede an older checkout first).
    expect(await claims.heldBy('PAY_other', keys)).toEqual(new Set(['c|1|B']));
    expect((await claims.model.findById('c|1|C').lean().exec())?.paymentId).toBeUndefined();
  });
});
