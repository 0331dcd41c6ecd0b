import { randomUUID } from 'node:crypto';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { NewPaymentLine, PaymentStore } from '../../hub/payments/payment-store.js';
import { hashRequest } from '../../hub/payments/request-hash.js';
import type { RiskCheck } from '../../hub/risk/risk-check.js';
import type { RiskRuleStore } from '../../hub/risk/risk-rule-store.js';
import { DEFAULT_RULES, type RiskRule, type RiskRuleId } from '../../hub/risk/risk-rules.js';

/** One electricity line of `amountMinor` for consumer `consumer` (a new bill number each time). */
export function lineFor(consumer: string, amountMinor = 10_000, billerId = 'electricity-discom'): NewPaymentLine {
  return {
    billerId,
    consumer: { consumerNumber: consumer },
    consumerMasked: `*****${consumer.slice(-4)}`,
    billNumber: `B-${randomUUID().slice(0, 8)}`,
    amountMinor,
  };
}

/** A new payment (status created) for `citizenSub`, one line per consumer given. */
export async function paymentOf(store: PaymentStore, citizenSub: string, lines: NewPaymentLine[]): Promise<Payment> {
  const { payment } = await store.create({
    citizenSub,
    idempotencyKey: randomUUID(),
    requestHash: hashRequest({ lines }),
    lines,
  });
  return payment;
}

/**
 * A new payment made as CheckoutService makes one: created, then its checkout rules run (which
 * records it in the citizen's and its consumers' risk activity). Returns the payment after the rules.
 */
export async function checkedOut(
  risk: Pick<RiskCheck, 'atCheckout'>,
  store: PaymentStore,
  citizenSub: string,
  lines: NewPaymentLine[],
): Promise<Payment> {
  return risk.atCheckout(await paymentOf(store, citizenSub, lines));
}

/** Moves a payment's creation time back by `minutes` (the schema keeps createdAt immutable, so the raw driver does it). */
export async function ageBy(store: PaymentStore, paymentId: string, minutes: number): Promise<void> {
  const at = new Date(Date.now() - minutes * 60_000);
  await store.model.collection.updateOne({ _id: paymentId as never }, { $set: { createdAt: at, updatedAt: at } });
}

/** Every rule off except `only`, tuned as given: each test checks one rule on its own. */
export async function onlyRule<K extends RiskRuleId>(
  rules: RiskRuleStore,
  only: K,
  params: Partial<RiskRule<K>['params']>,
  action: RiskRule['action'] = 'flag',
): Promise<void> {
  for (const rule of Object.values(DEFAULT_RULES) as RiskRule[]) {
    const enabled = rule.id === only;
    await rules.save(
      { ...rule, enabled, ...(enabled ? { action, params: { ...rule.params, ...params } } : {}) } as RiskRule,
      'test',
    );
  }
}

/**
 * A captured payment moved to settling and every line settled (history for the amount rule); made
 * through the checkout rules first when `risk` is given, as every real payment is.
 */
export async function settledPayment(
  store: PaymentStore,
  citizenSub: string,
  lines: NewPaymentLine[],
  risk?: Pick<RiskCheck, 'atCheckout'>,
) {
  const payment = risk ? await checkedOut(risk, store, citizenSub, lines) : await paymentOf(store, citizenSub, lines);
  await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created', {
    gateway: { orderId: `order_${payment._id}` },
  });
  await store.transitionPayment(payment._id, 'awaiting_payment', 'captured', 'payment_captured');
  await store.transitionPayment(payment._id, 'captured', 'settling', 'settlement_started');
  for (const line of payment.lines) {
    await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'posting');
    await store.transitionLine(payment._id, line._id, 'posting', 'settled', 'posted');
  }
  return store.settleCompletion(payment._id);
}
