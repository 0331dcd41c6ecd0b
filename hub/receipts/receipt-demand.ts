import { BILLER_ID as DEMAND_BILLER_ID } from '../../adapters/payment-demands/mapping.js';
import type { Connection } from '../../infra/mongo.js';
import { type Demand, demandModel } from '../demands/index.js';

/** One instalment a receipt line paid: its base amount, late fee and discount (paise) and due date. */
export interface ReceiptInstalment {
  number: number;
  dueDate: string;
  amountMinor: number;
  lateFeeMinor: number;
  discountMinor: number;
}

/** One line item of the demand with its GST components (paise), as the provider stated it. */
export interface ReceiptDemandItem {
  description: string;
  /** Taxable value before tax. */
  amountMinor: number;
  taxes: { name: string; amountMinor: number }[];
  totalMinor: number;
}

/**
 * What a receipt line that paid a payment demand records of it (issue 11), so the receipt says
 * what was paid and to whom: the provider, the title, the reference (not a secret consumer number:
 * it is printed on the demand's SMS), the instalments paid, the demand's line items with their tax
 * breakup, and what was left to pay when the receipt was issued. Paise; days YYYY-MM-DD (IST).
 */
export interface ReceiptDemand {
  reference: string;
  providerName: string;
  title: string;
  instalments: ReceiptInstalment[];
  instalmentCount: number;
  /** The whole demand's total, which its items (and their taxes) add up to. */
  totalMinor: number;
  items: ReceiptDemandItem[];
  /** The open instalments after this payment: count, amount before fees or discounts, next due date. */
  remaining: { count: number; amountMinor: number; nextDueDate?: string };
}

/** The demand facts of a payment of `numbers` (instalment numbers) of `demand`, as it stands now. */
export function receiptDemandOf(demand: Demand, numbers: readonly number[]): ReceiptDemand {
  const open = demand.instalments.filter((i) => i.status === 'open').sort((a, b) => a.number - b.number);
  return {
    reference: demand.reference,
    providerName: demand.providerName ?? demand.providerId,
    title: demand.title,
    instalments: demand.instalments
      .filter((i) => numbers.includes(i.number))
      .sort((a, b) => a.number - b.number)
      .map((i) => ({
        number: i.number,
        dueDate: i.dueDate,
        amountMinor: i.amountMinor,
        lateFeeMinor: i.lateFeeMinor ?? 0,
        discountMinor: i.discountMinor ?? 0,
      })),
    instalmentCount: demand.instalments.length,
    totalMinor: demand.totalMinor,
    items: demand.lines.map((line) => ({
      description: line.description,
      amountMinor: line.amountMinor,
      taxes: line.taxes.map(({ name, amountMinor }) => ({ name, amountMinor })),
      totalMinor: line.totalMinor,
    })),
    remaining: {
      count: open.length,
      amountMinor: open.reduce((sum, i) => sum + i.amountMinor, 0),
      ...(open[0] ? { nextDueDate: open[0].dueDate } : {}),
    },
  };
}

/** The demand reference in a demand line's bill number (`DM-7K2QX-9ZT4M-R/2` -> `DM-7K2QX-9ZT4M-R`). */
export const demandReferenceOf = (billNumber: string): string => billNumber.replace(/\/\d+$/, '');

/**
 * Whether a receipt line paid a payment demand: a checkout line of the payment-demands biller,
 * or a wallet transfer's line (`demand:<provider>`, hub/wallet/wallet-receipt.ts).
 */
export const isDemandLine = (line: { billerId: string }): boolean =>
  line.billerId === DEMAND_BILLER_ID || line.billerId.startsWith('demand:');

/**
 * The demand facts of a checkout line of the payment-demands biller: the demand its bill number
 * names, and the instalments its posting (the line's reference) recorded on it. Undefined for any
 * other line, or a demand not found (the receipt then shows the line as the biller gave it).
 */
export async function checkoutLineDemand(
  conn: Connection,
  line: { billerId: string; billNumber: string; reference: string },
): Promise<ReceiptDemand | undefined> {
  if (line.billerId !== DEMAND_BILLER_ID) return undefined;
  const model = demandModel(conn);
  const demand = await model
    .findOne({ reference: demandReferenceOf(line.billNumber), live: true })
    .lean<Demand>()
    .exec();
  if (!demand) return undefined;
  const posted = demand.payments.find((p) => p.paymentId === line.reference);
  const first = Number(/\/(\d+)$/.exec(line.billNumber)?.[1] ?? 0);
  return receiptDemandOf(demand, posted?.instalments ?? [first]);
}
