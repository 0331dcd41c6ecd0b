import type { IncomingMessage } from 'node:http';
import type { ComplaintView, NewComplaint, PaymentFeedback } from '../../../hub/portal/api/complaint-types.js';
import type { PaymentView } from '../../../hub/portal/api/types.js';
import type { StubRoute } from './api-stub.js';
import { jsonAnswer as json, problemAnswer as problem } from './stub-answers.js';

/** A final payment of two bills: electricity paid to the biller, water refused by it and refunded. */
export const PAID_ID = 'pay_stub_complaints';
/** A payment still being sent to the billers. */
export const SETTLING_ID = 'pay_stub_complaints_settling';
export const SETTLED_LINE = 'line_settled';
export const REFUNDED_LINE = 'line_refunded';
/** The refund of the water bill, as the hub's pre-check finds it. */
export const REFUND_REFERENCE = 'rfnd_stub_4512';
/** A complaint of another citizen's: the hub answers 404, as for an unknown one. */
export const OTHERS_ID = 'CMP0000000000ZZ';
/** Complaints every citizen of the stub has: one past its promised date, one escalated. */
export const OVERDUE_ID = 'CMP00000000000A';
export const ESCALATED_ID = 'CMP00000000000B';
/** A description that makes the stub answer as a hub that is down (503). */
export const HUB_DOWN = 'HUB DOWN';
/** When a new complaint is raised in the stub (and 7 days later its answer is due). */
export const RAISED_AT = '2026-11-30T09:05:00.000Z';
export const DUE_AT = '2026-12-07T12:30:00.000Z';

function paymentView(id: string, status: 'settling' | 'partially_refunded'): PaymentView {
  const final = status === 'partially_refunded';
  return {
    id,
    status,
    displayStatus: status,
    currency: 'INR',
    totalMinor: 2_443_218,
    createdAt: '2026-11-30T09:00:00.000Z',
    lines: [
      {
        id: SETTLED_LINE,
        billerId: 'state-electricity',
        consumerMasked: '******3004',
        billNumber: 'EB-1',
        amountMinor: 2_258_718,
        status: final ? 'settled' : 'posting',
        displayStatus: final ? 'settled' : 'posting',
        billerReference: 'SEDC-998877',
      },
      {
        id: REFUNDED_LINE,
        billerId: 'city-water',
        consumerMasked: '******0313',
        billNumber: 'WB-2',
        amountMinor: 184_500,
        status: final ? 'refunded' : 'posting',
        displayStatus: final ? 'refunded' : 'posting',
      },
    ],
  };
}

/** The `sub` of the bearer token a request carries (the stub keeps each citizen's complaints apart). */
function subOf(req: IncomingMessage): string {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string }).sub ?? '';
  } catch {
    return '';
  }
}

const seeded = (id: string, status: 'open' | 'escalated'): ComplaintView => ({
  id,
  paymentId: PAID_ID,
  lineId: SETTLED_LINE,
  type: 'amount_deducted_not_credited',
  description: 'The bill still shows as unpaid.',
  status,
  createdAt: '2026-11-01T04:30:00.000Z',
  dueAt: '2026-11-08T12:30:00.000Z',
  owner: { sub: 'operator-7', label: 'Priya Raman' },
  timeline: [
    { at: '2026-11-01T04:30:00.000Z', event: 'raised', status: 'open' },
    { at: '2026-11-02T05:00:00.000Z', event: 'assigned', status: 'assigned', detail: 'internal: call SEDC desk' },
    ...(status === 'escalated' ? [{ at: '2026-11-08T12:31:00.000Z', event: 'escalated', status: 'escalated' }] : []),
  ],
  line: { billerId: 'state-electricity', consumerMasked: '******3004', amountMinor: 2_258_718, status: 'settled' },
});

/**
 * A stand-in for the complaint API (issue 12 contract, built by the hub in parallel) and the
 * feedback API, with the payments they are about: complaints are kept per citizen (the token's
 * `sub`), one per Idempotency-Key; a complaint about a refunded line is answered at once with the
 * refund reference (the hub's pre-check), "paid twice" waits for the biller, any other stays open
 * with its answer due in 7 days; a rating and a payment's feedback are taken once (409 after).
 */
