// The shapes of a payment demand, free of any storage concern so the pure rules can use them.
// Money is integer paise; days are Indian calendar days 'YYYY-MM-DD' (see calendar-day.ts).

/** GST components: IGST for an inter-state supply, CGST with SGST (or UTGST) within a state; cess on top. */
export const TAX_NAMES = ['CGST', 'SGST', 'UTGST', 'IGST', 'CESS'] as const;
export type TaxName = (typeof TAX_NAMES)[number];

/** One tax component of a line, paise. */
export interface TaxComponent {
  name: TaxName;
  amountMinor: number;
}

/** A line item as the provider states it: its taxable value, its tax and the tax's components. */
export interface NewDemandLine {
  description: string;
  /** The taxable value, paise, before tax (> 0). */
  amountMinor: number;
  /** The line's tax, paise (>= 0); its components add up to exactly this. */
  taxMinor: number;
  taxes: TaxComponent[];
}

/** The line as stored: the same, with its total (amountMinor + taxMinor). */
export interface DemandLine extends NewDemandLine {
  totalMinor: number;
}

/** Who is asked to pay: a phone (E.164, e.g. +919876543210) and/or an email (lowercased); at least one. */
export interface Payer {
  phone?: string;
  email?: string;
}

/** A flat amount (paise) or a percentage in basis points (1 bp = 0.01 %) of the instalment's amount. */
export type Charge = { kind: 'flat'; amountMinor: number } | { kind: 'percent'; basisPoints: number };

/**
 * A late fee: `charge` for each period of `periodDays` days, or part of one, after an instalment's
 * due date, never more than `capMinor` per instalment (see payable-amount.ts).
 */
export interface LateFeeRule {
  charge: Charge;
  periodDays: number;
  capMinor: number;
}

/** An early-payment discount per instalment paid on or before `until` (and on or before its due date). */
export interface EarlyDiscount {
  off: Charge;
  until: string;
}

/** One instalment of a plan as the provider states it. */
export interface PlannedInstalment {
  dueDate: string;
  amountMinor: number;
}

/**
 * A demand as a provider raises it (API or one CSV row). Without `instalments` the demand is one
 * instalment of the whole total due on `dueDate`; with them (2 or more), their amounts add up to
 * exactly the total, their due dates strictly increase and the last one is `dueDate`.
 */
export interface NewDemand {
  /** The provider's client id or organisation id, from its token. */
  providerId: string;
  payer: Payer;
  title: string;
  lines: NewDemandLine[];
  /** Optional: when given, must equal the sum of the line totals (catches a provider's arithmetic slip). */
  totalMinor?: number;
  dueDate: string;
  instalments?: PlannedInstalment[];
  lateFee?: LateFeeRule;
  earlyDiscount?: EarlyDiscount;
}

export const DEMAND_STATUSES = ['open', 'partly_paid', 'paid', 'cancelled'] as const;
/** open: nothing paid; partly_paid: some instalments paid; paid: all; cancelled: not payable any more. */
export type DemandStatus = (typeof DEMAND_STATUSES)[number];

/** The statuses in which a demand can be paid, amended or cancelled. */
export const OPEN_DEMAND_STATUSES: readonly DemandStatus[] = ['open', 'partly_paid'];

export const INSTALMENT_STATUSES = ['open', 'paid', 'cancelled'] as const;
export type InstalmentStatus = (typeof INSTALMENT_STATUSES)[number];

/** An instalment as stored, with what was paid for it. Numbered from 1 in due-date order. */
export interface Instalment {
  number: number;
  dueDate: string;
  /** The instalment's share of the total, paise, before any late fee or discount. */
  amountMinor: number;
  status: InstalmentStatus;
  /** What the payer paid for it: amountMinor + lateFeeMinor - discountMinor; 0 until paid. */
  paidMinor: number;
  lateFeeMinor?: number;
  discountMinor?: number;
  /** The payment (the hub's posting reference) that paid it, and the Indian day it was paid for. */
  paymentId?: string;
  paidOn?: string;
}

/** One payment recorded against a demand: one checkout line may pay several instalments. */
export interface DemandPayment {
  paymentId: string;
  instalments: number[];
  amountMinor: number;
  /** The Indian day whose amounts were charged (the checkout's day). */
  day: string;
  at: Date;
}

/** One change of a field: its value before and after (absent when it had none). */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** An audit entry: appended, never edited or removed. */
export interface AuditEntry {
  at: Date;
  /** Who: a provider user's subject or a client id. */
  actor: string;
  /**
   * Who, in human terms, as the token named them when they acted: a member's name, else their
   * masked phone or email ("+91 ******0001"); a client's name. Absent on entries made without one.
   */
  actorLabel?: string;
  action: 'created' | 'amended' | 'cancelled';
  reason?: string;
  changes: FieldChange[];
}

/** A field error of a demand: a dotted path into NewDemand (e.g. `lines.0.taxes`) and a sentence. */
export interface FieldError {
  field: string;
  message: string;
}
