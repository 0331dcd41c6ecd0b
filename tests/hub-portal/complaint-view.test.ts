import { describe, expect, it } from 'vitest';
import type { ComplaintView } from '../../hub/portal/api/complaint-types.js';
import { LOCALES_DIR } from '../../hub/portal/index.js';
import { answerWords, complaintDetail, complaintRow } from '../../hub/portal/routes/complaint-view.js';
import { createTranslator } from '../../infra/web/i18n.js';

const t = createTranslator(LOCALES_DIR)('en');
const names = { 'city-water': 'City Water Board' };
const DUE = '2026-12-07T12:30:00.000Z';

/** An open complaint about the whole payment, due at DUE, handled by a named operator. */
const complaint = (extra: Partial<ComplaintView> = {}): ComplaintView => ({
  id: 'CMP0000000000AB',
  paymentId: 'PAY1',
  type: 'wrong_amount',
  description: 'Charged ₹10 more.',
  status: 'assigned',
  createdAt: '2026-11-30T09:00:00.000Z',
  dueAt: DUE,
  owner: { sub: 'op-1', label: 'Priya Raman' },
  timeline: [{ at: '2026-11-30T09:00:00.000Z', event: 'raised', status: 'open' }],
  ...extra,
});

describe('a complaint in words', () => {
  it('is overdue only once its promised time has passed and only while it is not answered', () => {
    const due = Date.parse(DUE);
    expect(complaintRow(complaint(), t, 'en', names, due - 1).overdue).toBe(false);
    expect(complaintRow(complaint(), t, 'en', names, due + 1).overdue).toBe(true);
    expect(complaintRow(complaint({ status: 'resolved' }), t, 'en', names, due + 1).overdue).toBe(false);
    expect(complaintRow(complaint({ status: 'escalated' }), t, 'en', names, due + 1)).toMatchObject({
      overdue: true,
      escalated: true,
    });
  });

  it('says the due date as an IST calendar day in words', () => {
    // 23:00 UTC on 7 December is already 8 December in India.
    const row = complaintRow(complaint({ dueAt: '2026-12-07T23:00:00.000Z' }), t, 'en', names, 0);
    expect(row.due).toBe('8 December 2026');
  });

  it('a status, disposition or event the portal has no words for is said by the status, never as a raw code', () => {
    const odd = complaint({
      status: 'reopened_by_biller',
      disposition: { code: 'biller_goodwill_credit', reason: 'Credited as a goodwill gesture.' },
      timeline: [
        { at: '2026-11-30T09:00:00.000Z', event: 'sla_timer_reset', status: 'resolved' },
        { at: '2026-11-30T10:00:00.000Z', event: 'internal_note' },
      ],
    });
    const detail = complaintDetail(odd, t, 'en', names, 0);
    expect(detail.statusWords.text).toBe('Being looked at');
    expect(detail.answer?.headline).toBe('Your complaint is resolved.');
    expect(detail.answer?.reason).toBe('Credited as a goodwill gesture.');
    expect(detail.timeline.map((entry) => entry.text)).toEqual(['Status: Resolved', 'Updated']);
    expect(detail.timeline.map((entry) => entry.text).join(' ')).not.toMatch(/sla_timer_reset|internal_note/);
  });

  it('the hub’s events are in words, its pre-check steps once, and no entry’s detail is shown', () => {
    const at = (minute: number) => `2026-11-30T09:0${minute}:00.000Z`;
    const detail = complaintDetail(
      complaint({
        timeline: [
          { at: at(0), event: 'raised', status: 'open', detail: 'The wrong amount was taken' },
          { at: at(0), event: 'pre_check', detail: 'line LIN1 is settled' },
          { at: at(0), event: 'pre_check', detail: 'biller reference SEDC-1' },
          { at: at(0), event: 'pre_check.open', status: 'open', detail: 'nothing found' },
          { at: at(5), event: 'assigned', detail: 'assigned to Priya Raman: checking' },
          { at: at(6), event: 'status_changed', status: 'waiting_for_biller', detail: 'asked SEDC' },
        ],
      }),
      t,
      'en',
      names,
      0,
    );
    expect(detail.timeline.map((entry) => entry.text)).toEqual([
      'You raised the complaint',
      'We checked our records of the payment',
      'Our records did not answer it, so our team will look into it',
      'Our team picked it up',
      'Status: Waiting for the biller',
    ]);
    expect(JSON.stringify(detail.timeline)).not.toMatch(/Priya|SEDC|LIN1/);
  });

  it('the evidence is named in words, only the parts the hub gave', () => {
    const answer = answerWords(
      complaint({
        status: 'resolved',
        disposition: {
          code: 'credited_to_biller',
          reason: '',
          evidence: { billerReference: 'SEDC-1', reconCaseId: '' },
        },
      }),
      t,
    );
    expect(answer?.headline).toBe('The biller has received your payment.');
    expect(answer?.evidence).toEqual([{ name: 'billerReference', label: 'Biller’s reference', value: 'SEDC-1' }]);
  });

  it('the owner is only ever "our team": no name or id reaches the page, and not once answered', () => {
    const open = complaintDetail(complaint(), t, 'en', names, 0);
    expect(open.handledByTeam).toBe(true);
    expect(JSON.stringify(open)).not.toMatch(/Priya|op-1/);
    expect(complaintDetail(complaint({ status: 'resolved' }), t, 'en', names, 0).handledByTeam).toBe(false);
  });

  it('may be rated once answered (resolved or rejected) and not before, nor twice', () => {
    const at = '2026-12-01T00:00:00.000Z';
    expect(complaintDetail(complaint(), t, 'en', names, 0).canRate).toBe(false);
    expect(complaintDetail(complaint({ status: 'rejected' }), t, 'en', names, 0).canRate).toBe(true);
    const rated = complaintDetail(complaint({ status: 'resolved', rating: { score: 2, at } }), t, 'en', names, 0);
    expect(rated.canRate).toBe(false);
    expect(rated.rating?.words).toBe('2 out of 5 (Poor)');
  });
});
