import type { CollectionEntry } from '../../adapters/sdk/contract.js';

/**
 * What reconciliation reads from outside the hub. Every source here publishes one report per
 * IST day (YYYY-MM-DD); the sandbox gateway and sandbox billers implement them, and a real
 * gateway or biller plugs in behind the same calls.
 */

/** One order's money movements on one day, as the gateway's settlement report lists them. Integer paise. */
export interface GatewaySettlementRow {
  orderId: string;
  /** The hub's payment id, given to the gateway as the order's merchant reference. */
  paymentId: string;
  method: string | null;
  currency: string;
  capturedMinor: number;
  refundedMinor: number;
  feeMinor: number;
  netMinor: number;
}

export interface GatewaySettlementReport {
  date: string;
  rows: GatewaySettlementRow[];
}

export interface GatewayReportSource {
  /** The day's settlement report; throws when the gateway cannot be read (the run fails and is retried). */
  settlementReport(date: string): Promise<GatewaySettlementReport>;
}

/**
 * The gateway's live view of one order (the payment gateway port's getOrder): asked before a
 * capture the reports do not show is called missing, since reports can lag behind.
 */
export interface GatewayOrderSource {
  getOrder(orderId: string): Promise<{ status: string; capturedMinor: number; currency: string }>;
}

/** One biller's daily collection file. */
export interface BillerCollectionSource {
  billerId: string;
  /** The postings the biller accepted that day; throws when its file cannot be read. */
  collectionReport(date: string): Promise<CollectionEntry[]>;
}

/** Every registered biller that publishes a collection file, as a collection source. */
export function collectionSources(registry: {
  list(): { id: string }[];
  get(id: string): { operations: { collectionReport?(date: string): Promise<CollectionEntry[]> } } | undefined;
}): BillerCollectionSource[] {
  return registry.list().flatMap(({ id }) => {
    const operations = registry.get(id)?.operations;
    const read = operations?.collectionReport?.bind(operations);
    return read ? [{ billerId: id, collectionReport: (date: string) => read(date) }] : [];
  });
}
