import type { RiskMarks } from '../risk/risk-state.js';
import type { Payment, TimelineEntry } from './payment-model.js';
import { expiryGuard, LINE, type LineChanges, lineSet, type PaymentChanges, paymentSet } from './payment-updates.js';
import { assertLineTransition, assertPaymentTransition, finalPaymentStatus } from './state-machine.js';

// Moves of the state machine made in one conditional update, where the second always follows the
// first on the happy path: each move is still checked against the transitions table, gets its
// own timeline entry, and the filter names every status the update relies on.

/** A conditional update of one payment: its filter, its update and the lines its arrayFilters name (if any). */
export interface FoldedMove {
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
  arrayFilters?: Record<string, unknown>[];
}

/**
 * `created → awaiting_payment` with the gateway order recorded and the checkout's flag-only risk
 * marks written in the same update (what RiskCheck.recordMarks would write: the flags, their
 * timeline entries, `risk.flaggedAt`). The filter is transitionPayment's (created, not lapsed) and
 * the marks' once-per-stage guard. Throws TypeError for marks that open a review: those are
 * recorded before the gateway order is made (RiskCheck.checkCheckout), never folded.
 */
export function openWithFlags(
  paymentId: string,
  gateway: NonNullable<PaymentChanges['gateway']>,
  flags: RiskMarks,
  event: string,
  now: Date,
): FoldedMove {
  assertPaymentTransition(['created'], 'awaiting_payment');
  if (flags.review) throw new TypeError('a review is opened before the gateway order, not with it');
  const entry: TimelineEntry = { at: now, event, from: 'created', to: 'awaiting_payment' };
  return {
    filter: {
      _id: paymentId,
      status: 'created',
      ...expiryGuard('awaiting_payment', now),
      'risk.flags.stage': { $ne: flags.stage },
    },
    update: {
      $set: { ...paymentSet({ gateway }), status: 'awaiting_payment', 'risk.flaggedAt': flags.at },
      $push: { timeline: { $each: [entry, ...flags.timeline] }, 'risk.flags': { $each: flags.flags } },
    },
  };
}

/**
 * `awaiting_payment → captured → settling` in one update, with every line `payment` shows pending
 * moved to `posting` and its first posting attempt counted (as PaymentStore.startSettling does).
 * The filter requires the payment awaiting payment and each of those lines pending still, so the
 * timeline never claims a move that did not happen. Undefined when the payment has no pending line
 * (nothing to fold: the caller takes the two-step path).
 */
export function captureAndStartSettling(
  payment: Pick<Payment, '_id' | 'lines'>,
  gateway: NonNullable<PaymentChanges['gateway']>,
  events: { captured: string; settling: string },
  now: Date,
): FoldedMove | undefined {
  assertPaymentTransition(['awaiting_payment'], 'captured');
  assertPaymentTransition(['captured'], 'settling');
  assertLineTransition(['pending'], 'posting');
  const pending = payment.lines.filter((line) => line.status === 'pending').map((line) => line._id);
  if (pending.length === 0) return undefined;
  const entries: TimelineEntry[] = [
    { at: now, event: events.captured, from: 'awaiting_payment', to: 'captured' },
    { at: now, event: events.settling, from: 'captured', to: 'settling' },
    ...pending.map(
      (lineId): TimelineEntry => ({ at: now, event: 'settlement.posting', from: 'pending', to: 'posting', lineId }),
    ),
  ];
  return {
    filter: {
      _id: payment._id,
      status: 'awaiting_payment',
      $and: pending.map((lineId) => ({ lines: { $elemMatch: { _id: lineId, status: 'pending' } } })),
    },
    update: {
      $set: {
        ...paymentSet({ gateway }),
        status: 'settling',
        [`lines.$[${LINE}].status`]: 'posting',
        [`lines.$[${LINE}].changedAt`]: now,
      },
      $inc: { [`lines.$[${LINE}].attempts`]: 1 },
      $push: { timeline: { $each: entries } },
    },
    arrayFilters: [{ [`${LINE}._id`]: { $in: pending }, [`${LINE}.status`]: 'pending' }],
  };
}

/** A line its biller accepted, and what its `posting → settled` records (see postLine in hub/settlement). */
export interface AcceptedLine {
  lineId: string;
  changes: Pick<LineChanges, 'billerReference' | 'billerStatus'>;
}

/**
 * `posting → settled` of every line in `accepted` in one update, each with its own biller fields
 * and timeline entry; when that leaves every line of the payment final, also `settling →` its final
 * status (as settleCompletion would). Lines are named by their index in `payment` (read before the
 * posts), and the filter pins each one's id and `posting` status there, and the payment settling:
 * lines are never added or removed, and the other lines it counts as final cannot move again.
 * Throws TypeError for a line `payment` does not show posting (a caller bug).
 */
export function settleAcceptedLines(
  payment: Pick<Payment, '_id' | 'status' | 'lines'>,
  accepted: readonly AcceptedLine[],
  now: Date,
): FoldedMove {
  assertLineTransition(['posting'], 'settled');
  const filter: Record<string, unknown> = { _id: payment._id, status: 'settling' };
  const set: Record<string, unknown> = {};
  const entries: TimelineEntry[] = [];
  const settledIds = new Set<string>();
  for (const { lineId, changes } of accepted) {
    const index = payment.lines.findIndex((line) => line._id === lineId);
    if (index < 0 || payment.lines[index]?.status !== 'posting') throw new TypeError(`line ${lineId} is not posting`);
    const path = `lines.${index}`;
    filter[`${path}._id`] = lineId;
    filter[`${path}.status`] = 'posting';
    Object.assign(set, lineSet(changes, path), { [`${path}.status`]: 'settled', [`${path}.changedAt`]: now });
    entries.push({ at: now, event: 'settlement.settled', from: 'posting', to: 'settled', lineId });
    settledIds.add(lineId);
  }
  const final = finalPaymentStatus(
    payment.lines.map((line) => (settledIds.has(line._id) ? { status: 'settled' as const } : line)),
  );
  if (final) {
    assertPaymentTransition(['settling'], final);
    set.status = final;
    entries.push({ at: now, event: `payment.${final}`, from: 'settling', to: final });
  }
  return { filter, update: { $set: set, $push: { timeline: { $each: entries } } } };
}
