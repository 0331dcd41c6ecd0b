import type { Connection } from '../../infra/mongo.js';
import { type Payment, type PaymentLine, paymentModel } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import { type Distribution, distributionOf, ratio } from './distribution.js';
import { type BillerLabels, type MethodLabel, methodLabel } from './labels.js';
import { inWindow, type WindowBounds } from './windows.js';

/**
 * What became of the lines of the payments started in a window, as they stand now. Every line is
 * in exactly one of these.
 */
export interface LineOutcomes {
  /** Settled at the biller (a success). */
  settled: number;
  /** Refused by the biller and refunded. */
  refunded: number;
  /** Refused by the biller, refund not made yet: failed, refunding, or held (the gateway refused the refund). */
  refundPending: number;
  /** Outcome unknown now (the biller neither accepted nor refused): resolved by status enquiry. */
  unknown: number;
  /** Captured and on its way to the biller (pending, posting). */
  inFlight: number;
  /** The gateway reported the payment failed: no money taken. */
  declined: number;
  /** The payment is held: its capture did not match it, an operator decides. */
  held: number;
  /** The checkout expired unpaid (the citizen did not finish). */
  abandoned: number;
  /** A newer checkout for one of its bills superseded the payment. */
  cancelled: number;
  /** The checkout is still open (created, awaiting payment). */
  open: number;
}

export type LineOutcome = keyof LineOutcomes;

/** The payment metrics of one group of lines (a biller and a method, or all of them). */
export interface PaymentGroupMetrics {
  /** `*` in the totals. */
  billerId: string;
  /** `*` in the totals. */
  method: MethodLabel | '*';
  lines: number;
  outcomes: LineOutcomes;
  /** Lines whose payment the gateway captured (the base of the refund and unknown rates). */
  captured: number;
  /** Captured lines whose outcome was unknown at some time (resolved since or not). */
  wentUnknown: number;
  /** Paise: captured, settled at billers, refunded to citizens (these lines' amounts). */
  capturedMinor: number;
  settledMinor: number;
  refundedMinor: number;
  /**
   * settled / decided lines, decided = settled + refunded + refundPending + declined + held: the
   * share of payments that reached a decision which paid the bill. Lines still open, in flight or
   * unknown are not decided yet; abandoned and cancelled checkouts were never attempted at the
   * gateway. null when nothing was decided.
   */
  successRate: number | null;
  /** (refunded + refundPending) / captured: the share of captured lines refunded or being refunded. */
  refundRate: number | null;
  /** wentUnknown / captured: how often a biller's answer was ambiguous. */
  unknownRate: number | null;
  /** Seconds from the payment's capture to the line's settlement, over its settled lines. */
  captureToSettled: Distribution;
}

/** The unknown lines open now, whenever their payment was made (not windowed: an old one matters most). */
export interface OpenUnknowns {
  /** `*` in the totals. */
  billerId: string;
  count: number;
  /** Seconds since each line last changed status (became unknown); null when count is 0. */
  oldestAgeSeconds: number | null;
  averageAgeSeconds: number | null;
}

const emptyOutcomes = (): LineOutcomes => ({
  settled: 0,
  refunded: 0,
  refundPending: 0,
  unknown: 0,
  inFlight: 0,
  declined: 0,
  held: 0,
  abandoned: 0,
  cancelled: 0,
  open: 0,
});

/** Which outcome a line is in, from its payment's and its own status. */
export function lineOutcome(payment: Pick<Payment, 'status'>, line: Pick<PaymentLine, 'status'>): LineOutcome {
  switch (payment.status) {
    case 'created':
    case 'awaiting_payment':
      return 'open';
    case 'failed':
      return 'declined';
    case 'expired':
      return 'abandoned';
    case 'cancelled':
      return 'cancelled';
    case 'held':
      return 'held';
    default:
      break;
  }
  switch (line.status) {
    case 'settled':
      return 'settled';
    case 'refunded':
      return 'refunded';
    case 'failed':
    case 'refunding':
    case 'held':
      return 'refundPending';
    case 'unknown':
      return 'unknown';
    default:
      return 'inFlight';
  }
}

/** When the gateway captured the payment (its last move to captured), as post-line's paidAt reads it. */
function capturedAt(payment: Pick<Payment, 'timeline'>): Date | undefined {
  return payment.timeline.findLast((entry) => entry.to === 'captured')?.at;
}

/** When the line was settled (its last move to settled). */
function settledAt(payment: Pick<Payment, 'timeline'>, lineId: string): Date | undefined {
  return payment.timeline.findLast((entry) => entry.lineId === lineId && entry.to === 'settled')?.at;
}

/** Seconds from capture to this line's settlement, or undefined when either is not recorded. */
export function captureToSettledSeconds(payment: Pick<Payment, 'timeline'>, lineId: string): number | undefined {
  const from = capturedAt(payment);
  const to = settledAt(payment, lineId);
  if (!from || !to) return undefined;
  return Math.max(0, (new Date(to).getTime() - new Date(from).getTime()) / 1000);
}

class GroupAccumulator {
  lines = 0;
  outcomes = emptyOutcomes();
  captured = 0;
  wentUnknown = 0;
  capturedMinor = 0;
  settledMinor = 0;
  refundedMinor = 0;
  settleSeconds: number[] = [];

  constructor(
    readonly billerId: string,
    readonly method: MethodLabel | '*',
  ) {}

