import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import type { ReconCase } from '../reconciliation/recon-store.js';
import type { Disposition } from './complaint-model.js';
import type { ComplaintType } from './complaint-types.js';

/**
 * What the hub's own records say about a complaint, before a person looks at it:
 * - `resolved`: the records answer it (the biller confirmed the line: its reference; the line was
 *   refunded: the refund's reference), with the disposition to close it with;
 * - `waiting`: the answer is on its way (a refund under way, a status enquiry of an unknown line);
 *   the follow-up job closes it when it comes;
 * - `open`: a person must look; `detail` says what was found.
 */
export type Finding =
  | { outcome: 'resolved'; disposition: Disposition; detail: string }
  | { outcome: 'waiting'; detail: string; enquire?: boolean }
  | { outcome: 'open'; detail: string };

/** Types whose question ("where is my money?") the line's state answers by itself. */
const MONEY_TYPES: readonly ComplaintType[] = ['amount_deducted_not_credited', 'refund_not_received'];

/** Another captured line paying the same bill (billKey), for "paid twice". */
export interface SameBillLine {
  paymentId: string;
  line: PaymentLine;
}

/** The facts the pre-check judges: the payment, the line complained about, open reconciliation cases, other lines of the bill. */
export interface PreCheckFacts {
  payment: Payment;
  line?: PaymentLine;
  type: ComplaintType;
  openCases: ReconCase[];
  sameBill: SameBillLine[];
}

/** The gateway refund's reference the hub holds: the refund key it asked with (the line id), as the receipt shows it. */
export const refundReferenceOf = (line: PaymentLine) => line.refundKey ?? line._id;

function lineFinding(line: PaymentLine, type: ComplaintType): Finding {
  const about = `line ${line._id} (${line.billerId}, ${line.consumerMasked})`;
  switch (line.status) {
    case 'settled':
      if (!line.billerReference) return { outcome: 'open', detail: `${about} is settled but has no biller reference` };
      return {
        outcome: 'resolved',
        detail: `${about} is settled: the biller confirmed it with reference ${line.billerReference}`,
        disposition: {
          code: 'credited_to_biller',
          ...(type === 'refund_not_received'
            ? {
                reason: 'The bill was paid to the biller, so no refund is due.',
                reasonKey: 'paid_to_biller_no_refund_due' as const,
              }
            : {
                reason: 'The biller has received this payment and marked the bill paid.',
                reasonKey: 'received_by_biller' as const,
              }),
          evidence: { billerReference: line.billerReference },
        },
      };
    case 'refunded':
      return {
        outcome: 'resolved',
        detail: `${about} was refunded (refund reference ${refundReferenceOf(line)})`,
        disposition: {
          code: 'refunded',
          reason: 'The biller did not accept this payment, and the money was refunded to you.',
          reasonKey: 'refused_and_refunded',
          evidence: { refundReference: refundReferenceOf(line) },
        },
      };
    case 'failed':
    case 'refunding':
      return {
        outcome: 'waiting',
        detail: `${about} was refused by the biller; its refund (reference ${refundReferenceOf(line)}) is under way`,
      };
    case 'unknown':
      // Enquiries given up (no next one due): reconciliation and a person, never a guess.
      if ((line.enquiries ?? 0) > 0 && !line.nextAttemptAt) {
        return { outcome: 'open', detail: `${about}: the biller's answer is unknown and status enquiries gave up` };
      }
      return {
        outcome: 'waiting',
        enquire: true,
        detail: `${about}: the biller's answer is unknown; asking the biller`,
      };
    case 'held':
      return {
        outcome: 'open',
        detail: `${about}: its refund was refused by the gateway and waits for an operator (${line.failureMessage ?? line.failureCode ?? 'no reason recorded'})`,
      };
    default:
      return { outcome: 'open', detail: `${about} is still ${line.status} at the biller` };
  }
}

function paidTwiceFinding(facts: PreCheckFacts, line: PaymentLine): Finding {
  if (facts.sameBill.length === 0) {
    return { outcome: 'open', detail: `no other captured payment of the bill of line ${line._id} was found` };
  }
  const all = [{ paymentId: facts.payment._id, line }, ...facts.sameBill];
  const refunded = all.find((entry) => entry.line.status === 'refunded');
  const others = facts.sameBill.map((o) => `${o.paymentId}/${o.line._id} (${o.line.status})`).join(', ');
  if (refunded) {
    return {
      outcome: 'resolved',
      detail: `the same bill was also paid by ${others}; line ${refunded.line._id} was refunded`,
      disposition: {
        code: 'duplicate_refunded',
        reason: 'The bill was paid twice; the second payment was refunded to you.',
        reasonKey: 'paid_twice_refunded',
        evidence: { refundReference: refundReferenceOf(refunded.line) },
      },
    };
  }
  if (all.some((entry) => entry.line.status === 'refunding' || entry.line.status === 'failed')) {
    return { outcome: 'waiting', detail: `the same bill was also paid by ${others}; a refund is under way` };
  }
  return { outcome: 'open', detail: `the same bill was also paid by ${others}` };
}

