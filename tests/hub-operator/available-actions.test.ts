import { describe, expect, it } from 'vitest';
import { availableActions } from '../../hub/operator/available-actions.js';
import type { Payment, PaymentLine } from '../../hub/payments/payment-model.js';

const line = (id: string, status: PaymentLine['status']) => ({ _id: id, status, reference: `HUB${id}` }) as PaymentLine;
const payment = (status: Payment['status'], lines: PaymentLine[]) =>
  ({ _id: 'PAY1', status, lines }) as Pick<Payment, '_id' | 'status' | 'lines'>;

describe('the actions a payment page offers follow its and its lines’ states', () => {
  it('offers enquiry and re-post for an unknown line of a settling payment, refund for a held line, and a note always', () => {
    const actions = availableActions(
      payment('settling', [line('L1', 'unknown'), line('L2', 'held'), line('L3', 'settled')]),
    );

    expect(actions.map((a) => `${a.action} ${a.subject.id}`)).toEqual([
      'line.enquire L1',
      'line.repost L1',
      'line.refund L2',
      'payment.annotate PAY1',
    ]);
    expect(actions[1]?.path).toBe('/operator/lines/L1/repost');
  });

  it('offers a whole refund for a held payment and nothing for a final one but a note', () => {
    expect(availableActions(payment('held', [line('L1', 'pending')])).map((a) => a.action)).toEqual([
      'payment.refund',
      'payment.annotate',
    ]);
    expect(availableActions(payment('completed', [line('L1', 'settled')])).map((a) => a.action)).toEqual([
      'payment.annotate',
    ]);
  });
});
