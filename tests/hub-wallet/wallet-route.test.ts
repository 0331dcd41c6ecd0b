import type { Context } from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../hub/api/route-spec.js';
import { walletRoutes } from '../../hub/api/routes/wallet-routes.js';
import type { DemandStore } from '../../hub/demands/demand-store.js';
import { BY, hallRent } from '../hub-demands/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';
import { settlementOver, startWallet, type WalletHarness } from './harness.js';

/** The route's handler as the router calls it, for a citizen with the given verified contacts. */
function callAs(
  route: RouteSpec,
  citizen: { sub: string; phone?: string; email?: string },
  reference: string,
  body: unknown,
) {
  const ctx = { params: { reference }, state: { citizen: { ...citizen, scopes: new Set(['payments:write']) } } };
  return route.handler(ctx as unknown as Context, { query: {}, body });
}

describe('POST /api/v1/demands/{reference}/wallet-payments', () => {
  let drop: () => Promise<void>;
  let wallet: WalletHarness;
  let demands: DemandStore;
  let route: RouteSpec;
  beforeAll(async () => {
    const mongo = await isolatedMongo('wallet_route');
    drop = mongo.drop;
    wallet = await startWallet();
    const over = await settlementOver(mongo.conn, wallet.client);
    demands = over.demands;
    [route] = walletRoutes(over.settlement) as [RouteSpec];
  });
  afterAll(async () => {
    await wallet.close();
    await drop();
  });

  it('is a citizen route that needs payments:write', () => {
    expect(route).toMatchObject({ method: 'post', callers: ['citizen'], scopes: ['payments:write'] });
    expect(route.path).toBe('/demands/:reference/wallet-payments');
  });

  it('the payer named on the demand settles it and gets the receipt number', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: '9876543210', amount: 3_540_000 });

    const answer = await callAs(route, { sub: 'asha', phone: '+919876543210' }, demand.reference, {
      walletNumber: '98765 43210',
      transactionId: transfer.transactionId,
    });

    expect(answer).toMatchObject({
      status: 'settled',
      demand: {
        reference: demand.reference,
        status: 'paid',
        instalments: [{ number: 1, status: 'paid', paidMinor: 3_540_000 }],
      },
      receiptNumber: expect.stringMatching(/^RCT/),
    });
  });

  it("another citizen's demand is not found, and the transfer stays unused", async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: '9876543210', amount: 3_540_000 });

    const error = await Promise.resolve(
      callAs(route, { sub: 'ravi', email: 'ravi@example.in' }, demand.reference, {
        walletNumber: '9876543210',
        transactionId: transfer.transactionId,
      }),
    ).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 404 });
    expect(await wallet.verifications(transfer.transactionId)).toBe(0);
    expect((await demands.findById(demand._id))?.payments).toEqual([]);
  });
});
