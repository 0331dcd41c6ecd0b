/**
 * The biller contract: what the hub needs from any utility's billing system. Money is
 * always an integer number of minor units (paise for INR); dates are ISO 8601.
 */

export type BillerCategory = 'electricity' | 'water' | 'gas' | 'other';

/** BBPS amount exactness: how a payment may differ from the amount due. */
export type Exactness = 'EXACT' | 'EXACT_AND_ABOVE' | 'EXACT_AND_BELOW' | 'ANY';

/** Whether the hub must fetch a bill before paying (BBPS fetch requirement). */
export type FetchRequirement = 'MANDATORY' | 'OPTIONAL' | 'NOT_SUPPORTED';

/** One field a citizen types to identify their connection, with the biller's own rules. */
export interface ConsumerParam {
  name: string;
  label: string;
  /** A regular expression the whole value must match. */
  pattern: string;
  example: string;
}

export interface BillerDescriptor {
  id: string;
  name: string;
  category: BillerCategory;
  consumerParams: ConsumerParam[];
  fetchRequirement: FetchRequirement;
  exactness: Exactness;
  /** ISO 4217, e.g. INR. */
  currency: string;
}

/** The values of a biller's consumer params, by name. */
export type ConsumerRef = Record<string, string>;

export interface BillLine {
  label: string;
  amountMinor: number;
}

/**
 * One amount a bill may be paid with, as a BBPS bill fetch lists "amount options" (e.g. the next
 * instalment, or the next two): `code` is stable and machine-readable (`instalments-2`), `label` is
 * English text to show, `amountMinor` what that choice costs on the day the bill was fetched
 * (integer minor units, > 0). `breakup` (optional) itemises that amount, its lines adding up to
 * exactly `amountMinor`: what a receipt shows for a payment of this option.
 */
export interface AmountOption {
  code: string;
  label: string;
  amountMinor: number;
  breakup?: BillLine[];
}

export interface Bill {
  billNumber: string;
  /** Masked by the adapter: the hub never stores a citizen's full name from a biller. */
  customerName: string;
  periodStart?: string;
  periodEnd?: string;
  billDate: string;
  dueDate: string;
  amountDueMinor: number;
  breakup: BillLine[];
  /** Payable instead of the amount due when paid on or before `until`. */
  earlyPayment?: { until: string; amountMinor: number };
  /** Payable instead of the amount due when paid on or after `from`. */
  latePayment?: { from: string; amountMinor: number };
  /**
   * The only amounts this bill may be paid with, instead of the exactness rule (BBPS "amount
   * options"), each as it costs on the day of `fetchedAt`. When present: at least one; the first
   * is `amountDueMinor`; amounts are distinct positive integers (a posting carries only its
   * amount, so the amount names the option); codes are distinct; and the bill has no
   * `earlyPayment` or `latePayment` (the options already are that day's amounts). See
   * amountOptionProblems (amount-options.ts), which the adapter contract test kit applies.
   */
  amountOptions?: AmountOption[];
  currency: string;
  fetchedAt: string;
}

export interface PaymentPosting {
  /** The hub's unique reference: the biller must treat a repeat of it as the same posting. */
  reference: string;
  consumer: ConsumerRef;
  billNumber: string;
  amountMinor: number;
  paidAt: string;
  /**
   * The day (YYYY-MM-DD, IST) whose amounts the payer was charged: the checkout's, where the bill
   * was fetched and its amount checked. A biller whose amounts change with the day (a late fee,
   * amount options) checks the amount against this day; absent, against the day of `paidAt`.
   */
  billedOn?: string;
}

/**
 * accepted and rejected are final. pending means the biller has not decided yet, and is
 * also what any status the adapter does not recognise becomes. not_found: no posting with
 * that reference exists at the biller.
 */
export type PostingStatus = 'accepted' | 'pending' | 'rejected' | 'not_found';

export interface PostingResult {
  reference: string;
  status: PostingStatus;
  billerReference?: string;
  /** The biller's own status word, kept for support. */
  billerStatus?: string;
  message?: string;
}

/**
 * One posting a biller accepted, as its daily collection (MIS) file lists it: what the
 * biller says it received under the hub's reference. Amounts in minor units.
 */
export interface CollectionEntry {
  /** The hub's reference the posting carried. */
  reference: string;
  /** The biller's own receipt or transaction id. */
  billerReference: string;
  consumer: ConsumerRef;
  billNumber: string;
  amountMinor: number;
  /** When the biller accepted it, ISO 8601. */
  acceptedAt: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** What an adapter does: a stateless translator between this contract and one utility's API. */
export interface BillerOperations {
  fetchBill(consumer: ConsumerRef, options?: CallOptions): Promise<Bill>;
  /** Idempotent on `posting.reference`: posting twice has the effect of posting once. */
  postPayment(posting: PaymentPosting, options?: CallOptions): Promise<PostingResult>;
  paymentStatus(reference: string, options?: CallOptions): Promise<PostingResult>;
  /**
   * The biller's collection (MIS) file for one day (YYYY-MM-DD, the biller's local date, IST
   * for Indian utilities): every posting it accepted that day. Optional: reconciliation reports
   * a biller without it as having no file. Throws BillerUnavailableError when it cannot be read.
   */
  collectionReport?(date: string, options?: CallOptions): Promise<CollectionEntry[]>;
  close?(): Promise<void>;
}
