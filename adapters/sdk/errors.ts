/**
 * The only errors an adapter throws. `retryable` tells the hub whether trying again later
 * can succeed; `billerCode` keeps the biller's own code for support.
 */
export class BillerError extends Error {
  constructor(
    readonly code: 'invalid_consumer_number' | 'consumer_not_found' | 'biller_unavailable' | 'biller_rejected',
    message: string,
    readonly retryable: boolean,
    readonly billerCode?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The consumer number does not match the biller's rules; nothing was sent to the biller. */
export class InvalidConsumerNumberError extends BillerError {
  constructor(message: string, billerCode?: string) {
    super('invalid_consumer_number', message, false, billerCode);
  }
}

export class ConsumerNotFoundError extends BillerError {
  constructor(message = 'no such consumer at this biller', billerCode?: string) {
    super('consumer_not_found', message, false, billerCode);
  }
}

/** Timeouts, network errors, 5xx, maintenance: the same call may succeed later. */
export class BillerUnavailableError extends BillerError {
  constructor(message: string, billerCode?: string) {
    super('biller_unavailable', message, true, billerCode);
  }
}

/** The biller refused this request for good (closed account, bill mismatch, ...). */
export class BillerRejectedError extends BillerError {
  constructor(message: string, billerCode?: string) {
    super('biller_rejected', message, false, billerCode);
  }
}
