import mongoose from 'mongoose';
import { ValidationError } from '../../infra/errors.js';
import type { PaymentGateway, PaymentHold, PaymentLine } from './payment-model.js';
import type { PaymentStatus } from './state-machine.js';

// The pieces every conditional payment update shares: what it may set, and its expiry guard.

/** What a payment transition may set besides its status. */
export interface PaymentChanges {
  gateway?: PaymentGateway;
  hold?: PaymentHold;
  supersededBy?: string;
}

/** What a line transition may set besides its status. */
export type LineChanges = Partial<
  Pick<
    PaymentLine,
    'billerReference' | 'billerStatus' | 'failureCode' | 'failureMessage' | 'refundKey' | 'enquiries' | 'nextAttemptAt'
  >
>;

const GATEWAY_FIELDS = ['orderId', 'checkoutUrl', 'method', 'capturedMinor', 'capturedCurrency', 'instrument'] as const;
const PAYMENT_FIELDS = ['hold', 'supersededBy'] as const;
const LINE_FIELDS = [
  'billerReference',
  'billerStatus',
  'failureCode',
  'failureMessage',
  'refundKey',
  'enquiries',
  'nextAttemptAt',
] as const;
/** The arrayFilters identifier of the line a transition changes. */
export const LINE = 'line';

export const asList = <T>(from: T | readonly T[]): readonly T[] => (Array.isArray(from) ? from : [from as T]);

/** Field by field, so setting the gateway method keeps the order id; anything else is a caller bug. */
export function paymentSet(changes: PaymentChanges = {}): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if ((PAYMENT_FIELDS as readonly string[]).includes(key)) {
      set[key] = value;
      continue;
    }
    if (key !== 'gateway') throw new TypeError(`a payment transition cannot set ${key}`);
    for (const [field, v] of Object.entries(value ?? {})) {
      if (!(GATEWAY_FIELDS as readonly string[]).includes(field)) {
        throw new TypeError(`a payment transition cannot set gateway.${field}`);
      }
      set[`gateway.${field}`] = v;
    }
  }
  return set;
}

export function lineSet(changes: LineChanges = {}): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (!(LINE_FIELDS as readonly string[]).includes(key)) throw new TypeError(`a line transition cannot set ${key}`);
    set[`lines.$[${LINE}].${key}`] = value;
  }
  return set;
}

/** Expiry lives in the query: checkout cannot start once lapsed, and only a lapsed payment expires. */
export function expiryGuard(to: PaymentStatus, now: Date): Record<string, unknown> {
  if (to === 'awaiting_payment') return { expiresAt: { $gt: now } };
  if (to === 'expired') return { expiresAt: { $lte: now } };
  return {};
}

/** Schema refusals become the 400 the HTTP layer renders, naming the fields but never their values. */
export function asValidationError(error: unknown): unknown {
  if (error instanceof mongoose.Error.ValidationError) {
    const fields = Object.keys(error.errors);
    return new ValidationError(`invalid payment: ${fields.join(', ')}`, { fields });
  }
  if (error instanceof mongoose.Error.CastError) {
    return new ValidationError(`invalid payment: ${error.path}`, { fields: [error.path] });
  }
  return error;
}
