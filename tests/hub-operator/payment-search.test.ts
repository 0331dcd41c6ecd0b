import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import { Ledger } from '../../hub/ledger/index.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import { PaymentDetails } from '../../hub/operator/payment-detail.js';
import { indianMidnight, PaymentSearch, SearchInputError } from '../../hub/operator/payment-search.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import type { Connection } from '../../infra/mongo.js';
import { capturedPayment, lineOf, newLine, newPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

/** Operators' payment search and detail over a database of their own. */
describe('the operator payment search', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let search: PaymentSearch;
  /** Made on 2026-11-29 (India), captured; electricity consumer 100200300 and water W-77; citizen A. */
  let first: Payment;
  /** Made on 2026-11-30 at 00:10 India time (still 2026-11-29 in UTC); gas consumer 555666; citizen B. */
  let second: Payment;
  /** Made on 2026-12-01, still created; electricity consumer 999888777; citizen A. */
  let third: Payment;
  const citizenA = 'citizen-a-sub';
  const citizenB = 'citizen-b-sub';

  const setCreatedAt = (id: string, at: Date) =>
    conn.collection('payments').updateOne({ _id: id as never }, { $set: { createdAt: at } });
  const ids = (page: { payments: Payment[] }) => page.payments.map((p) => p._id);

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('operator_search'));
    store = new PaymentStore(conn);
    await store.init();
    search = new PaymentSearch(conn);
    first = await capturedPayment(store, { citizenSub: citizenA });
    second = (
      await store.create(
        newPayment({
          citizenSub: citizenB,
          lines: [
            newLine({
              billerId: 'piped-gas',
              consumer: { bpNumber: '555666' },
              billNumber: 'G-1',
              amountMinor: 50_000,
            }),
          ],
        }),
      )
    ).payment;
    third = (
      await store.create(
        newPayment({
          citizenSub: citizenA,
          lines: [newLine({ consumer: { consumerNumber: '999888777' }, billNumber: 'B-3' })],
        }),
      )
    ).payment;
    await setCreatedAt(first._id, new Date('2026-11-29T06:00:00.000Z'));
    await setCreatedAt(second._id, new Date('2026-11-29T18:40:00.000Z'));
    await setCreatedAt(third._id, new Date('2026-12-01T06:00:00.000Z'));
    await conn
      .collection('payments')
      .updateOne({ _id: first._id as never }, { $set: { 'lines.0.billerReference': 'SEB-998877' } });
    const contacts = new ContactStore(conn);
    await contacts.remember(citizenA, { phone: '+919876543210', email: 'a@example.org' });
    await contacts.remember(citizenB, { phone: '+919812345678' });
  });
  afterAll(() => drop?.());

  it('with no filter lists every payment, newest first', async () => {
    expect(ids(await search.search({}))).toEqual([third._id, second._id, first._id]);
  });

  it('finds a payment by its id, a line id, a HUB reference and the biller reference, whatever the letter case of our ids', async () => {
    const line = lineOf(first, 1);
    for (const reference of [first._id, first._id.toLowerCase(), line._id, line.reference, 'SEB-998877']) {
      expect(ids(await search.search({ reference })), reference).toEqual([first._id]);
    }
    expect(ids(await search.search({ reference: 'SEB-000000' }))).toEqual([]);
  });

  it("finds a citizen's payments by the verified phone the hub knows, typed in E.164 or nationally", async () => {
    expect(ids(await search.search({ phone: '+919876543210' }))).toEqual([third._id, first._id]);
    expect(ids(await search.search({ phone: '98123 45678' }))).toEqual([second._id]);
    expect(ids(await search.search({ phone: '+919000000000' }))).toEqual([]);
  });

  it('refuses a phone that is not a number, naming the field', async () => {
    await expect(search.search({ phone: 'not a phone' })).rejects.toThrow(SearchInputError);
    await expect(search.search({ phone: 'not a phone' })).rejects.toMatchObject({ field: 'phone' });
  });

  it('finds payments by consumer number, by biller, and by both on the same line only', async () => {
    expect(ids(await search.search({ consumer: '100200300' }))).toEqual([first._id]);
    expect(ids(await search.search({ consumer: 'W-77' }))).toEqual([first._id]);
    expect(ids(await search.search({ billerId: 'piped-gas' }))).toEqual([second._id]);
    expect(ids(await search.search({ billerId: 'electricity-discom' }))).toEqual([third._id, first._id]);
    // W-77 is the water line's consumer, not the electricity line's.
    expect(ids(await search.search({ billerId: 'electricity-discom', consumer: 'W-77' }))).toEqual([]);
    // A part of a number, or a regular expression, matches nothing.
    expect(ids(await search.search({ consumer: '100200' }))).toEqual([]);
    expect(ids(await search.search({ consumer: '.*' }))).toEqual([]);
  });

  it('filters by status', async () => {
    expect(ids(await search.search({ status: 'captured' }))).toEqual([first._id]);
    expect(ids(await search.search({ status: 'created' }))).toEqual([third._id, second._id]);
  });

  it('reads from and to as India-time days, both inclusive: 00:10 IST on the 30th is the 30th, not the 29th', async () => {
    expect(indianMidnight('2026-11-30').toISOString()).toBe('2026-11-29T18:30:00.000Z');
    expect(ids(await search.search({ from: '2026-11-30', to: '2026-11-30' }))).toEqual([second._id]);
    expect(ids(await search.search({ to: '2026-11-29' }))).toEqual([first._id]);
    expect(ids(await search.search({ from: '2026-11-30' }))).toEqual([third._id, second._id]);
  });

  it('combines filters: all must hold', async () => {
    expect(ids(await search.search({ phone: '+919876543210', status: 'created' }))).toEqual([third._id]);
    expect(ids(await search.search({ phone: '+919876543210', from: '2026-12-02' }))).toEqual([]);
  });

  it('pages by cursor without skipping or repeating, and refuses a cursor it did not make', async () => {
    const one = await search.search({ limit: 2 });
    expect(ids(one)).toEqual([third._id, second._id]);
    expect(one.next).toBeDefined();
    const two = await search.search({ limit: 2, cursor: one.next });
    expect(ids(two)).toEqual([first._id]);
    expect(two.next).toBeUndefined();
    await expect(search.search({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ field: 'cursor' });
  });
});

