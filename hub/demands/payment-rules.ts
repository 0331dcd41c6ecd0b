import type { DemandStatus, EarlyDiscount, Instalment, LateFeeRule } from './demand-types.js';
import { OPEN_DEMAND_STATUSES } from './demand-types.js';
import { type InstalmentQuote, quoteInstalment } from './payable-amount.js';

/** What the payment rules read of a demand. */
export interface PayableDemand {
  status: DemandStatus;
  instalments: readonly Instalment[];
  lateFee?: LateFeeRule;
  earlyDiscount?: EarlyDiscount;
}

/**
 * Instalments are paid in order: a checkout pays the earliest open instalment, optionally with the
 * ones after it (any run that starts at the earliest open one: 1, or 1+2, or 1+2+3). Never a later
 * one before an earlier one: the oldest debt is cleared first (as a late fee keeps growing on it),
 * the provider's ledger has no holes, and the payer's choice is just "how many".
 * Returns the open instalments in that order; none when the demand is not payable (cancelled, paid).
 */
export function payableInstalments(demand: PayableDemand): Instalment[] {
  if (!OPEN_DEMAND_STATUSES.includes(demand.status)) return [];
  return demand.instalments.filter((i) => i.status === 'open').sort((a, b) => a.number - b.number);
}

/** What the payer would pay on `day` for the next `count` open instalments (default all), in order. */
export function quoteNext(demand: PayableDemand, day: string, count?: number): InstalmentQuote[] {
  return payableInstalments(demand)
    .slice(0, count)
    .map((i) => quoteInstalment(i, demand, day));
}

/** Why a payment of a demand is refused; each is final for that payment (it will be refunded). */
export type PaymentRefusal = 'not_payable' | 'out_of_order' | 'amount_mismatch';

export type PaymentCheck =
  | { ok: true; quotes: InstalmentQuote[]; totalMinor: number }
  | { ok: false; reason: PaymentRefusal; message: string; expectedMinor?: number };

/**
 * Checks a payment of `instalments` (their numbers) for `amountMinor` paise made on `day`: the
 * demand must be open or partly paid, the instalments must be the next ones in order (see
 * payableInstalments), and the amount must equal exactly what they cost on that day.
 */
export function checkPayment(
  demand: PayableDemand,
  payment: { instalments: readonly number[]; amountMinor: number },
  day: string,
): PaymentCheck {
  const open = payableInstalments(demand);
  if (open.length === 0) {
    return { ok: false, reason: 'not_payable', message: `a ${demand.status} demand cannot be paid` };
  }
  const wanted = [...payment.instalments].sort((a, b) => a - b);
  const next = open.slice(0, wanted.length).map((i) => i.number);
  if (wanted.length === 0 || wanted.length !== next.length || wanted.some((n, k) => n !== next[k])) {
    return {
      ok: false,
      reason: 'out_of_order',
      message: `instalments are paid in order: the next is ${open[0]?.number}; open are ${open.map((i) => i.number).join(', ')}`,
    };
  }
  const quotes = open.slice(0, wanted.length).map((i) => quoteInstalment(i, demand, day));
  const totalMinor = quotes.reduce((sum, q) => sum + q.payableMinor, 0);
  if (payment.amountMinor !== totalMinor) {
    return {
      ok: false,
      reason: 'amount_mismatch',
      message: `instalments ${wanted.join(', ')} cost ${totalMinor} paise on ${day}, not ${payment.amountMinor} paise`,
      expectedMinor: totalMinor,
    };
  }
  return { ok: true, quotes, totalMinor };
}

/**
 * The instalments after a checked payment (checkPayment's quotes): each one it pays becomes paid,
 * with what was paid for it (its payable amount that day), its late fee and discount, the payment
 * id and the day; the others are as they were.
 */
export function withPayment(
  instalments: readonly Instalment[],
  quotes: readonly InstalmentQuote[],
  paymentId: string,
  day: string,
): Instalment[] {
  return instalments.map((instalment) => {
    const quote = quotes.find((q) => q.number === instalment.number);
    if (!quote) return instalment;
    return {
      ...instalment,
      status: 'paid',
      paidMinor: quote.payableMinor,
      lateFeeMinor: quote.lateFeeMinor,
      discountMinor: quote.discountMinor,
      paymentId,
      paidOn: day,
    };
  });
}

/** The instalments an amount pays (their numbers, in order), or why it pays none; see instalmentsForAmount. */
export type InstalmentsForAmount =
  | { ok: true; instalments: number[] }
  | { ok: false; reason: PaymentRefusal; message: string };

/**
 * Which instalments an amount pays when a payer chose "how many" by amount (a bill's amount
 * options): the `n` next open instalments, starting at `first` (the instalment the bill named),
 * whose payable amounts on `day` add up to exactly `amountMinor`. The sums grow strictly with n
 * (every instalment costs at least 1 paisa), so at most one n fits. Refusals, each final:
 * `not_payable` (nothing open), `out_of_order` (`first` is not the next open instalment: paid
 * meanwhile, or a later one), `amount_mismatch` (no n fits; the message lists what 1..k cost).
 */
export function instalmentsForAmount(
  demand: PayableDemand,
  payment: { first: number; amountMinor: number },
  day: string,
): InstalmentsForAmount {
  const open = payableInstalments(demand);
  if (open.length === 0) {
    return { ok: false, reason: 'not_payable', message: `a ${demand.status} demand cannot be paid` };
  }
  if (open[0]?.number !== payment.first) {
    return {
      ok: false,
      reason: 'out_of_order',
      message: `instalments are paid in order: the next is ${open[0]?.number}, not ${payment.first}`,
    };
  }
  let sum = 0;
  const sums: number[] = [];
  for (const quote of quoteNext(demand, day)) {
    sum += quote.payableMinor;
    sums.push(sum);
    if (sum === payment.amountMinor) return { ok: true, instalments: open.slice(0, sums.length).map((i) => i.number) };
  }
  return {
    ok: false,
    reason: 'amount_mismatch',
    message: `${payment.amountMinor} paise pays no number of instalments on ${day}: ${sums
      .map((total, k) => `${k + 1} cost ${total}`)
      .join(', ')} paise`,
  };
}
