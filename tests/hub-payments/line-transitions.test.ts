import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { IllegalTransitionError } from '../../hub/payments/state-machine.js';
import { isolatedMongo } from '../support/isolation.js';
import { capturedPayment, lineOf, newLine, settlingPayment } from './fixtures.js';

describe('line transitions', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('pay_lines');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  it('succeed exactly once among 20 concurrent attempts, pushing exactly one timeline entry', async () => {
    const payment = await settlingPayment(store);
    const line = lineOf(payment, 0);
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting'),
      ),
    );
    expect(attempts.filter((doc) => doc !== null)).toHaveLength(1);
    const stored = await store.findById(payment._id);
    expect(lineOf(stored, 0).status).toBe('posting');
    const entries = stored?.timeline.filter((e) => e.lineId === line._id) ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ event: 'line.posting', from: 'pending', to: 'posting', lineId: line._id });
  });

  it('change one line without touching the others', async () => {
    const payment = await settlingPayment(store, {
      lines: [newLine({ billNumber: 'A' }), newLine({ billNumber: 'B' }), newLine({ billNumber: 'C' })],
    });
    const [first, second, third] = [lineOf(payment, 0), lineOf(payment, 1), lineOf(payment, 2)];
    await store.transitionLine(payment._id, second._id, 'pending', 'posting', 'line.posting');
    const settled = await store.transitionLine(payment._id, second._id, 'posting', 'settled', 'line.settled', {
      billerReference: 'BR-42',
      billerStatus: 'SUCCESS',
    });
    expect(settled?.lines[1]).toMatchObject({ status: 'settled', billerReference: 'BR-42', billerStatus: 'SUCCESS' });
    expect(settled?.lines[1]?.changedAt.getTime()).toBeGreaterThanOrEqual(second.changedAt.getTime());
    expect(settled?.lines[0]).toEqual(first);
    expect(settled?.lines[2]).toEqual(third);
    expect(settled?.status).toBe('settling');
  });

  it('return null when the line is not in the expected status, or unknown', async () => {
    const payment = await settlingPayment(store);
    const line = lineOf(payment, 0);
    expect(await store.transitionLine(payment._id, line._id, 'posting', 'settled', 'line.settled')).toBeNull();
    expect(await store.transitionLine(payment._id, 'LIN00000000000000000000', 'pending', 'posting', 'x')).toBeNull();
    const stored = await store.findById(payment._id);
    expect(stored?.lines.map((l) => l.status)).toEqual(['pending', 'pending']);
    expect(stored?.timeline).toHaveLength(payment.timeline.length);
  });

  it('throw for a move the line state machine does not allow', async () => {
    const payment = await settlingPayment(store);
    const line = lineOf(payment, 0);
    await expect(store.transitionLine(payment._id, line._id, 'pending', 'settled', 'x')).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    await expect(store.transitionLine(payment._id, line._id, 'settled', 'refunding', 'x')).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    await expect(
      store.transitionLine(payment._id, line._id, 'pending', 'posting', 'x', { status: 'settled' } as never),
    ).rejects.toThrow(TypeError);
  });

  it('wait for settlement to start before posting, but let a captured payment refund its lines', async () => {
    const payment = await capturedPayment(store);
    const line = lineOf(payment, 0);
    expect(await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting')).toBeNull();
    const failed = await store.transitionLine(payment._id, line._id, 'pending', 'failed', 'line.failed', {
      failureCode: 'bill_already_paid',
      failureMessage: 'the biller says this bill is paid',
    });
    expect(lineOf(failed, 0)).toMatchObject({ status: 'failed', failureCode: 'bill_already_paid' });
  });

  it('go back to pending on a retryable error, and count posting attempts only while posting', async () => {
    const payment = await settlingPayment(store);
    const line = lineOf(payment, 0);
    expect(await store.recordLineAttempt(payment._id, line._id)).toBeNull();
    await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting');
    await Promise.all(Array.from({ length: 5 }, () => store.recordLineAttempt(payment._id, line._id)));
    const retry = await store.transitionLine(payment._id, line._id, 'posting', 'pending', 'line.retry', {
      failureCode: 'biller_unavailable',
    });
    expect(lineOf(retry, 0)).toMatchObject({ status: 'pending', attempts: 5, failureCode: 'biller_unavailable' });
    expect(lineOf(retry, 1).attempts).toBe(0);
  });

  it('run failed → refunding → refunded, keeping the refund key', async () => {
    const payment = await settlingPayment(store);
    const line = lineOf(payment, 1);
    await store.transitionLine(payment._id, line._id, 'pending', 'failed', 'line.failed');
    await store.transitionLine(payment._id, line._id, 'failed', 'refunding', 'refund.requested', {
      refundKey: `refund-${line._id}`,
    });
    const refunded = await store.transitionLine(payment._id, line._id, 'refunding', 'refunded', 'refund.done');
    expect(lineOf(refunded, 1)).toMatchObject({ status: 'refunded', refundKey: `refund-${line._id}` });
    expect(refunded?.timeline.filter((e) => e.lineId === line._id).map((e) => e.to)).toEqual([
      'failed',
      'refunding',
      'refunded',
    ]);
  });
});
