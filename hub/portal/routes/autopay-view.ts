import type { TFunction } from 'i18next';
import { formatDateIST, formatDateTimeIST, formatMoney, IST } from '../../../infra/web/format.js';
import type { Locale } from '../../../infra/web/locale.js';

/** One debit as GET /api/v1/autopay shows it (hub/autopay/autopay-view.ts `ChargeView`). */
export interface ChargeAnswer {
  id: string;
  billNumberMasked: string;
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD, as the biller wrote it. */
  dueDate: string;
  status: string;
  /** ISO 8601: when the debit is (or was) made at the earliest. */
  chargeAt: string;
  noticeSentAt?: string;
  paymentId?: string;
  reason?: string;
}

/** One autopay as GET /api/v1/autopay shows it (hub/autopay/autopay-view.ts `AutopayView`). */
export interface AutopayAnswer {
  id: string;
  accountId: string;
  status: string;
  limitMinor: number;
  currency: string;
  approvalUrl?: string;
  validUntil?: string;
  reason?: string;
  charges: ChargeAnswer[];
}

/** GET /api/v1/autopay: the citizen's autopays, newest first, and the highest limit allowed (paise). */
export interface AutopayList {
  autopays: AutopayAnswer[];
  maxLimitMinor: number;
}

/** Autopay statuses in which the mandate is (or is about to be) live: one per account at most. */
export const LIVE_STATUSES = ['pending_approval', 'active', 'paused'];

/** An autopay id as the hub makes them (hub/autopay: `AUT` + 20 hex digits). */
export const AUTOPAY_ID = /^AUT[0-9A-F]{20}$/;

/** A saved account id as the hub makes them (word characters and hyphens, as the API's body schema). */
export const ACCOUNT_ID = /^[\w-]{1,64}$/;

/** Each saved account's live autopay (the API lists newest first; an account has one live at most). */
export function liveAutopayByAccount(autopays: AutopayAnswer[]): Map<string, AutopayAnswer> {
  const live = new Map<string, AutopayAnswer>();
  for (const autopay of autopays) {
    if (LIVE_STATUSES.includes(autopay.status) && !live.has(autopay.accountId)) live.set(autopay.accountId, autopay);
  }
  return live;
}

/** What the limit field held: paise, or why it cannot be read as rupees. */
export type LimitReading = { minor: number } | { problem: 'empty' | 'format' | 'zero' };

const INDIC_DIGITS = /[\u0966-\u096f\u09e6-\u09ef]/g;

/**
 * The limit as typed, in rupees, read as paise without floating point: "2500", "2,500.50",
 * "₹ 1,50,000", and Devanagari or Bengali digits (as the hi and bn pages show amounts) are all
 * accepted; more than two decimals, a sign, or anything else is a format problem.
 */
export function readLimit(typed: string): LimitReading {
  const text = typed
    .replace(INDIC_DIGITS, (d) => {
      const code = d.codePointAt(0) as number;
      return String(code - (code >= 0x09e6 ? 0x09e6 : 0x0966));
    })
    .replace(/^\s*(₹|rs\.?|inr)\s*/i, '')
    .replace(/[,\s]/g, '');
  if (text === '') return { problem: 'empty' };
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return { problem: 'format' };
  const minor = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return minor === 0 ? { problem: 'zero' } : { minor };
}

/** A debit's row on the autopay page: the bill, amount and date as shown, and its state in words. */
export interface ChargeRow {
  id: string;
  status: string;
  bill: string;
  due: string;
  amount: string;
  /** The debit's date in IST (made, or to be made at the earliest); '–' for a bill above the limit. */
  on: string;
  /** The state in one short word or two (a tag). */
  tag: string;
  tagColour: string;
  /** What happened, or will, and what the citizen should do: a sentence with dates and amounts. */
  sentence: string;
  paymentId?: string;
}

const TAG_COLOURS: Record<string, string> = {
  scheduled: 'blue',
  charging: 'yellow',
  charged: 'green',
  unknown: 'yellow',
  over_limit: 'red',
  skipped: 'grey',
  failed: 'red',
};

/** The skipped and failed reasons that have words of their own; any other gets the status's general words. */
const SKIP_REASONS = [
  'paid',
  'bill_replaced',
  'bill_changed',
  'autopay_paused',
  'autopay_cancelled',
  'autopay_revoked',
  'account_removed',
];
const FAIL_REASONS = ['declined', 'mandate_inactive', 'not_charged', 'bill_changed'];

/** The IST calendar day of an instant, YYYY-MM-DD. */
const istDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: IST }).format(new Date(iso));

/**
 * Recent debits as rows in the citizen's language: amounts in rupees, dates in IST, and each
 * state (with its reason, from hub/autopay/run-charges.ts and resolve-unknown.ts) as a sentence that
 * says what the citizen should do, if anything. `limitMinor` is the autopay's limit (for over-limit
 * bills); `autopayStatus` its status (a paused one will not make its announced debits).
 */
export function chargeRows(
  charges: ChargeAnswer[],
  limitMinor: number,
  t: TFunction,
  locale: Locale,
  count = 5,
  autopayStatus = 'active',
): ChargeRow[] {
  return charges.slice(0, count).map((charge) => {
    const money = (minor: number) => formatMoney(minor, charge.currency, locale);
    const due = formatDateIST(charge.dueDate, locale);
    const values = {
      amount: money(charge.amountMinor),
      limit: money(limitMinor),
      due,
      date: formatDateIST(charge.chargeAt, locale),
      when: formatDateTimeIST(charge.chargeAt, locale),
    };
    let key = `autopay.chargeSentence.${charge.status}`;
    // A paused autopay skips a debit that falls due meanwhile (hub/autopay README "Pause, resume, cancel").
    if (charge.status === 'scheduled' && autopayStatus === 'paused') {
      key = 'autopay.chargeSentence.scheduled_paused';
    } else if (charge.status === 'skipped' && charge.reason && SKIP_REASONS.includes(charge.reason)) {
      key = `autopay.chargeSentence.skipped_${charge.reason}`;
    } else if (charge.status === 'failed' && charge.reason && FAIL_REASONS.includes(charge.reason)) {
      key = `autopay.chargeSentence.failed_${charge.reason}`;
    }
    let sentence = t(key, values);
    // The notice period ended after the due date (hub/autopay README "Near the due date"): say so.
    if (charge.status === 'scheduled' && autopayStatus !== 'paused' && istDay(charge.chargeAt) > charge.dueDate) {
      sentence = `${sentence} ${t('autopay.chargeSentence.afterDueDate', values)}`;
    }
    return {
      id: charge.id,
      status: charge.status,
      bill: charge.billNumberMasked,
      due,
      amount: values.amount,
      // A bill above the limit has no payment date: it is never debited.
      on: charge.status === 'over_limit' ? '–' : values.date,
      tag: t(`autopay.chargeStatuses.${charge.status}`),
      tagColour: TAG_COLOURS[charge.status] ?? 'grey',
      sentence,
      ...(charge.status === 'charged' && charge.paymentId ? { paymentId: charge.paymentId } : {}),
    };
  });
}
