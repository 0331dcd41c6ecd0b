import type { TFunction } from 'i18next';
import { formatDateIST, formatDateTimeIST, formatMoney } from '../../../infra/web/format.js';
import type { Locale } from '../../../infra/web/locale.js';
import {
  CLOSED_COMPLAINT_STATUSES,
  COMPLAINT_STATUSES,
  COMPLAINT_TYPES,
  type ComplaintView,
} from '../api/complaint-types.js';
import { scoreWords } from './score-form.js';

/** A status's tag colour (govuk-tag modifiers; each passes AA contrast). */
const TAG_COLOURS: Record<string, string> = {
  open: 'blue',
  assigned: 'light-blue',
  waiting_for_biller: 'yellow',
  resolved: 'green',
  rejected: 'grey',
  escalated: 'purple',
};

/**
 * Dispositions with words of their own (complaint.disposition.<code>); any other code is said by
 * the complaint's status ("resolved" or "not upheld") with the hub's reason beside it.
 */
const KNOWN_DISPOSITIONS = new Set([
  'credited_to_biller',
  'refunded',
  'duplicate_refunded',
  'amount_corrected',
  'receipt_sent',
  'rejected_no_fault',
  'rejected_duplicate_complaint',
  'rejected_outside_scope',
]);

/** Timeline events with words of their own (complaint.event.<event>); others are said by their status. */
const KNOWN_EVENTS = new Set([
  'raised',
  'pre_check',
  'pre_check.resolved',
  'pre_check.waiting',
  'pre_check.open',
  'follow_up.resolved',
  'follow_up.needs_person',
  'assigned',
  'resolved',
  'rejected',
  'escalated',
  'rated',
]);

/** What the citizen sees of a complaint's line: the biller's name, the masked consumer and the amount. */
export interface LineWords {
  billerName: string;
  consumerMasked: string;
  amount: string;
}

const isClosed = (complaint: ComplaintView) => CLOSED_COMPLAINT_STATUSES.includes(complaint.status);

/** The words and tag of a status; an unknown one is "being looked at" (the hub may add statuses). */
function statusWords(status: string, t: TFunction) {
  const known = (COMPLAINT_STATUSES as readonly string[]).includes(status);
  return {
    text: t(known ? `complaint.status.${status}` : 'complaint.status.unknown'),
    tag: `govuk-tag--${TAG_COLOURS[status] ?? 'grey'}`,
  };
}

/** The line a complaint is about, in words, or undefined for the whole payment. */
function lineWords(complaint: ComplaintView, names: Record<string, string>, locale: Locale): LineWords | undefined {
  if (!complaint.line) return undefined;
  return {
    billerName: names[complaint.line.billerId] ?? complaint.line.billerId,
    consumerMasked: complaint.line.consumerMasked,
    amount: formatMoney(complaint.line.amountMinor, 'INR', locale),
  };
}

/**
 * One row of the complaints list: the id, what it is about, its type and status in words, when it
 * was raised and when it is due (IST dates), and whether it is past its promised date or escalated.
 * `now` is when the page is drawn (ms since the epoch).
 */
export function complaintRow(
  complaint: ComplaintView,
  t: TFunction,
  locale: Locale,
  names: Record<string, string>,
  now: number,
) {
  const closed = isClosed(complaint);
  const type = (COMPLAINT_TYPES as readonly string[]).includes(complaint.type) ? complaint.type : 'other';
  return {
    id: complaint.id,
    paymentId: complaint.paymentId,
    lineId: complaint.lineId,
    line: lineWords(complaint, names, locale),
    typeText: t(`complaint.types.${type}`),
    status: complaint.status,
    statusWords: statusWords(complaint.status, t),
    raised: formatDateIST(complaint.createdAt, locale),
    due: formatDateIST(complaint.dueAt, locale),
    closed,
    closedOn: complaint.closedAt ? formatDateIST(complaint.closedAt, locale) : undefined,
    // Past the promised date and still not answered: the citizen is told, not left to work it out.
    overdue: !closed && Date.parse(complaint.dueAt) < now,
    escalated: complaint.status === 'escalated',
  };
}

/**
 * A complaint's answer in words: what was decided (the disposition's own words, or the status's),
 * the hub's reason as written, and each piece of evidence with its label (refund reference, the
 * biller's reference, a reconciliation case). Undefined while there is no disposition.
 */
export function answerWords(complaint: ComplaintView, t: TFunction) {
  const disposition = complaint.disposition;
  if (!disposition) return undefined;
  const evidence = disposition.evidence ?? {};
  const headline = KNOWN_DISPOSITIONS.has(disposition.code)
    ? t(`complaint.disposition.${disposition.code}`)
    : t(complaint.status === 'rejected' ? 'complaint.disposition.rejected' : 'complaint.disposition.resolved');
  return {
    code: disposition.code,
    headline,
    reason: disposition.reason,
    evidence: [
      ['refundReference', evidence.refundReference],
      ['billerReference', evidence.billerReference],
      ['reconCaseId', evidence.reconCaseId],
    ]
      .filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '')
      .map(([name, value]) => ({ name, label: t(`complaint.evidence.${name}`), value })),
  };
}

/**
 * The timeline oldest first, each entry's time in IST and its event in words (an event without words
 * of its own is said by the status it led to). Entries' `detail` is for operators and never shown
 * (it can name who handles the complaint). Repeats in a row (the pre-check's several steps) show once.
 */
function timelineWords(complaint: ComplaintView, t: TFunction, locale: Locale) {
  const entries = [...complaint.timeline]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((entry) => ({
      at: formatDateTimeIST(entry.at, locale),
      iso: entry.at,
      text: KNOWN_EVENTS.has(entry.event)
        ? t(`complaint.event.${entry.event.replace('.', '_')}`)
        : entry.status
          ? t('complaint.event.statusChanged', { status: statusWords(entry.status, t).text })
          : t('complaint.event.updated'),
    }));
  return entries.filter((entry, i) => i === 0 || entry.text !== entries[i - 1]?.text);
}

/**
 * The complaint page's facts: the row's, plus the description, who handles it (never a name:
 * "our team"), the answer, the timeline oldest first with IST times, the rating given (in words),
 * and whether the citizen may rate it now (answered, not rated yet).
 */
export function complaintDetail(
  complaint: ComplaintView,
  t: TFunction,
  locale: Locale,
  names: Record<string, string>,
  now: number,
) {
  const row = complaintRow(complaint, t, locale, names, now);
  return {
    ...row,
    description: complaint.description,
    raisedAt: formatDateTimeIST(complaint.createdAt, locale),
    closedAt: complaint.closedAt ? formatDateTimeIST(complaint.closedAt, locale) : undefined,
    handledByTeam: Boolean(complaint.owner) && !row.closed,
    answer: answerWords(complaint, t),
    timeline: timelineWords(complaint, t, locale),
    rating: complaint.rating
      ? { words: scoreWords(t, locale, complaint.rating.score), comment: complaint.rating.comment }
      : undefined,
    canRate: row.closed && !complaint.rating,
  };
}
