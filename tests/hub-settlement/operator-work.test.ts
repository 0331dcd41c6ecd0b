import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRejectedError } from '../../hub/gateway/errors.js';
import { Ledger } from '../../hub/ledger/ledger.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import type { LineDeps } from '../../hub/settlement/deps.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { type SettlementQueue, settlementQueue } from '../../hub/settlement/queue.js';
import { settleLine } from '../../hub/settlement/settle-line.js';
import { sweepStuckWork } from '../../hub/settlement/sweeper.js';
import { createLogger } from '../../infra/logger.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { capturedPayment, newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo, redisUrl, uniqueName } from '../support/isolation.js';

const log = createLogger('operator-work', 'silent');
/** findStuck compares with a cutoff of now - olderThanMs: let the clock pass the last write. */
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('work that needs an operator leaves the automatic queue, and the sweep never starves', () => {
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let ledger: Ledger;
  let redis: Redis;
  let queue: SettlementQueue;

  beforeAll(async () => {
    const mongo = await isolatedMongo('operator_work');
    drop = mongo.drop;
    payments = new PaymentStore(mongo.conn);
    ledger = new Ledger(mongo.conn);
    await Promise.all([payments.init(), ledger.init()]);
    redis = createRedis(redisUrl(), { forBlockingCommands: true });
    queue = settlementQueue(redis, { prefix: uniqueName('operator_work') });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await redis?.quit();
    await drop?.();
  });

  /** A one-line payment whose line was refused by its biller and is now to be refunded. */
  async function failedLine(): Promise<Payment> {
    const payment = await settlingPayment(payments, { lines: [newLine()] });
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    const failed = await payments.transitionLine(payment._id, line._id, 'pending', 'failed', 'settlement.failed', {
      failureCode: 'ACCOUNT_DISCONNECTED',
    });
    if (!failed) throw new Error('not failed');
    return failed;
  }

  /** Line deps whose gateway refuses every refund for good. */
  const refusingDeps = (): LineDeps => ({
    payments,
    ledger,
    billers: { get: () => undefined },
    gateway: {
      refund: async () => {
        throw new GatewayRejectedError('refund exceeds the captured amount', 'BAD_REQUEST_ERROR');
      },
    },
    log,
    options: settlementOptions(),
  });

  it('holds a line whose refund the gateway refuses for good, with the reason, instead of failing its job forever', async () => {
    const payment = await failedLine();
    const lineId = payment.lines[0]?._id as string;
    const outcome = await settleLine(refusingDeps(), { paymentId: payment._id, lineId, polls: 0, lastAttempt: false });

    expect(outcome).toEqual({ kind: 'waiting', status: 'held' });
    const held = (await payments.findById(payment._id)) as Payment;
    expect(held.lines[0]).toMatchObject({ status: 'held', failureCode: 'refund_refused' });
    expect(held.lines[0]?.failureMessage).toContain('refund exceeds the captured amount');
    expect(held.status).toBe('settling');
    await tick();
    const report = await sweepStuckWork({ payments, ledger, queue, log }, { olderThanMs: 0 });
    expect(report.requeued).not.toContain(lineId);
  });

  it('starts a captured payment behind more than a page of held lines', async () => {
    const deps = refusingDeps();
    const held: string[] = [];
    for (let i = 0; i < 105; i++) {
      const payment = await failedLine();
      const lineId = payment.lines[0]?._id as string;
      await settleLine(deps, { paymentId: payment._id, lineId, polls: 0, lastAttempt: false });
      held.push(lineId);
    }
    await tick();
    const captured = await capturedPayment(payments, { lines: [newLine()] });
    await tick();

    const report = await sweepStuckWork({ payments, ledger, queue, log }, { olderThanMs: 0 });

    expect(report.started).toContain(captured._id);
    expect(report.requeued).toContain(captured.lines[0]?._id);
    expect(report.requeued.filter((id) => held.includes(id))).toEqual([]);
    expect((await payments.findById(captured._id))?.status).toBe('settling');
  });

  it('reads every page of stuck work, however small the page', async () => {
    const stuck: string[] = [];
    for (let i = 0; i < 5; i++) stuck.push((await capturedPayment(payments, { lines: [newLine()] }))._id);
    await tick();

    const report = await sweepStuckWork({ payments, ledger, queue, log }, { olderThanMs: 0, limit: 2 });

    expect(report.started.filter((id) => stuck.includes(id)).sort()).toEqual([...stuck].sort());
    expect(report.errors).toBe(0);
  });
});
