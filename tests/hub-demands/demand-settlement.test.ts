import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indianDay } from '../../adapters/payment-demands/index.js';
import { type BillerRegistry, loadBillerRegistry } from '../../adapters/registry/index.js';
import { payableOn } from '../../adapters/sdk/index.js';
import { demandBillerPort } from '../../hub/demands/demand-biller-port.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { NewPaymentLine } from '../../hub/payments/payment-store.js';
import { hashRequest } from '../../hub/payments/request-hash.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { type SettlementWorker, startSettlementWorker } from '../../hub/settlement/worker.js';
import { type Connection, connectMongo } from '../../infra/mongo.js';
import { BILLERS } from '../hub-settlement/billers.js';
import { type Harness, startHarness } from '../hub-settlement/harness.js';
import { BY, hallRentInThree } from './fixtures.js';

const DEMANDS = 'payment-demands';

// The settlement harness (sandbox utilities, sandbox gateway, BullMQ worker) with the registry of
// adapters/billers.json loaded the way the hub loads it: the demand store handed to the
// payment-demands biller as its `demands` service.
describe('a demand instalment settled like any bill', () => {
  let h: Harness;
  let conn: Connection;
  let store: DemandStore;
  let registry: BillerRegistry;
  let worker: SettlementWorker;

  beforeAll(async () => {
    h = await startHarness('demand_settle');
    conn = await connectMongo(h.mongoUri, { dbName: h.dbName });
    store = new DemandStore(conn);
    await store.init();
    registry = await loadBillerRegistry(h.billers.registryFile, {
      env: h.billers.env,
      services: { demands: demandBillerPort(store) },
    });
    const { options, ...deps } = h.lineDeps();
    worker = startSettlementWorker({ ...deps, billers: registry, connection: h.connect(), options });
  });

  afterAll(async () => {
    await worker?.close();
    await registry?.close();
    await conn?.close();
    await h?.close();
  });

  /** A checkout of these bills, paid at the gateway, captured and handed to settlement. */
  const checkout = async (lines: NewPaymentLine[]): Promise<Payment> => {
    const { payment } = await h.payments.create({
      citizenSub: `citizen-${randomUUID()}`,
      idempotencyKey: randomUUID(),
      requestHash: hashRequest({ lines }),
      lines,
    });
    const orderId = await h.gateway.capturedOrder(payment._id, payment.totalMinor);
    await h.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started', {
      gateway: { orderId },
    });
    const captured = await h.payments.transitionPayment(
      payment._id,
      'awaiting_payment',
      'captured',
      'gateway.captured',
      {
        gateway: { method: 'upi', capturedMinor: payment.totalMinor },
      },
    );
    if (!captured) throw new Error('capture failed');
    await h.ledger.recordCapture(captured);
    const settling = await h.payments.transitionPayment(payment._id, 'captured', 'settling', 'settlement.started');
    if (!settling) throw new Error('settling failed');
    await enqueueSettlement(h.queue, settling);
    return settling;
  };

  /** A line for the bill a biller gives for a consumer now, as checkout builds one. */
  const lineFor = async (billerId: string, consumer: Record<string, string>): Promise<NewPaymentLine> => {
    const biller = registry.get(billerId);
    if (!biller) throw new Error(`no biller ${billerId}`);
    const bill = await biller.operations.fetchBill(consumer);
    return {
      billerId,
      consumer,
      consumerMasked: bill.customerName,
      billNumber: bill.billNumber,
      amountMinor: payableOn(bill, indianDay(new Date())),
    };
  };

  it('a demand instalment and an electricity bill paid in one checkout both settle, and the demand shows the instalment paid', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    const demandLine = await lineFor(DEMANDS, { demandReference: demand.reference });
    expect(demandLine).toMatchObject({ billNumber: `${demand.reference}/1`, amountMinor: 1_180_000 });
    const electricityLine = await lineFor(BILLERS.electricity.billerId, BILLERS.electricity.known);

    const payment = await checkout([electricityLine, demandLine]);
    const done = await h.finished(payment._id);

    expect(done.status).toBe('completed');
    expect(done.lines.map((l) => [l.billerId, l.status])).toEqual([
      [BILLERS.electricity.billerId, 'settled'],
      [DEMANDS, 'settled'],
    ]);
    const settledDemandLine = done.lines.find((l) => l.billerId === DEMANDS);
    expect(settledDemandLine?.billerReference).toBe(`${demand.reference}/1`);
    const electricity = done.lines.find((l) => l.billerId === BILLERS.electricity.billerId);
    expect(await h.billers.postings('electricity', electricity?.reference ?? '')).toBe(1);

    const after = await store.findById(demand._id);
    expect(after?.status).toBe('partly_paid');
    expect(after?.instalments.map((i) => i.status)).toEqual(['paid', 'open', 'open']);
    expect(after?.instalments[0]).toMatchObject({ paidMinor: 1_180_000, paymentId: settledDemandLine?.reference });
    expect(after?.payments).toHaveLength(1);
    expect(await h.ledgerProblems()).toEqual([]);
  });

  it('a demand cancelled between checkout and settlement is refunded while the electricity bill settles', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    const demandLine = await lineFor(DEMANDS, { demandReference: demand.reference });
    const electricityLine = await lineFor(BILLERS.electricity.billerId, BILLERS.electricity.known);
    await store.cancel(demand._id, { actor: BY.actor, reason: 'booking withdrawn by the municipality' });

    const payment = await checkout([electricityLine, demandLine]);
    const done = await h.finished(payment._id);

    expect(done.status).toBe('partially_refunded');
    expect(done.lines.map((l) => [l.billerId, l.status])).toEqual([
      [BILLERS.electricity.billerId, 'settled'],
      [DEMANDS, 'refunded'],
    ]);
    const after = await store.findById(demand._id);
    expect(after?.status).toBe('cancelled');
    expect(after?.payments).toHaveLength(0);
    expect(await h.ledgerProblems()).toEqual([]);
  });
});
