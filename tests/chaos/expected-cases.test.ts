import { describe, expect, it } from 'vitest';
import type { DrivenPayment } from '../../bench/chaos/driver.js';
import { accountForCases } from '../../bench/chaos/expected-cases.js';

const paid = (index: number, fault?: string): DrivenPayment => ({
  index,
  outcome: 'paid',
  paymentId: `PAY${index}`,
  orderId: `order_${index}`,
  ...(fault ? { fault } : {}),
});
const heldCase = (paymentId: string) => ({ key: `held_payment:${paymentId}`, class: 'held_payment', paymentId });

describe('accounting for the open reconciliation cases of a chaos run', () => {
  it('a held_payment case for each held partial capture is expected, so nothing is left unexplained', () => {
    const driven = [paid(1, 'partial_capture'), paid(2), paid(3, 'partial_capture')];
    const account = accountForCases(driven, (id) => (id === 'PAY2' ? 'completed' : 'held'), {
      openCases: [heldCase('PAY1'), heldCase('PAY3')],
    });
    expect(account).toEqual({
      partialCaptures: 2,
      heldAsPlanned: ['PAY1', 'PAY3'],
      notHeld: [],
      unexplainedCases: [],
    });
  });

  it('a held payment with no partial capture planned, or any other class of case, is unexplained', () => {
    const driven = [paid(1, 'partial_capture'), paid(2, 'webhook_loss')];
    const account = accountForCases(driven, () => 'held', {
      openCases: [
        heldCase('PAY1'),
        heldCase('PAY2'),
        { key: 'amount_mismatch:PAY1', class: 'amount_mismatch', paymentId: 'PAY1' },
      ],
    });
    expect(account.unexplainedCases).toEqual(['held_payment:PAY2', 'amount_mismatch:PAY1']);
  });

  it('a partial capture the hub settled or left unpaid is reported as not held', () => {
    const driven = [paid(1, 'partial_capture'), paid(2, 'partial_capture')];
    const statuses: Record<string, string> = { PAY1: 'completed' };
    const account = accountForCases(driven, (id) => statuses[id], { openCases: [] });
    expect(account.heldAsPlanned).toEqual([]);
    expect(account.notHeld).toEqual(['PAY1 completed', 'PAY2 missing']);
  });

  it('a partial capture whose held_payment case is not open yet (applied late by reconciliation) is still held as planned', () => {
    const account = accountForCases([paid(1, 'partial_capture')], () => 'held', { openCases: [] });
    expect(account).toMatchObject({ partialCaptures: 1, heldAsPlanned: ['PAY1'], unexplainedCases: [] });
  });
});
