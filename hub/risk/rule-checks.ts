import type { RiskAction, RiskRules } from './risk-rules.js';

/** A rule that fired, before it is stamped with its stage and time. */
export interface RuleHit {
  rule: string;
  reason: string;
  action: RiskAction;
}

/** One of the citizen's payments as the rules see it (from one indexed query: citizenSub + createdAt). */
export interface RecentPayment {
  _id: string;
  status: string;
  createdAt: Date;
  /** The consumer of each line: billKey without its bill number (see consumerKeyOf). */
  consumers: string[];
}

/** What the checkout rules read: the citizen's recent payments (this one among them) and their history. */
export interface CheckoutFacts {
  now: Date;
  paymentId: string;
  recent: RecentPayment[];
  /** When the hub first saw this citizen pay (their oldest payment): the account's age. */
  firstSeenAt: Date;
  /** Per line of this payment: its amount, its consumer's masked number, and the consumer's earlier settled amounts. */
  lines: { amountMinor: number; billerId: string; consumerMasked: string; history: number[] }[];
}

/** The consumer a bill key names: `biller|values|` (the key without its bill number). */
export const consumerKeyOf = (line: { billKey: string; billNumber: string }) =>
  line.billKey.slice(0, line.billKey.length - line.billNumber.length);

const since = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

/** Paise as rupees for a reason an operator reads: 125000 → "₹1,250.00". */
export const rupees = (minor: number) =>
  `₹${(minor / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The rules checked when a checkout is made, over facts already read. A rule fires only when its
 * count is above its limit (a limit of 10 allows 10), and says so in words.
 */
export function checkoutHits(rules: RiskRules, facts: CheckoutFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  const { now } = facts;
  const velocity = rules.checkout_velocity;
  if (velocity.enabled) {
    const { maxCheckouts, windowMinutes } = velocity.params;
    const made = facts.recent.filter((p) => p.createdAt >= since(now, windowMinutes)).length;
    if (made > maxCheckouts) {
      hits.push({
        rule: velocity.id,
        action: velocity.action,
        reason: `${made} checkouts by this citizen in the last ${windowMinutes} minutes (the limit is ${maxCheckouts}).`,
      });
    }
  }
  const failures = rules.citizen_failures;
  if (failures.enabled) {
    const { maxFailures, windowMinutes } = failures.params;
    const failed = facts.recent.filter(
      (p) => p._id !== facts.paymentId && p.status === 'failed' && p.createdAt >= since(now, windowMinutes),
    ).length;
    if (failed > maxFailures) {
      hits.push({
        rule: failures.id,
        action: failures.action,
        reason: `${failed} failed payments by this citizen in the last ${windowMinutes} minutes (the limit is ${maxFailures}).`,
      });
    }
  }
  const spread = rules.new_account_consumers;
  if (spread.enabled) {
    const { maxConsumers, windowMinutes, newAccountMinutes } = spread.params;
    const isNew = facts.firstSeenAt >= since(now, newAccountMinutes);
    const consumers = new Set(
      facts.recent.filter((p) => p.createdAt >= since(now, windowMinutes)).flatMap((p) => p.consumers),
    );
    if (isNew && consumers.size > maxConsumers) {
      const ageMinutes = Math.floor((now.getTime() - facts.firstSeenAt.getTime()) / 60_000);
      hits.push({
        rule: spread.id,
        action: spread.action,
        reason:
          `An account first seen ${ageMinutes} minutes ago paid ${consumers.size} different consumers in the last ` +
          `${windowMinutes} minutes (the limit is ${maxConsumers} for accounts newer than ${newAccountMinutes} minutes).`,
      });
    }
  }
  const amount = rules.amount_above_history;
  if (amount.enabled) {
    const { multiplier, minHistory } = amount.params;
    for (const line of facts.lines) {
      if (line.history.length < minHistory) continue;
      const usual = median(line.history);
      if (line.amountMinor <= multiplier * usual) continue;
      hits.push({
        rule: amount.id,
        action: amount.action,
        reason:
          `${rupees(line.amountMinor)} for consumer ${line.consumerMasked} (${line.billerId}) is ` +
          `${(line.amountMinor / usual).toFixed(1)} times the median ${rupees(usual)} of its ` +
          `${line.history.length} settled payments (the limit is ${multiplier} times).`,
      });
    }
  }
  return hits;
}

/** The rules checked at capture: declines of the card the gateway says was used, across citizens. */
export function captureHits(rules: RiskRules, declines: number | undefined): RuleHit[] {
  const rule = rules.instrument_failures;
  if (!rule.enabled || declines === undefined || declines <= rule.params.maxFailures) return [];
  return [
    {
      rule: rule.id,
      action: rule.action,
      reason:
        `The card used was declined ${declines} times in the last ${rule.params.windowMinutes} minutes ` +
        `(the limit is ${rule.params.maxFailures}).`,
    },
  ];
}
