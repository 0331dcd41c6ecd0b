import type { Connection } from 'mongoose';
import type { SandboxUrls } from './faults.js';

/** What of a payment document the checker reads (read-only). */
export interface StoredPayment {
  _id: string;
  status: string;
  totalMinor: number;
  gateway?: { orderId?: string; capturedMinor?: number };
  lines: {
    _id: string;
    billerId: string;
    billKey?: string;
    consumer: Record<string, string>;
    billNumber: string;
    amountMinor: number;
    reference: string;
    status: string;
    refundKey?: string;
  }[];
  timeline: { event: string; to?: string; lineId?: string }[];
  updatedAt: Date;
}

type StoredLine = StoredPayment['lines'][number];

/** The kinds of violation; each names the invariant it breaks. */
export const VIOLATIONS = {
  settled_and_refunded: 'a line was accepted by its biller and also refunded to the citizen',
  refunded_twice: 'a line was refunded more than once',
  paid_out_more_than_captured: "an order's postings and refunds exceed what the gateway captured",
  captured_not_accounted: 'captured money neither settled nor refunded, and not explained by an unknown/held state',
  captured_without_payment: 'the gateway captured an order the hub has no payment for',
  posted_without_capture: 'a biller accepted a line of a payment whose order was never captured',
  bill_paid_twice: 'one bill was accepted by its biller under two references',
  payment_not_final: 'a captured payment is still captured/settling after the run, with no unknown or held line',
  hub_settled_not_at_biller: 'the hub says settled but the biller has no accepted posting',
  hub_refunded_not_at_gateway: 'the hub says refunded but the gateway made no refund for the line',
  ledger_check_failed: '`npm run ledger:check` did not say the ledger is OK',
  partial_capture_not_held: 'a capture of part of the total did not leave its payment held for an operator',
  recon_case_unexplained: 'reconciliation left a case open that no planned fault explains',
  receipt_mismatch:
    'a final payment has no stored receipt, one under another number or that contradicts it, or its message is not recorded; or a payment that is not final has a receipt',
  repeat_bill_not_refused:
    'a checkout for a bill whose earlier payment the gateway captured was accepted, not refused with 409',
} as const;
export type ViolationKind = keyof typeof VIOLATIONS;

export interface Violation {
  kind: ViolationKind;
  paymentId?: string;
  lineId?: string;
  detail: string;
}

export interface GatewayOrder {
  id: string;
  merchantRef: string;
  status: string;
  amount: number;
  amountCaptured: number;
  amountRefunded: number;
}

export interface GatewayRefund {
  orderId: string;
  key: string;
  refundId: string;
  amountMinor: number;
}

interface Posting {
  count: number;
  state?: 'accepted' | 'pending' | 'rejected';
  amountMinor?: number;
}

export interface CheckResult {
  violations: Violation[];
  counts: {
    payments: number;
    paymentsByStatus: Record<string, number>;
    lines: number;
    ordersCaptured: number;
    /** By what the biller and gateway say (not the hub). */
    linesSettledAtBiller: number;
    linesRefundedAtGateway: number;
    /** By the hub's line status. */
    linesByStatus: Record<string, number>;
    linesUnknown: number;
    linesHeld: number;
    /** Lines that were unknown at some point and are now settled, failed or refunded. */
    unknownResolved: number;
    /** Postings the biller still holds pending (accepted later, counted as settled). */
    postingsStillPending: number;
  };
}

const TIMEOUT_MS = 10_000;

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return out;
}

export const readPayments = (conn: Connection) =>
  conn.getClient().db(conn.name).collection<StoredPayment>('payments').find({}).toArray();

/** One stored payment by id, or null. */
export const readPayment = (conn: Connection, id: string) =>
  conn.getClient().db(conn.name).collection<StoredPayment>('payments').findOne({ _id: id });

const bump = (map: Record<string, number>, key: string) => {
  map[key] = (map[key] ?? 0) + 1;
};

/**
 * Checks the money after a run against the outside world, not the hub's word: the gateway's
 * orders (GET /v1/orders/:id for every order the citizens were sent to, and every order the hub
 * knows), its refunds by idempotency key (GET /__sandbox/refunds) and each biller's postings by
 * the line's reference (GET /__sandbox/postings). The hub's payments are read only to map
 * orders to lines and to see which lines it says are unknown or held.
 */