/**
 * Judges a complaint by the records alone (no I/O): see Finding. An open reconciliation case
 * about the payment or line turns an answer into `open`: the records disagree somewhere, so a
 * person decides. Money types are answered from the line's state; "paid twice" from the other
 * captured lines of the same bill; the other types always go to a person, with what was found.
 */
export function judge(facts: PreCheckFacts): Finding {
  const { payment, line, type } = facts;
  if (!CAPTURED_STATUSES.includes(payment.status)) {
    return {
      outcome: 'open',
      detail: `payment ${payment._id} is ${payment.status}: the gateway has not reported taking the money`,
    };
  }
  if (payment.status === 'held') {
    return { outcome: 'open', detail: `payment ${payment._id} is held for an operator: ${payment.hold?.detail ?? ''}` };
  }
  if (!line) {
    const states = payment.lines.map((l) => `${l._id} ${l.status}`).join(', ');
    return { outcome: 'open', detail: `payment ${payment._id} is ${payment.status}; its lines: ${states}` };
  }
  const finding: Finding =
    type === 'paid_twice'
      ? paidTwiceFinding(facts, line)
      : MONEY_TYPES.includes(type)
        ? lineFinding(line, type)
        : { outcome: 'open', detail: lineFinding(line, type).detail };
  const cases = facts.openCases.map((c) => `${c._id}: ${c.detail}`).join('; ');
  if (finding.outcome === 'resolved' && cases) {
    return { outcome: 'open', detail: `${finding.detail}; but reconciliation has open cases (${cases})` };
  }
  return cases ? { ...finding, detail: `${finding.detail}; reconciliation cases: ${cases}` } : finding;
}

/** What the pre-check reads with: the payments, the open reconciliation cases, and the enquiry path. */
export interface PreCheckDeps {
  payments: Pick<PaymentStore, 'findById' | 'model'>;
  /** Open recon_cases about a payment (and its lines). */
  openCases(paymentId: string): Promise<ReconCase[]>;
  /**
   * A status enquiry of an unknown line now (hub/settlement/enquiry.ts enquireLine, which also
   * requeues a resolved line for its ledger booking or refund). Absent: the status-enquiry job asks.
   */
  enquire?: (payment: Payment, line: PaymentLine) => Promise<unknown>;
  /** How long the raise waits for the enquiry; past it the complaint waits, and the enquiry goes on. */
  enquiryTimeoutMs: number;
  log: { warn(obj: object, msg: string): void };
}

/** Other captured lines (in other payments or this one) paying the same bill as `line`. */
export async function sameBillLines(payments: PreCheckDeps['payments'], line: PaymentLine): Promise<SameBillLine[]> {
  const found = await payments.model
    .find({ 'lines.billKey': line.billKey, status: { $in: CAPTURED_STATUSES } })
    .limit(20)
    .lean<Payment[]>()
    .exec();
  return found.flatMap((other) =>
    other.lines
      .filter((l) => l.billKey === line.billKey && l._id !== line._id)
      .map((l) => ({ paymentId: other._id, line: l })),
  );
}

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/** The facts of a payment and line as they are now. */
export async function readFacts(
  deps: Pick<PreCheckDeps, 'payments' | 'openCases'>,
  payment: Payment,
  line: PaymentLine | undefined,
  type: ComplaintType,
): Promise<PreCheckFacts> {
  const cases = await deps.openCases(payment._id);
  return {
    payment,
    line,
    type,
    openCases: cases.filter((c) => !line || !c.lineId || c.lineId === line._id),
    sameBill: type === 'paid_twice' && line ? await sameBillLines(deps.payments, line) : [],
  };
}

/**
 * The pre-check of a complaint being raised: judges the records; for a line whose outcome is
 * unknown, asks the biller now (a status enquiry, at most enquiryTimeoutMs) and judges again with
 * the answer. Returns the finding, the open reconciliation cases' ids, and every step for the timeline.
 */
export async function preCheck(
  deps: PreCheckDeps,
  payment: Payment,
  line: PaymentLine | undefined,
  type: ComplaintType,
): Promise<{ finding: Finding; reconCaseIds: string[]; steps: string[] }> {
  let facts = await readFacts(deps, payment, line, type);
  let finding = judge(facts);
  const steps = [finding.detail];
  if (finding.outcome === 'waiting' && finding.enquire && line && deps.enquire) {
    try {
      const answer = await withTimeout(deps.enquire(payment, line), deps.enquiryTimeoutMs);
      steps.push(
        answer === 'timeout' ? 'the status enquiry is taking longer; it goes on' : `status enquiry: ${answer}`,
      );
    } catch (error) {
      deps.log.warn({ err: error, paymentId: payment._id, lineId: line._id }, 'status enquiry at a complaint failed');
      steps.push('the status enquiry could not be made now; it is retried');
    }
    const fresh = await deps.payments.findById(payment._id);
    const freshLine = fresh?.lines.find((l) => l._id === line._id);
    if (fresh && freshLine) {
      facts = await readFacts(deps, fresh, freshLine, type);
      finding = judge(facts);
      // Still unknown after the enquiry: wait for the enquiries to come (the follow-up job watches the line).
      if (finding.outcome === 'waiting') finding = { outcome: 'waiting', detail: finding.detail };
      steps.push(finding.detail);
    }
  }
  return { finding, reconCaseIds: facts.openCases.map((c) => c._id), steps };
}
