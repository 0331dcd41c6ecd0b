import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payableOn } from '../../adapters/sdk/index.js';
import { paymentView } from '../../hub/api/routes/payment-view.js';
import { PaymentCapture } from '../../hub/checkout/payment-capture.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { NewPaymentLine } from '../../hub/payments/payment-store.js';
import { RiskCheck } from '../../hub/risk/risk-check.js';
import { RiskReviews } from '../../hub/risk/risk-review.js';
import { RiskRuleStore } from '../../hub/risk/risk-rule-store.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { sweepStuckWork } from '../../hub/settlement/sweeper.js';
import type { SettlementWorker } from '../../hub/settlement/worker.js';
import { createLogger } from '../../infra/logger.js';
import { freshConsumers } from '../hub-api/fresh-consumers.js';
import { BILLERS, type Kind } from '../hub-settlement/billers.js';
import { type Harness, startHarness } from '../hub-settlement/harness.js';
import { onlyRule, paymentOf } from './fixtures.js';

const log = createLogger('risk-review', process.env.TEST_LOG_LEVEL ?? 'silent');
const operator = { sub: 'op-1', label: 'Ops One' };
const today = () => new Date().toISOString().slice(0, 10);

/**
 * A `review` rule holds a captured payment out of settlement, through the real capture path, the
 * sandbox gateway, the settlement worker and the sweeper, until an operator releases it (it
 * settles) or refunds it (every line refunded, the ledger balanced).
 */