export async function checkMoney(
  conn: Connection,
  urls: SandboxUrls,
  gatewayApiKey: string,
  drivenOrderIds: string[],
  ledgerOk: boolean | undefined,
): Promise<CheckResult> {
  const violations: Violation[] = [];
  const payments = await readPayments(conn);
  const byId = new Map(payments.map((p) => [p._id, p]));
  const byOrder = new Map(payments.flatMap((p) => (p.gateway?.orderId ? [[p.gateway.orderId, p] as const] : [])));
  const orderIds = [...new Set([...drivenOrderIds, ...payments.flatMap((p) => p.gateway?.orderId ?? [])])];
  const auth = { authorization: `Bearer ${gatewayApiKey}` };
  const orders = await inBatches(orderIds, 16, (id) =>
    getJson<GatewayOrder>(`${urls.gateway}/v1/orders/${encodeURIComponent(id)}`, auth),
  );
  const { refunds } = await getJson<{ refunds: GatewayRefund[] }>(`${urls.gateway}/__sandbox/refunds`);
  const lines = payments.flatMap((payment) => payment.lines.map((line) => ({ payment, line })));
  const postings = new Map<string, Posting>();
  await inBatches(lines, 16, async ({ line }) => {
    const base = urls.billers[line.billerId];
    if (!base) return;
    postings.set(
      line.reference,
      await getJson<Posting>(`${base}/__sandbox/postings?reference=${encodeURIComponent(line.reference)}`),
    );
  });
  const taken = (line: StoredLine) => {
    const state = postings.get(line.reference)?.state;
    return state === 'accepted' || state === 'pending';
  };
  const isLineRefund = (refund: GatewayRefund, line: StoredLine) =>
    refund.key === line.refundKey || refund.key.startsWith(line._id);

  const counts: CheckResult['counts'] = {
    payments: payments.length,
    paymentsByStatus: {},
    lines: lines.length,
    ordersCaptured: 0,
    linesSettledAtBiller: 0,
    linesRefundedAtGateway: 0,
    linesByStatus: {},
    linesUnknown: 0,
    linesHeld: 0,
    unknownResolved: 0,
    postingsStillPending: 0,
  };
  for (const payment of payments) {
    bump(counts.paymentsByStatus, payment.status);
    for (const line of payment.lines) {
      bump(counts.linesByStatus, line.status);
      if (line.status === 'unknown') counts.linesUnknown++;
      if (line.status === 'held') counts.linesHeld++;
      const wasUnknown = payment.timeline.some((e) => e.lineId === line._id && e.to === 'unknown');
      if (wasUnknown && ['settled', 'failed', 'refunding', 'refunded'].includes(line.status)) counts.unknownResolved++;
      if (postings.get(line.reference)?.state === 'pending') counts.postingsStillPending++;
      if (taken(line)) counts.linesSettledAtBiller++;
    }
  }

  for (const order of orders) {
    const payment = byOrder.get(order.id) ?? byId.get(order.merchantRef);
    const captured = order.status === 'captured';
    if (!payment) {
      if (captured) {
        violations.push({ kind: 'captured_without_payment', detail: `order ${order.id} (${order.merchantRef})` });
      }
      continue;
    }
    if (!captured) {
      for (const line of payment.lines.filter(taken)) {
        violations.push({
          kind: 'posted_without_capture',
          paymentId: payment._id,
          lineId: line._id,
          detail: `order ${order.id} is ${order.status}`,
        });
      }
      continue;
    }
    counts.ordersCaptured++;
    const held = payment.status === 'held';
    let outMinor = 0;
    const orderRefunds = refunds.filter((r) => r.orderId === order.id);
    // Refunds under a key of no line (e.g. the whole capture of a held payment) cover lines that
    // went neither to their biller nor got a refund of their own, in turn, while they last.
    let unkeyedMinor = orderRefunds
      .filter((r) => !payment.lines.some((line) => isLineRefund(r, line)))
      .reduce((sum, r) => sum + r.amountMinor, 0);
    for (const line of payment.lines) {
      const atBiller = taken(line);
      const lineRefunds = orderRefunds.filter((r) => isLineRefund(r, line));
      if (!atBiller && lineRefunds.length === 0 && unkeyedMinor >= line.amountMinor) {
        unkeyedMinor -= line.amountMinor;
        lineRefunds.push({
          orderId: order.id,
          key: '(order-level refund)',
          refundId: '',
          amountMinor: line.amountMinor,
        });
      }
      if (atBiller) outMinor += line.amountMinor;
      if (lineRefunds.length > 0) counts.linesRefundedAtGateway++;
      const at = { paymentId: payment._id, lineId: line._id };
      if (atBiller && lineRefunds.length > 0) {
        violations.push({
          kind: 'settled_and_refunded',
          ...at,
          detail: `biller ${line.billerId} has ${line.reference} ${postings.get(line.reference)?.state}; hub line ${line.status}`,
        });
      }
      if (lineRefunds.length > 1) {
        violations.push({ kind: 'refunded_twice', ...at, detail: `${lineRefunds.length} refunds` });
      }
      const explained = held || line.status === 'unknown' || line.status === 'held';
      if (!atBiller && lineRefunds.length === 0 && !explained) {
        violations.push({
          kind: 'captured_not_accounted',
          ...at,
          detail: `payment ${payment.status}, line ${line.status}, biller ${postings.get(line.reference)?.state ?? 'no posting'}`,
        });
      }
      if (line.status === 'settled' && !atBiller) {
        violations.push({ kind: 'hub_settled_not_at_biller', ...at, detail: line.reference });
      }
      if (line.status === 'refunded' && lineRefunds.length === 0) {
        violations.push({ kind: 'hub_refunded_not_at_gateway', ...at, detail: `order ${order.id}` });
      }
    }
    outMinor += order.amountRefunded;
    if (outMinor > order.amountCaptured) {
      violations.push({
        kind: 'paid_out_more_than_captured',
        paymentId: payment._id,
        detail: `captured ${order.amountCaptured} of ${order.amount}, paid out ${outMinor} (refunded ${order.amountRefunded})`,
      });
    }
    const open = payment.lines.some((line) => line.status === 'unknown' || line.status === 'held');
    if ((payment.status === 'captured' || payment.status === 'settling') && !open) {
      violations.push({ kind: 'payment_not_final', paymentId: payment._id, detail: `status ${payment.status}` });
    }
  }

  // One bill, accepted under more than one reference, across all payments.
  const acceptedByBill = new Map<string, string[]>();
  for (const { line } of lines) {
    if (!taken(line)) continue;
    const key = line.billKey ?? `${line.billerId}|${Object.values(line.consumer).join('|')}|${line.billNumber}`;
    acceptedByBill.set(key, [...(acceptedByBill.get(key) ?? []), line.reference]);
  }
  for (const [bill, references] of acceptedByBill) {
    if (references.length > 1) {
      violations.push({ kind: 'bill_paid_twice', detail: `${bill}: ${references.join(', ')}` });
    }
  }
  if (ledgerOk === false) violations.push({ kind: 'ledger_check_failed', detail: 'see the ledger:check output' });
  return { violations, counts };
}
