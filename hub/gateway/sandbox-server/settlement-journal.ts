import type { SandboxEvent } from './bodies.js';

/** India Standard Time is UTC+05:30 all year: a report day is an IST calendar day. */
const IST_OFFSET_MS = 330 * 60_000;
const istDateOf = (iso: string) => new Date(Date.parse(iso) + IST_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The merchant discount rate per method, in basis points of the captured amount: 1.8% on cards,
 * 1.2% on net banking, 1.5% on wallets, nothing on UPI (zero MDR on UPI, as in India). A method
 * the sandbox does not know pays the card rate.
 */
export const MDR_BPS: Readonly<Record<string, number>> = { card: 180, netbanking: 120, wallet: 150, upi: 0 };

/**
 * The fee on a capture in integer paise: amount × bps / 10,000 rounded half up (0.5 paise and
 * above is a paisa), in BigInt so no amount can lose precision. Refunds return no fee.
 */
export function mdrFee(amountMinor: number, method: string | undefined): number {
  const bps = BigInt(MDR_BPS[method ?? ''] ?? MDR_BPS.card ?? 0);
  return Number((BigInt(amountMinor) * bps + 5_000n) / 10_000n);
}

/** One order's money movements on one report day. */
export interface SettlementRow {
  orderId: string;
  /** The merchant's reference given at order creation: the hub's payment id. */
  merchantRef: string;
  method: string | null;
  currency: string;
  /** Captured on this day, in paise. */
  capturedMinor: number;
  /** Refunded on this day, in paise. */
  refundedMinor: number;
  /** The MDR on this day's capture. */
  feeMinor: number;
  /** What the gateway pays out for this order on this day: captured − refunded − fee (negative when it deducts). */
  netMinor: number;
}

export interface SettlementReport {
  date: string;
  rows: SettlementRow[];
  totals: { capturedMinor: number; refundedMinor: number; feeMinor: number; netMinor: number };
}

interface Movement {
  at: string;
  orderId: string;
  merchantRef: string;
  method: string | null;
  currency: string;
  amountMinor: number;
}

/**
 * The gateway's own record of money moved, fed by the events it emits: each capture once per
 * order, each refund once per refund id, so a replayed or re-sent event changes nothing. The
 * daily settlement report is read from it.
 */
export class SettlementJournal {
  private readonly captures = new Map<string, Movement>();
  private readonly refunds = new Map<string, Movement>();

  observe(event: SandboxEvent): void {
    const { order, refund } = event.data;
    const base = { orderId: order.id, merchantRef: order.merchantRef, method: order.method, currency: order.currency };
    if (event.type === 'order.captured' && !this.captures.has(order.id)) {
      this.captures.set(order.id, { ...base, at: event.createdAt, amountMinor: order.amountCaptured });
    }
    if (event.type === 'refund.succeeded' && refund && !this.refunds.has(refund.id)) {
      this.refunds.set(refund.id, { ...base, at: refund.createdAt, amountMinor: refund.amount });
    }
  }

  /** The report of one IST day (YYYY-MM-DD): one row per order that moved money that day. */
  report(date: string): SettlementReport {
    const rows = new Map<string, SettlementRow>();
    const rowOf = (m: Movement) => {
      let row = rows.get(m.orderId);
      if (!row) {
        row = {
          orderId: m.orderId,
          merchantRef: m.merchantRef,
          method: m.method,
          currency: m.currency,
          capturedMinor: 0,
          refundedMinor: 0,
          feeMinor: 0,
          netMinor: 0,
        };
        rows.set(m.orderId, row);
      }
      return row;
    };
    for (const m of this.captures.values()) {
      if (istDateOf(m.at) !== date) continue;
      const row = rowOf(m);
      row.capturedMinor += m.amountMinor;
      row.feeMinor += mdrFee(m.amountMinor, m.method ?? undefined);
    }
    for (const m of this.refunds.values()) if (istDateOf(m.at) === date) rowOf(m).refundedMinor += m.amountMinor;
    const list = [...rows.values()].map((row) => ({
      ...row,
      netMinor: row.capturedMinor - row.refundedMinor - row.feeMinor,
    }));
    const sum = (pick: (row: SettlementRow) => number) => list.reduce((total, row) => total + pick(row), 0);
    return {
      date,
      rows: list,
      totals: {
        capturedMinor: sum((r) => r.capturedMinor),
        refundedMinor: sum((r) => r.refundedMinor),
        feeMinor: sum((r) => r.feeMinor),
        netMinor: sum((r) => r.netMinor),
      },
    };
  }
}
