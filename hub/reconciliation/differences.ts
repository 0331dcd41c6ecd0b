/**
 * What reconciliation can find when it lays the hub's records, the gateway's report and the
 * billers' collection files side by side. See README.md for each class, and why the ones that
 * are resolved automatically are safe to resolve.
 */
export const DIFFERENCE_CLASSES = [
  /** Gateway captured, the hub has the payment as never paid. Resolved: the capture is applied and settled. */
  'late_capture',
  /** The hub has a capture the gateway does not report. Case. */
  'missing_capture',
  /** Both sides have it, with different amounts or currencies (capture, refunds, or a biller posting). Case. */
  'amount_mismatch',
  /** The hub refunded (or is refunding) a line its biller accepted: the citizen would be paid twice. Case. */
  'refunded_but_posted',
  /** The hub has the line settled, the biller's file lacks it. Resolved: re-posted under the same reference. */
  'settled_not_at_biller',
  /** The hub's line is unknown, the biller's file shows it accepted. Resolved: the line is settled. */
  'unknown_resolved',
  /** A final state without its ledger movement. Resolved: the movement is recorded (keyed, so once). */
  'ledger_missing',
  /** A biller accepted a posting whose reference no hub line has. Case. */
  'unmatched_posting',
  /** A payment held for an operator (its capture did not match): nothing settles it by itself. Case. */
  'held_payment',
] as const;
export type DifferenceClass = (typeof DIFFERENCE_CLASSES)[number];

/** Classes that are not differences, counted in the report so that every record is accounted for. */
export type AgreementClass = 'matched' | 'in_flight';

export const AUTO_RESOLVED: readonly DifferenceClass[] = [
  'late_capture',
  'settled_not_at_biller',
  'unknown_resolved',
  'ledger_missing',
];

/** One difference, with what each side said. Amounts in paise. */
export interface Difference {
  class: DifferenceClass;
  /** What the difference is about: a payment id, a line id, or biller:reference. The case key's tail. */
  subject: string;
  paymentId?: string;
  lineId?: string;
  billerId?: string;
  reference?: string;
  /** For late captures: the gateway's order to apply. */
  orderId?: string;
  /** For ledger_missing: which movement. */
  movement?: 'capture' | 'settlement' | 'refund';
  /** For unknown_resolved: the biller's own reference, kept on the line. */
  billerReference?: string;
  detail: string;
}

/** The case key: one case per difference, whichever day's run finds it again. */
export const caseKey = (difference: Pick<Difference, 'class' | 'subject'>): string =>
  `${difference.class}:${difference.subject}`;
