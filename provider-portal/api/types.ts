/** The shapes of the hub's demand answers the pages read (hub/api/response-schemas.ts demandSchema). */

import type { DemandInstalment } from '../../hub/portal/api/types.js';

/** An instalment as the hub's provider API shows it: the citizen's view plus how it was paid. */
export interface InstalmentJson extends DemandInstalment {
  /** How a paid instalment was paid: the payment's number, checkout or wallet, the wallet's transaction id. */
  payment?: { number: string; method: 'checkout' | 'wallet'; walletTransactionId?: string };
}

export interface DemandJson {
  reference: string;
  status: 'open' | 'partly_paid' | 'paid' | 'cancelled';
  title: string;
  payer: { phone?: string; email?: string };
  currency: string;
  lines: {
    description: string;
    amountMinor: number;
    taxMinor: number;
    totalMinor: number;
    taxes: { name: string; amountMinor: number }[];
  }[];
  totalMinor: number;
  dueDate: string;
  instalments: InstalmentJson[];
  lateFee?: { charge: Charge; periodDays: number; capMinor: number };
  earlyDiscount?: { off: Charge; until: string };
  paidMinor: number;
  outstandingMinor: number;
  payableToday?: { day: string; nextMinor: number; allMinor: number };
  version: number;
  /** actorLabel: the person (name or masked contact) or client name; actor: their subject or client id. */
  audit: {
    at: string;
    actor: string;
    actorLabel?: string;
    action: string;
    reason?: string;
    changes: { path: string }[];
  }[];
  createdAt: string;
}

export type Charge = { kind: 'flat'; amountMinor: number } | { kind: 'percent'; basisPoints: number };

export interface DemandListJson {
  demands: DemandJson[];
  limit: number;
  offset: number;
  nextOffset?: number;
  totals: { demands: number; collectedMinor: number; outstandingMinor: number };
}

/** A field error of the hub's invalid_request problem ({field, message}) or an upload row's ({row, column, message}). */
export interface ProblemError {
  field?: string;
  row?: number;
  column?: string;
  message: string;
}
