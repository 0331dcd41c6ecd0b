/**
 * What the payment-demands biller needs from the hub that holds the demands. The adapter keeps no
 * state and imports no hub code (adapters depend on the SDK only); the hub implements this port
 * over its demand store (hub/demands/demand-biller-port.ts) and hands it to the registry as the
 * `demands` service. Money in paise; days are Indian calendar days 'YYYY-MM-DD'.
 */
export interface DemandBillerPort {
  /** The next open instalment of a demand and what it costs on `day`; why not, when none. */
  nextInstalment(reference: string, day: string): Promise<DemandQuote | { none: 'not_found' | 'not_payable' }>;
  /**
   * Records `amountMinor` paid for instalment `instalment` under `paymentId`, once per paymentId
   * (a repeat answers `recorded: false`), or answers why the demand refuses it, for good.
   */
  pay(reference: string, payment: DemandPortPayment): Promise<DemandPortPaid>;
  /** The payment recorded under `paymentId`, if any demand has it. */
  paymentOf(paymentId: string): Promise<DemandPortRecord | undefined>;
  /** Every payment recorded on one Indian day (by when it was recorded), for reconciliation. */
  recordedOn(day: string): Promise<DemandPortRecord[]>;
}

/** One instalment's bill: its base amount, late fee, discount and what is payable (base + fee - discount). */
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
  createdAt: string;
}

export interface DemandPortPayment {
  paymentId: string;
  instalment: number;
  amountMinor: number;
  paidAt: Date;
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
