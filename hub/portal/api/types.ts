/**
 * The hub API's answers as the portal reads them (hub/api/routes/*, README "Hub citizen API").
 * Only what the pages use; amounts are integer paise, times ISO strings (JSON).
 */
import type { Bill, BillerDescriptor } from '../../../adapters/sdk/index.js';
import type { ReceiptView, VerifiedReceipt } from '../../receipts/receipt-view.js';

export type { Bill, BillerDescriptor };

/** GET /billers */
export interface BillerList {
  billers: BillerDescriptor[];
}

/** A saved account as GET /accounts shows it. */
export interface SavedAccount {
  id: string;
  billerId: string;
  nickname: string;
  consumerMasked: string;
  createdAt?: string;
}

/** One entry of GET /dues. */
export interface Due {
  account: SavedAccount;
  bill?: Bill;
  payable?: {
    day: string;
    amountMinor: number;
    amountDueMinor: number;
    applied: 'early_payment_rebate' | 'late_fee' | 'none';
    adjustmentMinor: number;
  };
  checkoutLine?: { accountId: string; billNumber: string; amountMinor: number };
  paid?: { paymentId: string; status: string };
  checkout?: { paymentId: string; status: string };
  error?: { code: string; detail: string; retryable: boolean };
}

/** A payment as GET /payments and GET /payments/{id} show it (hub/api/routes/payment-view.ts). */
export interface PaymentView {
  id: string;
  status: string;
  displayStatus: string;
  currency: string;
  totalMinor: number;
  method?: string;
  createdAt: string;
  updatedAt?: string;
  supersededBy?: string;
  lines: {
    id: string;
    billerId: string;
    consumerMasked: string;
    billNumber: string;
    amountMinor: number;
    status: string;
    displayStatus: string;
    billerReference?: string;
    failureCode?: string;
  }[];
}

/** POST /checkouts (201) */
export interface CheckoutAnswer {
  payment: PaymentView;
  checkoutUrl: string;
}

/** JSON turns the receipt's Dates into strings. */
type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** GET /payments/{id}/receipt */
export type ReceiptJson = Jsonified<ReceiptView>;
/** GET /receipts/verify?t= */
export type VerifiedReceiptJson = Jsonified<VerifiedReceipt>;
