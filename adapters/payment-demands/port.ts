/**
 * What the payment-demands biller needs from the hub that holds the demands. The adapter keeps no
 * state and imports no hub code (adapters depend on the SDK only); the hub implements this port
 * over its demand store (hub/demands/demand-biller-port.ts) and hands it to the registry as the
 * `demands` service. Money in paise; days are Indian calendar days 'YYYY-MM-DD'.
 */
export interface DemandBillerPort {
  /**
   * The open instalments of a demand, in order, and what each costs on `day` (the first one's
   * quote at the top level); why not, when none is open.
   */
  nextInstalment(reference: string, day: string): Promise<DemandQuote | { none: 'not_found' | 'not_payable' }>;
  /**
   * Records `amountMinor` paid under `paymentId` for the next instalments starting at
   * `payment.instalment`: as many as that amount pays on `payment.day` (one, or several
   * when the payer chose a larger amount option). Once per paymentId (a repeat answers
   * `duplicate` with the first record), or answers why the demand refuses it, for good.
   */
  pay(reference: string, payment: DemandPortPayment): Promise<DemandPortPaid>;
  /** The payment recorded under `paymentId`, if any demand has it. */
  paymentOf(paymentId: string): Promise<DemandPortRecord | undefined>;
  /** Every payment recorded on one Indian day (by when it was recorded), for reconciliation. */
  recordedOn(day: string): Promise<DemandPortRecord[]>;
}

/** What one open instalment costs on a day, paise: payable = base + late fee - discount. */
export interface InstalmentCost {
  instalment: number;
  dueDate: string;
  baseMinor: number;
  lateFeeMinor: number;
  discountMinor: number;
  payableMinor: number;
}

/**
 * A demand's bill on a day: its next open instalment (the top-level cost fields, base + fee -
 * discount = payable) and every open instalment in order (`open`, the first being that one), from
 * which the biller offers "pay the next 1..k" as amount options.
 */
export interface DemandQuote {
  reference: string;
  title: string;
  /** A name to show, masked by the adapter (the payer's phone or email: demands carry no name). */
  payerLabel: string;
  instalment: number;
  instalmentCount: number;
  dueDate: string;
  baseMinor: number;
  lateFeeMinor: number;
  discountMinor: number;
  payableMinor: number;
  /** The open instalments in order, the first being the one above; at least that one. */
  open: InstalmentCost[];
  createdAt: string;
}

export interface DemandPortPayment {
  paymentId: string;
  /** The first instalment paid: the one the bill (its number) named. */
  instalment: number;
  /** Paise: what the next instalments from `instalment` cost on `day`, one or several. */
  amountMinor: number;
  paidAt: Date;
  /** The Indian day whose amounts were charged (the checkout's); absent: the day of paidAt. */
  day?: string;
}

export type DemandPortPaid =
  | { outcome: 'recorded' | 'duplicate'; record: DemandPortRecord }
  | { outcome: 'refused'; reason: string; message: string }
  | { outcome: 'not_found' };

/** A payment as the demand recorded it. */
export interface DemandPortRecord {
  paymentId: string;
  reference: string;
  instalments: number[];
  amountMinor: number;
  at: string;
}

/** Whether a value handed over as the `demands` service looks like a DemandBillerPort. */
export function isDemandBillerPort(value: unknown): value is DemandBillerPort {
  const port = value as Partial<DemandBillerPort> | undefined;
  return (
    typeof port?.nextInstalment === 'function' &&
    typeof port.pay === 'function' &&
    typeof port.paymentOf === 'function' &&
    typeof port.recordedOn === 'function'
  );
}
