import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentModel } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { IllegalTransitionError } from '../../hub/payments/state-machine.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { capturedPayment, newPayment } from './fixtures.js';

describe('payment transitions', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('pay_transitions'));
    store = new PaymentStore(conn);
    await store.init();
  });
  afterAll(() => drop());

  it('succeed exactly once among 20 concurrent attempts, pushing exactly one timeline entry', async () => {
    const { payment } = await store.create(newPayment());
    await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started');
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transitionPayment(payment._id, 'awaiting_payment', 'captured', 'gateway.captured', {
          gateway: { capturedMinor: payment.totalMinor, method: `attempt-${i}` },
        }),
      ),
    );
    const winners = attempts.filter((doc) => doc !== null);
    expect(winners).toHaveLength(1);
    const stored = await store.findById(payment._id);
    expect(stored?.status).toBe('captured');
    expect(stored?.gateway.method).toBe(winners[0]?.gateway.method);
    expect(stored?.timeline.filter((e) => e.event === 'gateway.captured')).toHaveLength(1);
    expect(stored?.timeline.map((e) => e.to)).toEqual(['created', 'awaiting_payment', 'captured']);
    expect(stored?.timeline[2]).toMatchObject({ from: 'awaiting_payment', to: 'captured', event: 'gateway.captured' });
  });

  it('keep earlier gateway fields when a later transition sets others', async () => {
    const captured = await capturedPayment(store);
    expect(captured.gateway).toEqual({
      orderId: `order_${captured._id}`,
      method: 'upi',
      capturedMinor: captured.totalMinor,
    });
  });

  it('return null, changing nothing, when the payment is no longer in the expected status', async () => {
    const captured = await capturedPayment(store);
    expect(await store.transitionPayment(captured._id, 'awaiting_payment', 'failed', 'gateway.failed')).toBeNull();
    expect(await store.transitionPayment('PAY00000000000000000000', 'created', 'failed', 'x')).toBeNull();
    const stored = await store.findById(captured._id);
    expect(stored?.status).toBe('captured');
    expect(stored?.timeline).toHaveLength(captured.timeline.length);
  });

  it('throw for a move the state machine does not allow, before touching the database', async () => {
    const { payment } = await store.create(newPayment());
    const moves = [
      () => store.transitionPayment(payment._id, 'created', 'captured', 'skip'),
      () => store.transitionPayment(payment._id, 'completed', 'refunded', 'after the end'),
      () => store.transitionPayment(payment._id, ['created', 'settling'], 'failed', 'one bad source'),
      () => store.transitionPayment(payment._id, [], 'failed', 'no source'),
    ];
    for (const move of moves) await expect(move()).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await store.findById(payment._id))?.status).toBe('created');
  });

  it('refuse changes a transition may not make', async () => {
    const { payment } = await store.create(newPayment());
    const sneaky = { status: 'completed' } as never;
    await expect(store.transitionPayment(payment._id, 'created', 'failed', 'x', sneaky)).rejects.toThrow(TypeError);
    const sneakyGateway = { gateway: { secret: 'x' } } as never;
    await expect(store.transitionPayment(payment._id, 'created', 'failed', 'x', sneakyGateway)).rejects.toThrow(
      TypeError,
    );
    expect((await store.findById(payment._id))?.status).toBe('created');
  });

  it('accept a list of source statuses', async () => {
    const { payment } = await store.create(newPayment());
    const failed = await store.transitionPayment(
      payment._id,
      ['created', 'awaiting_payment'],
      'failed',
      'gateway.failed',
      undefined,
      'card declined',
    );
    expect(failed?.status).toBe('failed');
    expect(failed?.timeline.at(-1)).toMatchObject({ event: 'gateway.failed', to: 'failed', detail: 'card declined' });
  });

  it('enforce expiry in the query: no checkout after expiresAt, no expiry before it', async () => {
    const lapsed = (await store.create(newPayment({ ttlMs: -1_000 }))).payment;
    const live = (await store.create(newPayment())).payment;
    expect(await store.transitionPayment(lapsed._id, 'created', 'awaiting_payment', 'checkout.started')).toBeNull();
    expect(await store.transitionPayment(live._id, 'created', 'expired', 'swept')).toBeNull();
    expect((await store.findExpired()).map((p) => p._id)).toContain(lapsed._id);
    expect((await store.findExpired()).map((p) => p._id)).not.toContain(live._id);
    expect((await store.transitionPayment(lapsed._id, 'created', 'expired', 'swept'))?.status).toBe('expired');
    expect((await store.findExpired()).map((p) => p._id)).not.toContain(lapsed._id);
  });

  it('record a late capture of an expired payment, so the money is accounted for', async () => {
    const { payment } = await store.create(newPayment({ ttlMs: -1_000 }));
    await store.transitionPayment(payment._id, 'created', 'expired', 'swept');
    const late = await store.transitionPayment(payment._id, 'expired', 'captured', 'gateway.captured_late');
    expect(late?.status).toBe('captured');
    expect(await paymentModel(conn).countDocuments({ _id: payment._id, status: 'captured' })).toBe(1);
  });
});
