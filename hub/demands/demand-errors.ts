import { ConflictError, ValidationError } from '../../infra/errors.js';
import type { FieldError } from './demand-types.js';
import type { PaymentRefusal } from './payment-rules.js';

/** A demand (or an amendment) that breaks a rule: 400, every field error listed in details.errors. */
export function invalidDemand(errors: FieldError[]): ValidationError {
  const fields = [...new Set(errors.map((e) => e.field))];
  return new ValidationError(`invalid demand: ${errors.map((e) => `${e.field || 'demand'} ${e.message}`).join('; ')}`, {
    fields,
    errors,
  });
}

/**
 * A payment the demand cannot take, for good: not payable (cancelled or paid), instalments out of
 * order, or an amount other than what they cost that day. The settlement of that payment should
 * treat this as an explicit rejection (it will be refunded). 409, with the reason and, for an
 * amount mismatch, the expected amount in paise.
 */
export class PaymentRefusedError extends ConflictError {
  constructor(
    readonly reason: PaymentRefusal,
    message: string,
    readonly expectedMinor?: number,
  ) {
    super(message, { reason, ...(expectedMinor !== undefined ? { expectedMinor } : {}) });
  }
}