  add(payment: Payment, line: PaymentLine): void {
    const outcome = lineOutcome(payment, line);
    this.lines += 1;
    this.outcomes[outcome] += 1;
    if (CAPTURED_STATUSES.includes(payment.status)) {
      this.captured += 1;
      this.capturedMinor += line.amountMinor;
      if (payment.timeline.some((e) => e.lineId === line._id && e.to === 'unknown')) this.wentUnknown += 1;
    }
    if (outcome === 'settled') {
      this.settledMinor += line.amountMinor;
      const seconds = captureToSettledSeconds(payment, line._id);
      if (seconds !== undefined) this.settleSeconds.push(seconds);
    }
    if (outcome === 'refunded') this.refundedMinor += line.amountMinor;
  }

  result(): PaymentGroupMetrics {
    const o = this.outcomes;
    const decided = o.settled + o.refunded + o.refundPending + o.declined + o.held;
    return {
      billerId: this.billerId,
      method: this.method,
      lines: this.lines,
      outcomes: { ...o },
      captured: this.captured,
      wentUnknown: this.wentUnknown,
      capturedMinor: this.capturedMinor,
      settledMinor: this.settledMinor,
      refundedMinor: this.refundedMinor,
      successRate: ratio(o.settled, decided),
      refundRate: ratio(o.refunded + o.refundPending, this.captured),
      unknownRate: ratio(this.wentUnknown, this.captured),
      captureToSettled: distributionOf(this.settleSeconds),
    };
  }
}

/** The payment metrics of one window: all lines, and by biller and method (sorted by biller, then method). */
export interface PaymentWindowMetrics {
  totals: PaymentGroupMetrics;
  byBillerAndMethod: PaymentGroupMetrics[];
}

/** Accumulates lines into the windows that hold their payment's createdAt. */
class PaymentWindows {
  private readonly totals = new Map<string, GroupAccumulator>();
  private readonly groups = new Map<string, Map<string, GroupAccumulator>>();

  constructor(
    private readonly windows: readonly WindowBounds[],
    private readonly billers: BillerLabels,
  ) {
    for (const w of windows) {
      this.totals.set(w.window, new GroupAccumulator('*', '*'));
      this.groups.set(w.window, new Map());
    }
  }

  add(payment: Payment): void {
    const method = methodLabel(payment.gateway?.method);
    for (const w of this.windows) {
      if (!inWindow(w, new Date(payment.createdAt))) continue;
      const groups = this.groups.get(w.window) as Map<string, GroupAccumulator>;
      for (const line of payment.lines) {
        const billerId = this.billers.of(line.billerId);
        const key = `${billerId}\u0000${method}`;
        const group = groups.get(key) ?? new GroupAccumulator(billerId, method);
        groups.set(key, group);
        group.add(payment, line);
        this.totals.get(w.window)?.add(payment, line);
      }
    }
  }

  result(window: string): PaymentWindowMetrics {
    const groups = [...(this.groups.get(window)?.values() ?? [])].map((g) => g.result());
    groups.sort((a, b) => a.billerId.localeCompare(b.billerId) || a.method.localeCompare(b.method));
    return {
      totals: (this.totals.get(window) ?? new GroupAccumulator('*', '*')).result(),
      byBillerAndMethod: groups,
    };
  }
}

const PAYMENT_FIELDS = { status: 1, createdAt: 1, 'gateway.method': 1, lines: 1, timeline: 1 } as const;

/**
 * The payment metrics of each window, from one read of the payments made in the widest of them
 * (a cursor: the payments are not all held in memory at once, only the per-group sums).
 */
export async function paymentWindowMetrics(
  conn: Connection,
  windows: readonly WindowBounds[],
  billers: BillerLabels,
): Promise<Map<string, PaymentWindowMetrics>> {
  const acc = new PaymentWindows(windows, billers);
  if (windows.length > 0) {
    const from = new Date(Math.min(...windows.map((w) => w.from.getTime())));
    const to = new Date(Math.max(...windows.map((w) => w.to.getTime())));
    const cursor = paymentModel(conn)
      .find({ createdAt: { $gte: from, $lt: to } }, PAYMENT_FIELDS)
      .lean<Payment>()
      .cursor({ batchSize: 500 });
    for await (const payment of cursor) acc.add(payment as Payment);
  }
  return new Map(windows.map((w) => [w.window, acc.result(w.window)]));
}

/** The open unknown lines now, in all and by biller (sorted by biller id), with their ages at `now`. */
export async function openUnknowns(
  conn: Connection,
  now: Date,
  billers: BillerLabels,
): Promise<{ totals: OpenUnknowns; byBiller: OpenUnknowns[] }> {
  // Lines move only while their payment is captured or settling, so an unknown line is in one of those.
  const payments = await paymentModel(conn)
    .find({ status: { $in: ['captured', 'settling'] }, 'lines.status': 'unknown' }, { lines: 1 })
    .lean<Payment[]>()
    .exec();
  const ages = new Map<string, number[]>();
  const all: number[] = [];
  for (const payment of payments) {
    for (const line of payment.lines) {
      if (line.status !== 'unknown') continue;
      const age = Math.max(0, (now.getTime() - new Date(line.changedAt).getTime()) / 1000);
      const billerId = billers.of(line.billerId);
      ages.set(billerId, [...(ages.get(billerId) ?? []), age]);
      all.push(age);
    }
  }
  const summary = (billerId: string, values: number[]): OpenUnknowns => ({
    billerId,
    count: values.length,
    oldestAgeSeconds: values.length ? Math.max(...values) : null,
    averageAgeSeconds: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
  });
  return {
    totals: summary('*', all),
    byBiller: [...ages].sort(([a], [b]) => a.localeCompare(b)).map(([id, values]) => summary(id, values)),
  };
}
