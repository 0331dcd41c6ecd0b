import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { DemandStore } from '../../hub/demands/demand-store.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import type { WalletSettlement } from '../../hub/wallet/settle-by-wallet.js';
import { WalletTransferRefusedError } from '../../hub/wallet/wallet-errors.js';
import { claimIdOf, walletPaymentIdOf } from '../../hub/wallet/wallet-ids.js';
import { BY, hallRent, hallRentInThree } from '../hub-demands/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';
import { SLOW_MS, settlementOver, startWallet, type WalletHarness } from './harness.js';

const CITIZEN = 'citizen-asha';
const WALLET = '9876543210';

describe('settling a demand by a wallet transfer', () => {
  let drop: () => Promise<void>;
  let conn: Awaited<ReturnType<typeof isolatedMongo>>['conn'];
  let wallet: WalletHarness;
  let demands: DemandStore;
  let settlement: WalletSettlement;
  beforeAll(async () => {
    const mongo = await isolatedMongo('wallet_settle');
    drop = mongo.drop;
    conn = mongo.conn;
    wallet = await startWallet();
    ({ demands, settlement } = await settlementOver(conn, wallet.client));
  });
  afterAll(async () => {
    await wallet.close();
    await drop();
  });

  const refusal = (error: unknown) => {
    expect(error).toBeInstanceOf(WalletTransferRefusedError);
    return (error as WalletTransferRefusedError).reason;
  };
  /** What the test citizen enters for `reference`: the test wallet's number and a transaction id. */
  const inputOf = (reference: string, transactionId: string) => ({
    reference,
    walletNumber: WALLET,
    transactionId,
    citizenSub: CITIZEN,
  });
  /** Settles `reference` by a transfer from the test wallet as the test citizen; a refusal is returned, not thrown. */
  const attempt = (reference: string, transactionId: string, extra: { instalments?: number } = {}) =>
    settlement.settle({ ...inputOf(reference, transactionId), ...extra }).catch((e: unknown) => e);

  it('the demand shows the instalment paid after a successful verification, with a receipt', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_180_000 });

    const result = await settlement.settle({
      reference: demand.reference,
      walletNumber: '+91 98765 43210',
      transactionId: transfer.transactionId.toLowerCase(),
      citizenSub: CITIZEN,
    });

    expect(result.status).toBe('settled');
    if (result.status !== 'settled') return;
    expect(result.demand.status).toBe('partly_paid');
    expect(result.demand.instalments.map((i) => i.status)).toEqual(['paid', 'open', 'open']);
    expect(result.demand.instalments[0]).toMatchObject({ paidMinor: 1_180_000, paymentId: result.claim.paymentId });
    const stored = await demands.findById(demand._id);
    expect(stored?.payments).toEqual([
      expect.objectContaining({ paymentId: result.claim.paymentId, instalments: [1], amountMinor: 1_180_000 }),
    ]);
    expect(result.claim).toMatchObject({
      status: 'settled',
      transactionId: transfer.transactionId,
      walletNumber: WALLET,
    });

    // The receipt is an ordinary receipt: the citizen's view and the public QR check both read it.
    const receipts = new ReceiptService(conn, {} as BillerRegistry);
    const view = await receipts.viewFor(result.claim.paymentId, CITIZEN);
    expect(view).toMatchObject({
      receiptNumber: result.receiptId,
      method: 'wallet',
      gatewayReference: transfer.transactionId,
      totalMinor: 1_180_000,
      status: 'completed',
    });
    const token = new URL(view?.verifyUrl ?? '').searchParams.get('t') ?? '';
    expect(await receipts.verify(token)).toMatchObject({ receiptNumber: result.receiptId, totalMinor: 1_180_000 });
  });

  it('a wallet transaction id used twice is refused the second time', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    const { demand: other } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_180_000 });
    const input = { walletNumber: WALLET, transactionId: transfer.transactionId, citizenSub: CITIZEN };

    expect((await settlement.settle({ ...input, reference: demand.reference })).status).toBe('settled');
    const again = await settlement.settle({ ...input, reference: demand.reference }).catch((e: unknown) => e);
    expect(refusal(again)).toBe('already_used');
    expect((again as WalletTransferRefusedError).status).toBe(409);
    const elsewhere = await settlement.settle({ ...input, reference: other.reference }).catch((e: unknown) => e);
    expect(refusal(elsewhere)).toBe('already_used');

    // The first demand counted it once; the other demand counted nothing.
    expect((await demands.findById(demand._id))?.payments).toHaveLength(1);
    expect((await demands.findById(demand._id))?.instalments.map((i) => i.status)).toEqual(['paid', 'open', 'open']);
    expect((await demands.findById(other._id))?.payments).toEqual([]);
  });

  it('a wallet transaction id used twice at the same moment pays once and the other use is refused', async () => {
    const created = await Promise.all([1, 2, 3, 4].map(() => demands.create(hallRentInThree(), BY)));
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_180_000 });

    const outcomes = await Promise.allSettled(
      created.map(({ demand }) => settlement.settle(inputOf(demand.reference, transfer.transactionId))),
    );

    const settled = outcomes.filter((o) => o.status === 'fulfilled');
    expect(settled).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(['already_used', 'in_use']).toContain(refusal(outcome.reason));
    }
    const after = await Promise.all(created.map(({ demand }) => demands.findById(demand._id)));
    expect(after.reduce((n, d) => n + (d?.payments.length ?? 0), 0)).toBe(1);
  });

  it('the same payment sent three times at once is recorded once and the other two are refused', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_180_000 });
    const input = inputOf(demand.reference, transfer.transactionId);

    const outcomes = await Promise.allSettled([1, 2, 3].map(() => settlement.settle(input)));

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(['already_used', 'in_use']).toContain(refusal(outcome.reason));
    }
    expect((await demands.findById(demand._id))?.payments).toHaveLength(1);
  });

  it('a transfer recorded on the demand before its claim was marked settled (a crash) settles once on retry', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 3_540_000 });
    const paymentId = walletPaymentIdOf(claimIdOf('sandbox', transfer.transactionId));
    await demands.recordPayment(demand._id, {
      paymentId,
      instalments: [1],
      amountMinor: 3_540_000,
      paidAt: new Date(transfer.paidAt),
    });

    const result = await settlement.settle(inputOf(demand.reference, transfer.transactionId));

    expect(result).toMatchObject({ status: 'settled', recorded: false });
    expect((await demands.findById(demand._id))?.payments).toHaveLength(1);
  });

  it('a refused attempt (wrong instalment count) frees the transaction for the corrected one', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_180_000 });
    const input = inputOf(demand.reference, transfer.transactionId);
    expect(refusal(await settlement.settle({ ...input, instalments: 2 }).catch((e: unknown) => e))).toBe(
      'amount_mismatch',
    );

    const corrected = await settlement.settle({ ...input, instalments: 1 });

    expect(corrected.status).toBe('settled');
    expect(corrected.claim.instalmentCount).toBe(1);
  });

  it('a transfer from another wallet number is refused, records nothing, and does not burn the transaction', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 3_540_000 });
    const input = { reference: demand.reference, transactionId: transfer.transactionId, citizenSub: CITIZEN };

    const wrong = await settlement.settle({ ...input, walletNumber: '9123456780' }).catch((e: unknown) => e);
    expect(refusal(wrong)).toBe('wallet_mismatch');
    expect((wrong as WalletTransferRefusedError).status).toBe(422);
    expect((await demands.findById(demand._id))?.payments).toEqual([]);
    expect((await settlement.findClaim(transfer.transactionId))?.status).toBe('refused');

    // The payer corrects the typo: the same transaction now settles the demand.
    const right = await settlement.settle({ ...input, walletNumber: WALLET });
    expect(right.status).toBe('settled');
    if (right.status === 'settled') expect(right.demand.status).toBe('paid');
  });

  it('an amount that is not what the next instalments cost is refused with what they cost', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_000_000 });

    const error = await attempt(demand.reference, transfer.transactionId);

    expect(refusal(error)).toBe('amount_mismatch');
    expect((error as WalletTransferRefusedError).details).toMatchObject({
      amountMinor: 1_000_000,
      payableMinor: [1_180_000, 2_360_000, 3_540_000],
      expectedMinor: 1_180_000,
    });
    const after = await demands.findById(demand._id);
    expect(after?.payments).toEqual([]);
    expect(after?.status).toBe('open');
  });

  it('an amount for one instalment is refused when the payer says it pays two', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 1_180_000 });

    const error = await attempt(demand.reference, transfer.transactionId, { instalments: 2 });

    expect(refusal(error)).toBe('amount_mismatch');
    expect((error as WalletTransferRefusedError).details).toMatchObject({ expectedMinor: 2_360_000 });
  });

  it('a transfer pays as many next instalments as its amount covers, late fee by the day it was paid', async () => {
    const { demand } = await demands.create(hallRentInThree(), BY);
    // Paid 2027-02-20: instalment 1 is 41 days late (2 periods of ₹236), instalment 2 ten days late (₹236).
    const transfer = await wallet.seed({
      payerWallet: WALLET,
      amount: 1_180_000 + 47_200 + 1_180_000 + 23_600,
      paidAt: '2027-02-20T11:00:00+05:30',
    });

    const result = await settlement.settle(inputOf(demand.reference, transfer.transactionId));

    expect(result.status).toBe('settled');
    if (result.status !== 'settled') return;
    expect(result.demand.instalments.map((i) => [i.status, i.lateFeeMinor ?? 0])).toEqual([
      ['paid', 47_200],
      ['paid', 23_600],
      ['open', 0],
    ]);
    expect(result.claim.verified?.day).toBe('2027-02-20');
  });

  it('a wallet timeout leaves the transfer unverified with nothing recorded, and a later retry verifies it', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const slowWallet = '9000000002';
    const transfer = await wallet.seed({ payerWallet: slowWallet, amount: 3_540_000 });
    await wallet.fault({ consumer: slowWallet, kind: 'latency', ms: SLOW_MS, times: 1 });
    const input = {
      reference: demand.reference,
      walletNumber: slowWallet,
      transactionId: transfer.transactionId,
      citizenSub: CITIZEN,
    };

    const first = await settlement.settle(input);

    expect(first.status).toBe('verifying');
    expect((await demands.findById(demand._id))?.payments).toEqual([]);
    expect((await demands.findById(demand._id))?.status).toBe('open');
    const waiting = await settlement.findClaim(transfer.transactionId);
    expect(waiting).toMatchObject({ status: 'verifying', attempts: 1 });
    expect(waiting?.lastUnknown).toMatch(/timed out/);

    // The payer (or the retry job) asks again: the wallet answers this time.
    const second = await settlement.settle(input);
    expect(second.status).toBe('settled');
    if (second.status === 'settled') expect(second.demand.status).toBe('paid');
    expect((await demands.findById(demand._id))?.payments).toHaveLength(1);
  });

  it('a 5xx from the wallet leaves the transfer verifying, and retryUnresolved settles it later', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const flakyWallet = '9000000003';
    const transfer = await wallet.seed({ payerWallet: flakyWallet, amount: 3_540_000 });
    await wallet.fault({ consumer: flakyWallet, kind: 'error_5xx', times: 1 });

    const first = await settlement.settle({
      reference: demand.reference,
      walletNumber: flakyWallet,
      transactionId: transfer.transactionId,
      citizenSub: CITIZEN,
    });
    expect(first.status).toBe('verifying');
    expect((await demands.findById(demand._id))?.payments).toEqual([]);

    const tally = await settlement.retryUnresolved();
    expect(tally.settled).toBeGreaterThanOrEqual(1);
    expect((await settlement.findClaim(transfer.transactionId))?.status).toBe('settled');
    expect((await demands.findById(demand._id))?.status).toBe('paid');
  });

  it('a transaction being verified for one demand is refused for another', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const { demand: other } = await demands.create(hallRent(), BY);
    const flakyWallet = '9000000004';
    const transfer = await wallet.seed({ payerWallet: flakyWallet, amount: 3_540_000 });
    await wallet.fault({ consumer: flakyWallet, kind: 'error_5xx', times: 1 });
    const input = { walletNumber: flakyWallet, transactionId: transfer.transactionId, citizenSub: CITIZEN };
    expect((await settlement.settle({ ...input, reference: demand.reference })).status).toBe('verifying');

    const error = await settlement.settle({ ...input, reference: other.reference }).catch((e: unknown) => e);

    expect(refusal(error)).toBe('in_use');
    expect((await demands.findById(other._id))?.payments).toEqual([]);
  });

  it('an unknown transaction id is refused as not found', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const error = await settlement.settle(inputOf(demand.reference, 'WT999999999999')).catch((e: unknown) => e);
    expect(refusal(error)).toBe('not_found');
  });

  it('a transfer to another merchant settles nothing', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, payee: 'SOMESHOP', amount: 3_540_000 });
    const error = await attempt(demand.reference, transfer.transactionId);
    expect(refusal(error)).toBe('payee_mismatch');
    expect((await demands.findById(demand._id))?.payments).toEqual([]);
  });

  it('a cancelled demand cannot be settled by a wallet transfer', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    await demands.cancel(demand._id, { actor: BY.actor, reason: 'booking withdrawn' });
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 3_540_000 });
    const error = await attempt(demand.reference, transfer.transactionId);
    expect(refusal(error)).toBe('not_payable');
  });

  it('a transfer made before the demand was raised cannot pay it', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const transfer = await wallet.seed({ payerWallet: WALLET, amount: 3_540_000, paidAt: '2026-01-01T10:00:00+05:30' });
    const error = await attempt(demand.reference, transfer.transactionId);
    expect(refusal(error)).toBe('not_found');
    expect((error as WalletTransferRefusedError).message).toMatch(/before demand/);
  });

  it('a malformed wallet number or transaction id is a 400 naming the field, and asks the wallet nothing', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const error = await settlement
      .settle({ reference: demand.reference, walletNumber: '12345', transactionId: 'W#1', citizenSub: CITIZEN })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, details: { fields: ['walletNumber', 'transactionId'] } });
  });
});
