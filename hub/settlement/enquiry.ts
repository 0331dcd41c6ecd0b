import type { BillerRegistry } from '../../adapters/registry/index.js';
import { BillerError, type PostingResult } from '../../adapters/sdk/index.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { LineSettledHook, SettlementLog } from './deps.js';
import type { SettlementOptions } from './options.js';
import { requeueLine, type SettlementQueue } from './queue.js';

export interface EnquiryDeps {
  payments: PaymentStore;
  billers: Pick<BillerRegistry, 'get'>;
  /** Resolved lines get a settle-line job here: it books the ledger, completes, or refunds. */
  queue: SettlementQueue;
  log: SettlementLog;
  /** Told of each line an enquiry settles (the capture→settled histogram). */
  onLineSettled?: LineSettledHook;
  options: Pick<SettlementOptions, 'enquiryDelayMs' | 'enquiryMaxDelayMs' | 'enquiryGiveUpMs'>;
}

/** What one status enquiry did to a line. */
export type EnquiryOutcome = 'settled' | 'failed' | 'still_unknown' | 'given_up' | 'moved_on';

export interface EnquiryReport {
  /** Line id → outcome, for every due line this run asked about. */
  lines: Record<string, EnquiryOutcome>;
  errors: number;
}

/** The biller's answer, or `unavailable` when it could not be asked (timeout, 5xx, not configured). */
async function ask(deps: EnquiryDeps, line: PaymentLine): Promise<PostingResult | 'unavailable'> {
  const biller = deps.billers.get(line.billerId);
  if (!biller) return 'unavailable';
  try {
    return await biller.operations.paymentStatus(line.reference);
  } catch (error) {
    if (error instanceof BillerError) return 'unavailable';
    throw error;
  }
}

/** Doubling from enquiryDelayMs, capped at enquiryMaxDelayMs; null once the line has been unknown for enquiryGiveUpMs. */
export function nextEnquiryAt(
  options: EnquiryDeps['options'],
  enquiries: number,
  unknownSince: Date,
  now: Date,
): Date | null {
  if (now.getTime() - unknownSince.getTime() >= options.enquiryGiveUpMs) return null;
  const delay = Math.min(options.enquiryDelayMs * 2 ** Math.min(enquiries, 30), options.enquiryMaxDelayMs);
  return new Date(now.getTime() + Math.max(delay, 1));
}

/**
 * One status enquiry of an unknown line (BBPS's transaction status check). `accepted` settles the
 * line; `rejected`, or `not_found` now that the posting had its time to arrive, fails it, and its
 * settle-line job refunds it; anything else (pending, the biller unreachable) leaves it unknown,
 * asked again later with a doubling delay, until enquiryGiveUpMs after it became unknown: then it
 * stays unknown for reconciliation and an operator, never refunded on a guess.
 */
export async function enquireLine(
  deps: EnquiryDeps,
  payment: Payment,
  line: PaymentLine,
  now = new Date(),
): Promise<EnquiryOutcome> {
  const answer = await ask(deps, line);
  const ids = { paymentId: payment._id, lineId: line._id };
  if (answer !== 'unavailable' && answer.status === 'accepted') {
    const moved = await deps.payments.transitionLine(payment._id, line._id, 'unknown', 'settled', 'enquiry.settled', {
      ...(answer.billerReference ? { billerReference: answer.billerReference } : {}),
      ...(answer.billerStatus ? { billerStatus: answer.billerStatus } : {}),
    });
    if (!moved) return 'moved_on';
    deps.onLineSettled?.(moved, line._id);
    await requeueLine(deps.queue, payment._id, line._id);
    deps.log.info(ids, 'unknown line confirmed by the biller');
    return 'settled';
  }
  // `not_found` is trusted only once the posting had enquiryDelayMs to arrive since the line became
  // unknown: an earlier ask (a citizen's complaint, an operator's "Enquire now") could see a posting
  // still travelling as not found, refund it, and then it lands. Until then it stays unknown.
  const settledIn = now.getTime() - new Date(line.changedAt).getTime() >= deps.options.enquiryDelayMs;
  if (answer !== 'unavailable' && (answer.status === 'rejected' || (answer.status === 'not_found' && settledIn))) {
    const failureCode = answer.status === 'not_found' ? 'not_found_after_enquiry' : (answer.billerStatus ?? 'rejected');
    const moved = await deps.payments.transitionLine(payment._id, line._id, 'unknown', 'failed', 'enquiry.failed', {
      failureCode,
      ...(answer.message ? { failureMessage: answer.message.slice(0, 300) } : {}),
    });
    if (!moved) return 'moved_on';
    await requeueLine(deps.queue, payment._id, line._id);
    deps.log.warn({ ...ids, failureCode }, 'unknown line refused by the biller; refunding it');
    return 'failed';
  }
  const enquiries = line.enquiries ?? 0;
  const next = nextEnquiryAt(deps.options, enquiries + 1, line.changedAt, now);
  const recorded = await deps.payments.recordEnquiry(payment._id, line._id, enquiries, next);
  if (!recorded) return 'moved_on';
  if (next) return 'still_unknown';
  deps.log.error(
    { ...ids, enquiries: enquiries + 1 },
    'line still unknown after a day of enquiries; left to reconciliation',
  );
  return 'given_up';
}

/** The status-enquiry job: every unknown line whose next enquiry is due, page by page. */
export async function enquireUnknownLines(deps: EnquiryDeps, now = new Date()): Promise<EnquiryReport> {
  const report: EnquiryReport = { lines: {}, errors: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await deps.payments.findDueEnquiries({ now, after });
    for (const payment of page) {
      for (const line of payment.lines) {
        if (line.status !== 'unknown' || !line.nextAttemptAt || line.nextAttemptAt > now) continue;
        try {
          report.lines[line._id] = await enquireLine(deps, payment, line, now);
        } catch (error) {
          report.errors += 1;
          deps.log.error({ err: error, paymentId: payment._id, lineId: line._id }, 'status enquiry failed');
        }
      }
    }
    const last = page.at(-1);
    if (page.length < 100 || !last) return report;
    after = last._id;
  }
}
