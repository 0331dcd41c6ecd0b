import mongoose from 'mongoose';
import { ValidationError } from '../../infra/errors.js';
import { isPositiveMinor } from './money.js';
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

/** Whether a value may be stored in one field; undefined values are never stored (see paymentSet). */
type FieldCheck = (value: unknown) => boolean;

// Updates go to the driver without mongoose's casting and validation (PaymentStore.update): the
// values a transition may set come from billers and the gateway, so each is checked here against
// what the schema holds (payment-model.ts).
const text: FieldCheck = (v) => v === null || typeof v === 'string';
const date: FieldCheck = (v) => v instanceof Date && !Number.isNaN(v.getTime());
const count: FieldCheck = (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 0);
const filled = (v: unknown) => typeof v === 'string' && v.length > 0;
const hold: FieldCheck = (v) => {
  const h = v as Partial<PaymentHold> | null;
  return typeof h === 'object' && h !== null && filled(h.reason) && filled(h.detail) && date(h.at);
};

const GATEWAY_CHECKS: Record<keyof PaymentGateway, FieldCheck> = {
  orderId: text,
  checkoutUrl: text,
  method: text,
  capturedMinor: (v) => v === null || isPositiveMinor(v),
  capturedCurrency: text,
  instrument: text,
};
const PAYMENT_CHECKS: Record<Exclude<keyof PaymentChanges, 'gateway'>, FieldCheck> = { hold, supersededBy: text };
const LINE_CHECKS: Record<keyof LineChanges, FieldCheck> = {
  billerReference: text,
  billerStatus: text,
  failureCode: text,
  failureMessage: text,
  refundKey: text,
  enquiries: count,
  nextAttemptAt: date,
};

/** The check of `field` in `table`, or undefined for a field the table does not have. */
const own = (table: Record<string, FieldCheck>, field: string): FieldCheck | undefined =>
  Object.hasOwn(table, field) ? table[field] : undefined;

/** The fields `checks` refused, as `invalid payment: <fields>` (values never named: they may be personal). */
function refuse(fields: string[]): ValidationError {
  return new ValidationError(`invalid payment: ${fields.join(', ')}`, { fields });
}

/** The arrayFilters identifier of the line a transition changes. */
export const LINE = 'line';

export const asList = <T>(from: T | readonly T[]): readonly T[] => (Array.isArray(from) ? from : [from as T]);

/**
 * `$set` paths for a payment transition, field by field, so setting the gateway method keeps the
 * order id. Throws TypeError for a field a transition may not set (a caller bug) and
 * ValidationError (400) for a value the schema would refuse; undefined values are left out.
 */
export function paymentSet(changes: PaymentChanges = {}): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  const refused: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (key !== 'gateway') {
      const check = own(PAYMENT_CHECKS, key);
      if (!check) throw new TypeError(`a payment transition cannot set ${key}`);
      if (!check(value)) refused.push(key);
      set[key] = value;
      continue;
    }
    for (const [field, v] of Object.entries(value ?? {})) {
      const check = own(GATEWAY_CHECKS, field);
      if (!check) throw new TypeError(`a payment transition cannot set gateway.${field}`);
      if (v === undefined) continue;
      if (!check(v)) refused.push(`gateway.${field}`);
      set[`gateway.${field}`] = v;
    }
  }
  if (refused.length > 0) throw refuse(refused);
  return set;
}

/**
 * `$set` paths for a line transition, under `path` (by default the line named by LINE; a folded
 * move of several lines names each by its index, `lines.<i>`); errors as paymentSet's.
 */
export function lineSet(changes: LineChanges = {}, path = `lines.$[${LINE}]`): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  const refused: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const check = own(LINE_CHECKS, key);
    if (!check) throw new TypeError(`a line transition cannot set ${key}`);
    if (value === undefined) continue;
    if (!check(value)) refused.push(`lines.${key}`);
    set[`${path}.${key}`] = value;
  }
  if (refused.length > 0) throw refuse(refused);
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
