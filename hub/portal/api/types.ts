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
    /** A payment demand's line: the demand's reference. */
    demandReference?: string;
  }[];
}

/**
 * One choice of how much to pay a bill (contract "bill amount options", BBPS "amount options"): a
 * demand with k open instalments offers `instalments-1` .. `instalments-k`, each what paying the
 * next n instalments costs today. A checkout line must carry one option's amountMinor.
 */
export interface AmountOption {
  code: string;
  /** English, from the biller ("Instalments 1-2 of 3"); the portal words its own. */
  label: string;
  amountMinor: number;
}

/** A bill that may offer amount options (payment demands do). */
export type OptionBill = Bill & { amountOptions?: AmountOption[] };

/** A checkout line naming a biller's consumer and bill (a demand's: its reference). */
export interface DemandCheckoutLine {
  billerId: string;
  consumer: { demandReference: string };
  billNumber: string;
  amountMinor: number;
}

/** One payment demand raised for the citizen, as GET /dues `demands[]` and GET /dues/demands/{reference} `due` give it. */
export interface DemandDue {
  demand: { reference: string; title: string; status: string; instalmentCount: number; providerName?: string };
  bill?: OptionBill;
  payable?: Due['payable'];
  checkoutLine?: DemandCheckoutLine;
  paid?: { paymentId: string; status: string };
  checkout?: { paymentId: string; status: string };
  error?: { code: string; detail: string; retryable: boolean };
}

/** GET /dues */
export interface Dues {
  dues: Due[];
  demands?: DemandDue[];
}

/** A flat amount (paise) or a percentage in basis points (hub/demands). */
export type Charge = { kind: 'flat'; amountMinor: number } | { kind: 'percent'; basisPoints: number };

/**
 * One instalment of a demand as the hub's API shows it (hub/api/response-schemas.ts), in paise;
 * the citizen portal and the provider portal both read this shape.
 */
export interface DemandInstalment {
  number: number;
  dueDate: string;
  amountMinor: number;
  status: 'open' | 'paid' | 'cancelled';
  paidMinor: number;
  lateFeeMinor?: number;
  discountMinor?: number;
  paidOn?: string;
}

/** GET /dues/demands/{reference}: the citizen's own demand (hub/api/routes/citizen-demand-routes.ts). */
export interface CitizenDemand {
  demand: {
    reference: string;
    status: 'open' | 'partly_paid' | 'paid' | 'cancelled';
    title: string;
    providerName: string;
    currency: string;
    lines: {
      description: string;
      amountMinor: number;
      taxMinor: number;
      taxes: { name: string; amountMinor: number }[];
      totalMinor: number;
    }[];
    totalMinor: number;
    dueDate: string;
    instalments: DemandInstalment[];
    lateFee?: { charge: Charge; periodDays: number; capMinor: number };
    earlyDiscount?: { off: Charge; until: string };
    paidMinor: number;
    outstandingMinor: number;
    payableToday?: {
      day: string;
      nextMinor: number;
      allMinor: number;
      instalments: {
        number: number;
        baseMinor: number;
        lateFeeMinor: number;
        discountMinor: number;
        payableMinor: number;
      }[];
    };
  };
  due?: DemandDue;
}

/** POST /demands/{reference}/wallet-payments (200) */
export interface WalletPaymentAnswer {
  status: 'settled' | 'verifying';
  transactionId: string;
  paymentId?: string;
  receiptNumber?: string;
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