describe('a payment under risk review waits for an operator before settlement', () => {
  let h: Harness;
  let rules: RiskRuleStore;
  let risk: RiskCheck;
  let capture: PaymentCapture;
  let reviews: RiskReviews;
  let audit: OperatorAudit;
  let worker: SettlementWorker;
  const starts: string[] = [];
  // A bill is paid once: every payment that is captured pays bills of its own.
  const fresh = freshConsumers();

  /** A line for the bill of a fresh consumer (electricity, gas), or of the water fixture (never paid here). */
  const billLine = async (kind: Kind): Promise<NewPaymentLine> => {
    const { billerId, known } = BILLERS[kind];
    const consumers = fresh();
    const consumer = kind === 'water' ? known : kind === 'gas' ? consumers.gas : consumers.electricity;
    const bill = await h.billers.registry.get(billerId)?.operations.fetchBill(consumer);
    if (!bill) throw new Error(`no bill at ${billerId}`);
    return {
      billerId,
      consumer,
      consumerMasked: '******',
      billNumber: bill.billNumber,
      amountMinor: payableOn(bill, today()),
    };
  };

  /** Pays an order at the sandbox as its hosted page would (by card when a card number is given). */
  const pay = async (payment: Payment, outcome: 'success' | 'failure', card?: string) => {
    const orderId = await h.gateway.openOrder(payment._id, payment.totalMinor);
    await h.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created', {
      gateway: { orderId },
    });
    await h.gateway.simulate(orderId, outcome, card);
    const current = (await h.payments.findById(payment._id)) ?? payment;
    return capture.apply(current, await h.gateway.client.getOrder(orderId));
  };

  /** A checkout the velocity rule (one checkout an hour, action review) holds, captured at the gateway. */
  const capturedUnderReview = async (): Promise<Payment> => {
    const sub = `citizen-${randomUUID()}`;
    await paymentOf(h.payments, sub, [await billLine('water')]);
    const second = await risk.atCheckout(
      await paymentOf(h.payments, sub, [await billLine('electricity'), await billLine('gas')]),
    );
    expect(second.risk?.review).toEqual({ status: 'pending' });
    return pay(second, 'success');
  };

  const noJobs = async (payment: Payment) => {
    for (const line of payment.lines) expect(await h.queue.getJob(line._id)).toBeUndefined();
  };

  beforeAll(async () => {
    h = await startHarness('risk_review');
    rules = new RiskRuleStore(h.payments.model.db);
    risk = new RiskCheck(h.payments.model, rules);
    const start = async (payment: Payment) => {
      starts.push(payment._id);
      await enqueueSettlement(h.queue, payment);
    };
    capture = new PaymentCapture(h.payments, h.ledger, h.gateway.client, start, log, undefined, risk);
    audit = new OperatorAudit(h.payments.model.db);
    reviews = new RiskReviews(h.payments, start, audit);
    worker = h.startWorker();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
  });

  it('holds a captured payment out of settlement until released, then settles it with the ledger balanced', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const held = await capturedUnderReview();
    expect(held.status).toBe('captured');
    expect(starts).not.toContain(held._id);
    await noJobs(held);
    // The citizen is told it is being checked: never silently stuck.
    const view = paymentView(held);
    expect(view.displayStatus).toBe('under_review');
    expect(view.riskReview).toBe('pending');

    const released = await reviews.decide(
      held._id,
      'release',
      'spoke to the citizen: a family paying its bills',
      operator,
    );
    expect(released.status).toBe('settling');
    expect(released.risk?.review).toMatchObject({ status: 'released', by: operator });
    const done = await h.finished(held._id);
    expect(done.status).toBe('completed');
    expect(paymentView(done).riskReview).toBeUndefined();
    expect((await h.ledger.checkLedger(held._id)).problems).toEqual([]);
    expect(await audit.list({ paymentId: held._id })).toEqual([
      expect.objectContaining({
        action: 'risk_review.release',
        outcome: 'done',
        reason: 'spoke to the citizen: a family paying its bills',
        actor: operator,
        subject: { kind: 'payment', id: held._id },
      }),
    ]);
  });

  it('a refund decision refunds every line through the refund path and leaves the ledger balanced', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const held = await capturedUnderReview();
    await reviews.decide(held._id, 'refund', 'the card holder says this was not them', operator);
    const done = await h.finished(held._id);
    expect(done.status).toBe('refunded');
    for (const line of done.lines) {
      expect(line).toMatchObject({ status: 'refunded', failureCode: 'refused_after_review' });
      expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(0);
    }
    const refunds = await h.gateway.client.listRefunds(done.gateway.orderId ?? '');
    expect(refunds.reduce((sum, r) => sum + (r.amountMinor ?? 0), 0)).toBe(done.totalMinor);
    expect((await h.ledger.checkLedger(held._id)).problems).toEqual([]);
    expect(done.timeline.map((e) => e.to ?? e.event)).toEqual(
      expect.arrayContaining(['captured', 'risk.refused', 'failed', 'refunding', 'refunded']),
    );
  });

  it('a refund cut short before its lines failed is finished when the operator decides it again', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const held = await capturedUnderReview();
    // The crash came right after the decision was recorded: no line has failed yet.
    await h.payments.model.updateOne({ _id: held._id }, { $set: { 'risk.review.status': 'refunded' } }).exec();
    await noJobs(held);
    await reviews.decide(held._id, 'refund', 'finishing the refund', operator);
    const done = await h.finished(held._id);
    expect(done.status).toBe('refunded');
    expect((await h.ledger.checkLedger(held._id)).problems).toEqual([]);
  });

  it('a decision on a payment whose review was already decided is refused in words, and audited as refused', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const held = await capturedUnderReview();
    await reviews.decide(held._id, 'release', 'checked', operator);
    const second = reviews.decide(held._id, 'refund', 'second thoughts', { sub: 'op-2' });
    await expect(second).rejects.toMatchObject({
      status: 409,
      code: 'review_not_pending',
      message: `the review of payment ${held._id} was already decided (released by Ops One)`,
    });
    await h.finished(held._id);
    const entries = await audit.list({ paymentId: held._id });
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['risk_review.refund', 'refused'],
      ['risk_review.release', 'done'],
    ]);
  });

  it('the sweeper does not start a captured payment under review, and starts nothing behind the operator', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const held = await capturedUnderReview();
    await new Promise((r) => setTimeout(r, 5));
    const report = await sweepStuckWork(
      { payments: h.payments, ledger: h.ledger, queue: h.queue, log },
      { olderThanMs: 0 },
    );
    expect(report.started).not.toContain(held._id);
    expect((await h.payments.findById(held._id))?.status).toBe('captured');
    await noJobs(held);
    await reviews.decide(held._id, 'release', 'fine', operator);
    expect((await h.finished(held._id)).status).toBe('completed');
  });

  it('refunding a payment that was never captured is refused: there is nothing to refund', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const sub = `citizen-${randomUUID()}`;
    await paymentOf(h.payments, sub, [await billLine('water')]);
    const flagged = await risk.atCheckout(await paymentOf(h.payments, sub, [await billLine('gas')]));
    await expect(reviews.decide(flagged._id, 'refund', 'looks wrong', operator)).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('is created: only a captured payment can be refunded'),
    });
    // Released before the money came, it settles as any capture does.
    await reviews.decide(flagged._id, 'release', 'known citizen', operator);
    const paid = await pay(flagged, 'success');
    expect(paid.status).toBe('settling');
    expect((await h.finished(flagged._id)).status).toBe('completed');
  });

  it("a capture by a card the sandbox gateway saw declined too often is held, the card's fingerprint recorded", async () => {
    await onlyRule(rules, 'instrument_failures', { maxFailures: 1, windowMinutes: 60 }, 'review');
    const card = '4111111111111111';
    for (const kind of ['water', 'water'] as const) {
      const declined = await pay(
        await paymentOf(h.payments, `citizen-${randomUUID()}`, [await billLine(kind)]),
        'failure',
        card,
      );
      expect(declined.status).toBe('failed');
      expect(declined.gateway.instrument).toMatch(/^fp_[0-9a-f]{24}$/);
    }
    const paid = await pay(
      await paymentOf(h.payments, `citizen-${randomUUID()}`, [await billLine('electricity')]),
      'success',
      card,
    );
    expect(paid.status).toBe('captured');
    expect(paid.risk?.flags).toEqual([
      expect.objectContaining({ rule: 'instrument_failures', stage: 'capture', action: 'review' }),
    ]);
    expect(starts).not.toContain(paid._id);
    await reviews.decide(paid._id, 'refund', 'card testing', operator);
    expect((await h.finished(paid._id)).status).toBe('refunded');
    expect((await h.ledger.checkLedger(paid._id)).problems).toEqual([]);
  });
});

const kindOf = (billerId: string) =>
  (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) as Kind;
