import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { QueryFilter } from 'mongoose';
import { type Connection, escapeRegExp } from '../../infra/mongo.js';
import { ContactStore } from '../contacts/contact-store.js';
import { LINE_ID_PATTERN, PAYMENT_ID_PATTERN, REFERENCE_PATTERN } from '../payments/ids.js';
import { type Payment, type PaymentModel, paymentModel } from '../payments/payment-model.js';
import type { PaymentStatus } from '../payments/state-machine.js';

/** Payments per page unless the caller asks for fewer or more (at most MAX_PAGE). */
export const DEFAULT_PAGE = 25;
export const MAX_PAGE = 100;
/** Citizens one phone number can stand for (a number re-used over the years); beyond, the oldest are not searched. */
const MAX_CITIZENS_PER_PHONE = 50;

/**
 * An operator's search. Every field narrows it (all must hold); none lists the newest payments.
 * `reference`: a payment id (PAY…), a line id (LIN…), a HUB posting reference, or else a biller's
 * reference. `phone`: the citizen's verified mobile number as the hub knows it (the contact their
 * token carried at checkout: hub/contacts), E.164 or written nationally (Indian numbers).
 * `consumer`: a consumer number (any of a line's consumer values). `from`/`to`: India-time days
 * (YYYY-MM-DD, both inclusive) of the payment's creation. `cursor`: the `next` of the page before.
 */
export interface PaymentSearchQuery {
  reference?: string;
  phone?: string;
  consumer?: string;
  billerId?: string;
  status?: PaymentStatus;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** One page, newest first; `next` is the cursor of the following page, absent on the last. */
export interface PaymentSearchPage {
  payments: Payment[];
  next?: string;
}

/** A cursor the hub did not make, or a phone number that is not one: a 400 on the field it names. */
export class SearchInputError extends Error {
  constructor(
    readonly field: 'cursor' | 'phone',
    message: string,
  ) {
    super(message);
    this.name = 'SearchInputError';
  }
}

/** Midnight in India (UTC+05:30, no daylight saving) at the start of `day` (YYYY-MM-DD). */
export function indianMidnight(day: string): Date {
  return new Date(`${day}T00:00:00.000+05:30`);
}

/** The next day of a YYYY-MM-DD day. */
const nextDay = (day: string) => {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
};

/** The cursor of the page after `payment`: its creation time and id, opaque to callers. */
export function cursorOf(payment: Pick<Payment, '_id' | 'createdAt'>): string {
  return Buffer.from(`${payment.createdAt.toISOString()}|${payment._id}`).toString('base64url');
}

function readCursor(cursor: string): { at: Date; id: string } {
  const [iso = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso);
  if (Number.isNaN(at.getTime()) || !PAYMENT_ID_PATTERN.test(id)) {
    throw new SearchInputError('cursor', 'is not a cursor this search gave');
  }
  return { at, id };
}

/**
 * Finds payments for operators (read only). Newest first by creation, then by id, so paging by
 * cursor never skips or repeats a payment made in the same millisecond. Uses the payments'
 * indexes on line ids, references and citizens; a consumer number is matched inside the lines'
 * bill keys (billKeyOf: `biller|consumer values|bill number`), so it needs no index of its own.
 */
export class PaymentSearch {
  private readonly payments: PaymentModel;
  private readonly contacts: ContactStore;

  constructor(conn: Connection) {
    this.payments = paymentModel(conn);
    this.contacts = new ContactStore(conn);
  }

  /** One page of payments matching every given field. Throws SearchInputError for a bad phone or cursor. */
  async search(query: PaymentSearchQuery): Promise<PaymentSearchPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const filter = await this.filterOf(query);
    if (!filter) return { payments: [] };
    if (query.cursor) {
      const { at, id } = readCursor(query.cursor);
      filter.$and = [
        ...(filter.$and ?? []),
        { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: id } }] },
      ];
    }
    const found = await this.payments
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<Payment[]>()
      .exec();
    const payments = found.slice(0, limit);
    const last = payments.at(-1);
    return { payments, ...(found.length > limit && last ? { next: cursorOf(last) } : {}) };
  }

  /** The query for the fields; undefined when nothing can match (a phone no citizen paid with). */
  private async filterOf(query: PaymentSearchQuery): Promise<QueryFilter<Payment> | undefined> {
    const and: QueryFilter<Payment>[] = [];
    if (query.reference) and.push(referenceFilter(query.reference.trim()));
    if (query.phone) {
      const subs = await this.citizensOfPhone(query.phone);
      if (!subs.length) return undefined;
      and.push({ citizenSub: { $in: subs } });
    }
    if (query.consumer || query.billerId) {
      // One line must be of the biller and for the consumer, not one line each.
      const line: Record<string, unknown> = {};
      if (query.billerId) line.billerId = query.billerId;
      if (query.consumer) line.billKey = { $regex: `\\|${escapeRegExp(query.consumer.trim())}\\|` };
      and.push({ lines: { $elemMatch: line } });
    }
    if (query.status) and.push({ status: query.status });
    if (query.from) and.push({ createdAt: { $gte: indianMidnight(query.from) } });
    if (query.to) and.push({ createdAt: { $lt: indianMidnight(nextDay(query.to)) } });
    return and.length ? { $and: and } : {};
  }

  /** The citizens whose verified phone (hub/contacts) is this number, newest contact first. */
  private async citizensOfPhone(typed: string): Promise<string[]> {
    const phone = parsePhoneNumberFromString(typed.trim(), 'IN');
    if (!phone?.isValid())
      throw new SearchInputError('phone', 'is not a phone number (like 98765 43210 or +919876543210)');
    return this.contacts.citizensWithPhone(phone.number, MAX_CITIZENS_PER_PHONE);
  }
}

/** A reference by its form: payment id, line id, HUB reference, else the biller's own reference. */
function referenceFilter(reference: string): QueryFilter<Payment> {
  const upper = reference.toUpperCase();
  if (PAYMENT_ID_PATTERN.test(upper)) return { _id: upper };
  if (LINE_ID_PATTERN.test(upper)) return { 'lines._id': upper };
  if (REFERENCE_PATTERN.test(upper)) return { 'lines.reference': upper };
  return { 'lines.billerReference': reference };
}