export function complaintDesk() {
  const bySub = new Map<string, ComplaintView[]>();
  const byKey = new Map<string, ComplaintView>();
  const feedback = new Map<string, PaymentFeedback>();
  const keys: string[] = [];
  let serial = 0;
  const mine = (sub: string) => bySub.get(sub) ?? bySub.set(sub, []).get(sub) ?? [];
  const seededFor = () => [seeded(OVERDUE_ID, 'open'), seeded(ESCALATED_ID, 'escalated')];
  const find = (sub: string, id: string) => [...mine(sub), ...seededFor()].find((c) => c.id === id);

  const raise = (sub: string, input: NewComplaint, key: string): ComplaintView => {
    const payment = paymentView(PAID_ID, 'partially_refunded');
    const line = payment.lines.find((l) => l.id === input.lineId);
    serial += 1;
    const refunded = line?.status === 'refunded';
    // "Paid twice" is the one the stub's pre-check cannot answer from records: it asks the biller.
    const asking = input.type === 'paid_twice';
    const complaint: ComplaintView = {
      id: `CMP${String(serial).padStart(12, '1')}`,
      paymentId: input.paymentId,
      lineId: input.lineId,
      type: input.type,
      description: input.description,
      status: refunded ? 'resolved' : asking ? 'waiting_for_biller' : 'open',
      createdAt: RAISED_AT,
      dueAt: DUE_AT,
      ...(refunded
        ? {
            closedAt: RAISED_AT,
            disposition: {
              code: 'refunded',
              reason: 'The biller did not accept this payment, and the money was refunded to you.',
              evidence: { refundReference: REFUND_REFERENCE },
            },
          }
        : {}),
      timeline: [
        { at: RAISED_AT, event: 'raised', status: 'open', detail: 'I have not received my refund' },
        { at: RAISED_AT, event: 'pre_check', detail: 'line_refunded of payment: refunded' },
        refunded
          ? { at: RAISED_AT, event: 'pre_check.resolved', status: 'resolved', detail: 'refund rfnd' }
          : asking
            ? { at: RAISED_AT, event: 'pre_check.waiting', status: 'waiting_for_biller', detail: 'enquiry sent' }
            : { at: RAISED_AT, event: 'pre_check.open', status: 'open', detail: 'still posting' },
      ],
      ...(line
        ? {
            line: {
              billerId: line.billerId,
              consumerMasked: line.consumerMasked,
              amountMinor: line.amountMinor,
              status: line.status,
            },
          }
        : {}),
    };
    mine(sub).unshift(complaint);
    byKey.set(`${sub}:${key}`, complaint);
    return complaint;
  };

  const route: StubRoute = (path, req, body) => {
    const sub = subOf(req);
    const post = req.method === 'POST';
    const input = post && body.length ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
    if (path === `/payments/${PAID_ID}`) return json(paymentView(PAID_ID, 'partially_refunded'));
    if (path === `/payments/${SETTLING_ID}`) return json(paymentView(SETTLING_ID, 'settling'));
    if (path === `/payments/${SETTLING_ID}/sync`) return json(paymentView(SETTLING_ID, 'settling'));
    if (path === `/payments/${PAID_ID}/receipt`) return problem(404, 'receipt_not_found');
    if (path === '/payments' && !post) return json({ payments: [paymentView(PAID_ID, 'partially_refunded')] });
    if (path === `/payments/${PAID_ID}/feedback`) {
      const given = feedback.get(sub);
      if (!post) return given ? json(given) : problem(404, 'feedback_not_found');
      if (given) return problem(409, 'feedback_already_given');
      feedback.set(sub, { score: Number(input.score), comment: input.comment as string | undefined, at: RAISED_AT });
      return json(feedback.get(sub), 201);
    }
    if (path === '/complaints' && post) {
      const raised = input as unknown as NewComplaint;
      if (raised.description === HUB_DOWN) return { status: 503, type: 'text/plain', body: 'down' };
      if (raised.paymentId !== PAID_ID) return problem(404, 'not_found');
      const key = String(req.headers['idempotency-key'] ?? '');
      keys.push(key);
      return json(byKey.get(`${sub}:${key}`) ?? raise(sub, raised, key), 201);
    }
    if (path === '/complaints') return json({ complaints: [...mine(sub), ...seededFor()] });
    const rating = /^\/complaints\/([^/]+)\/rating$/.exec(path);
    if (rating && post) {
      const complaint = find(sub, rating[1] as string);
      if (!complaint) return problem(404, 'complaint_not_found');
      if (complaint.rating) return problem(409, 'complaint_already_rated');
      if (!['resolved', 'rejected'].includes(complaint.status)) return problem(409, 'complaint_not_closed');
      complaint.rating = { score: Number(input.score), comment: input.comment as string | undefined, at: RAISED_AT };
      return json(complaint);
    }
    const one = /^\/complaints\/([^/]+)$/.exec(path);
    if (one) {
      const complaint = find(sub, one[1] as string);
      return complaint ? json(complaint) : problem(404, 'complaint_not_found');
    }
    return undefined;
  };

  return {
    route,
    /** How many complaints have been raised in the stub, by every citizen. */
    raised: () => serial,
    /** Every Idempotency-Key a POST /complaints carried, in order. */
    keys,
  };
}