describe('the operator payment detail', () => {
  let conn: Connection;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('operator_detail'));
  });
  afterAll(() => drop?.());

  it('shows the payment in full with its timeline, its ledger transactions oldest first, and the audit entries of it and its lines', async () => {
    const store = new PaymentStore(conn);
    await store.init();
    const ledger = new Ledger(conn);
    await ledger.init();
    const payment = await capturedPayment(store);
    await ledger.recordCapture(payment);
    const audit = new OperatorAudit(conn);
    const line = lineOf(payment, 0);
    await audit.record({
      actor: { sub: 'op-1', label: 'Asha Operator' },
      action: 'payment.annotate',
      subject: { kind: 'payment', id: payment._id },
      reason: 'Citizen called',
      outcome: 'done',
      paymentId: payment._id,
    });
    await audit.record({
      actor: { sub: 'op-2' },
      action: 'line.repost',
      subject: { kind: 'line', id: line._id },
      reason: 'Biller was down',
      outcome: 'refused',
      detail: 'the line is not unknown',
      paymentId: payment._id,
    });
    await audit.record({
      actor: { sub: 'op-2' },
      action: 'payment.annotate',
      subject: { kind: 'payment', id: 'PAYOTHER' },
      reason: 'Another payment',
      outcome: 'done',
      paymentId: 'PAYOTHER',
    });
    const detail = await new PaymentDetails(conn, [async (p) => ({ notes: [`note on ${p._id}`] })]).find(payment._id);
    expect(detail?.payment).toMatchObject({
      id: payment._id,
      status: 'captured',
      totalMinor: payment.totalMinor,
      method: 'upi',
      citizenSub: payment.citizenSub,
      gateway: { orderId: `order_${payment._id}`, method: 'upi', capturedMinor: payment.totalMinor },
    });
    expect(detail?.payment.lines[0]).toMatchObject({
      id: line._id,
      reference: line.reference,
      consumerMasked: line.consumerMasked,
      billNumber: line.billNumber,
      attempts: 0,
    });
    expect(JSON.stringify(detail)).not.toContain('100200300');
    expect(detail?.timeline.map((entry) => entry.event)).toEqual([
      'payment.created',
      'checkout.started',
      'gateway.captured',
    ]);
    expect(detail?.ledger).toEqual([
      expect.objectContaining({ txnId: `capture:${payment._id}`, kind: 'capture', entries: expect.any(Array) }),
    ]);
    const entries = detail?.ledger[0]?.entries ?? [];
    expect(entries.reduce((sum, e) => sum + e.debitMinor - e.creditMinor, 0)).toBe(0);
    expect(detail?.audit.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['line.repost', 'refused'],
      ['payment.annotate', 'done'],
    ]);
    expect(detail?.notes).toEqual([`note on ${payment._id}`]);
  });

  it('is undefined for a payment that does not exist', async () => {
    expect(await new PaymentDetails(conn).find('PAY00000000000000000000')).toBeUndefined();
  });
});
