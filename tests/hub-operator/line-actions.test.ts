import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enquireNow } from '../../hub/operator/actions/enquire-line.js';
import { refundHeldLine } from '../../hub/operator/actions/refund-line.js';
import { repostLine } from '../../hub/operator/actions/repost-line.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { type OperatorHarness, startOperatorHarness } from './operator-harness.js';
import { refusal } from './refusal.js';

describe("an operator's line actions go through settlement's own steps, and each is audited done or refused", () => {
  let o: OperatorHarness;

  beforeAll(async () => {
    o = await startOperatorHarness('operator_lines');
  });
  afterAll(async () => {
    await o?.close();
  });

  const lastEntry = async (subjectId: string) => (await o.audit.list({ subjectId, limit: 1 }))[0];

  it('enquire now settles an unknown line whose posting the biller has, and the payment completes with its ledger balanced', async () => {
    const { payment, line } = await o.unknownLine('gas', { postedAtBiller: true });

    const answer = await enquireNow(o.deps, line._id, o.asOperator('citizen says the bill still shows due'));

    expect(answer).toMatchObject({ lineId: line._id, outcome: 'settled', status: 'settled' });
    const done = await o.h.finished(payment._id);
    expect(done.status).toBe('completed');
    expect((await o.h.ledger.checkLedger(payment._id)).problems).toEqual([]);
    expect(await lastEntry(line._id)).toMatchObject({
      action: 'line.enquire',
      outcome: 'done',
      paymentId: payment._id,
      reason: 'citizen says the bill still shows due',
      actor: { sub: 'operator-1', label: 'Asha (operations)' },
    });
  });

  it('enquire now on a line that is not unknown is refused with the state it found, and the refusal is audited', async () => {
    const { line } = await o.heldLine();

    const refused = await refusal(enquireNow(o.deps, line._id, o.asOperator()));

    expect(refused).toMatchObject({ status: 409, code: 'state_moved', found: 'held' });
    expect(refused.message).toContain('not unknown');
    expect(await lastEntry(line._id)).toMatchObject({ action: 'line.enquire', outcome: 'refused' });
  });

  it('a re-post keeps the reference, the biller counts one posting, and the line settles once', async () => {
    const { payment, line } = await o.unknownLine('electricity', { postedAtBiller: true });
    expect(await o.h.billers.postings('electricity', line.reference)).toBe(1);

    const answer = await repostLine(o.deps, line._id, o.asOperator('the biller says it never answered'));

    expect(answer).toEqual({ lineId: line._id, status: 'posting', reference: line.reference });
    const done = await o.h.finished(payment._id);
    expect(done.lines[0]).toMatchObject({ status: 'settled', reference: line.reference });
    expect(await o.h.billers.postings('electricity', line.reference)).toBe(1);
    expect(done.timeline.filter((e) => e.lineId === line._id && e.to === 'settled')).toHaveLength(1);
    const ledger = await o.h.ledger.checkLedger(payment._id);
    expect(ledger.problems).toEqual([]);
    expect(await lastEntry(line._id)).toMatchObject({ action: 'line.repost', outcome: 'done' });
  });

  it('a re-post of a line that already settled is refused with the state found and posts nothing', async () => {
    const { payment, line } = await o.unknownLine('electricity', { postedAtBiller: true });
    await enquireNow(o.deps, line._id, o.asOperator());
    await o.h.finished(payment._id);

    const refused = await refusal(repostLine(o.deps, line._id, o.asOperator('second operator, same idea')));

    expect(refused).toMatchObject({ status: 409, code: 'state_moved', found: 'settled' });
    expect(await o.h.billers.postings('electricity', line.reference)).toBe(1);
    expect(await lastEntry(line._id)).toMatchObject({ action: 'line.repost', outcome: 'refused' });
  });

  it('a held-line refund reaches refunded with its ledger movement, and the ledger check is balanced', async () => {
    const { payment, line } = await o.heldLine('water');

    const answer = await refundHeldLine(o.deps, line._id, o.asOperator('gateway fixed the refund limit'));

    expect(answer).toMatchObject({ lineId: line._id, status: 'refunding' });
    const done: Payment = await o.h.finished(payment._id);
    expect(done.status).toBe('refunded');
    expect(done.lines[0]?.status).toBe('refunded');
    const ledger = await o.h.ledger.checkLedger(payment._id);
    expect(ledger.problems).toEqual([]);
    expect(ledger.totals).toMatchObject({ refundedMinor: line.amountMinor, inFlightMinor: 0 });
    const movements = await o.h.ledger.model.find({ paymentId: payment._id }).lean();
    expect(movements.map((t) => t._id)).toContain(`refund:${line._id}`);
    expect(await lastEntry(line._id)).toMatchObject({ action: 'line.refund', outcome: 'done' });
  });

  it('refunding a line that is not held is refused with the state found, and audited', async () => {
    const { payment, line } = await o.unknownLine('gas');

    const refused = await refusal(refundHeldLine(o.deps, line._id, o.asOperator('refund it, please')));

    expect(refused).toMatchObject({ status: 409, code: 'state_moved', found: 'unknown' });
    expect((await o.h.payments.findById(payment._id))?.lines[0]?.status).toBe('unknown');
    expect(await lastEntry(line._id)).toMatchObject({ action: 'line.refund', outcome: 'refused' });
  });

  it('an action on a line that does not exist is a 404, audited as refused', async () => {
    const refused = await refusal(repostLine(o.deps, 'LIN00000000000000000000', o.asOperator()));

    expect(refused).toMatchObject({ status: 404, code: 'not_found' });
    expect(await lastEntry('LIN00000000000000000000')).toMatchObject({ action: 'line.repost', outcome: 'refused' });
  });
});
