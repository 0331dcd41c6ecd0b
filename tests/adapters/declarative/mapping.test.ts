import { describe, expect, it } from 'vitest';
import { moneyFunctions } from '../../../adapters/declarative/index.js';
import {
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  InvalidConsumerNumberError,
} from '../../../adapters/sdk/index.js';
import { baseDeclaration, billBody, useStubBillers } from './stub-biller.js';

const consumer = { accountNo: '123456' };
const posting = (reference = 'HUB0001') => ({
  reference,
  consumer,
  billNumber: 'B-1',
  amountMinor: 15_050,
  paidAt: '2026-11-20T10:00:00.000Z',
});

const biller = useStubBillers();

describe('declared amounts', () => {
  it('reads decimal strings into exact minor units, with the name masked and the breakup adding up', async () => {
    const { adapter } = await biller(() => ({ body: billBody() }));
    const bill = await adapter.fetchBill(consumer);
    expect(bill).toMatchObject({
      billNumber: 'B-1',
      customerName: 'A*** V****',
      amountDueMinor: 15_050,
      breakup: [
        { label: 'Charge', amountMinor: 10_000 },
        { label: 'Tax', amountMinor: 5_050 },
      ],
      currency: 'INR',
    });
  });

  it('refuses a decimal with more fraction digits than the currency has, naming the field, rather than rounding', async () => {
    const { adapter } = await biller(() => ({ body: billBody({ total: '150.505' }) }));
    const error = await adapter.fetchBill(consumer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).billerCode).toBe('MALFORMED_RESPONSE');
    expect((error as Error).message).toContain('fetch.bill.amountDue "150.505"');
  });

  it('reads integer minor units where a field declares them, and refuses a fraction there', async () => {
    const fetch = baseDeclaration().fetch as { bill: Record<string, unknown> };
    // The total in paise beside lines in rupees: units are declared per field.
    const minor = (total: unknown) =>
      biller(() => ({ body: billBody({ total, lines: [{ label: 'All', amount: '1.50' }] }) }), {
        fetch: { ...fetch, bill: { ...fetch.bill, amountDue: { expr: 'total', unit: 'minor' } } },
      });
    expect((await (await minor(150)).adapter.fetchBill(consumer)).amountDueMinor).toBe(150);
    const error = await (await minor(150.5)).adapter.fetchBill(consumer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as Error).message).toContain('fetch.bill.amountDue.expr 150.5, not an integer number of minor units');
  });

  it('refuses a breakup that does not add up, unless a remainder line is declared', async () => {
    const short = billBody({ lines: [{ label: 'Charge', amount: '100.00' }] });
    const strict = await biller(() => ({ body: short }));
    await expect(strict.adapter.fetchBill(consumer)).rejects.toThrow(/lines differ from its amount due by 5050/);
    const fetch = baseDeclaration().fetch as { bill: { breakup: object } };
    const lenient = await biller(() => ({ body: short }), {
      fetch: { ...fetch, bill: { ...fetch.bill, breakup: { lines: 'lines', remainderLabel: 'Adjustments' } } },
    });
    expect((await lenient.adapter.fetchBill(consumer)).breakup).toEqual([
      { label: 'Charge', amountMinor: 10_000 },
      { label: 'Adjustments', amountMinor: 5_050 },
    ]);
  });

  it('maps amount options and late amounts, and refuses options that break their rules', async () => {
    const fetch = baseDeclaration().fetch as { bill: object };
    const withOptions = {
      fetch: {
        ...fetch,
        bill: {
          ...fetch.bill,
          amountOptions: { options: 'options.{"code": code, "label": label, "amount": amount}' },
        },
      },
    };
    const options = [
      { code: 'one', label: 'One', amount: '150.50' },
      { code: 'two', label: 'Two', amount: '301.00' },
    ];
    const good = await biller(() => ({ body: billBody({ options }) }), withOptions);
    expect((await good.adapter.fetchBill(consumer)).amountOptions?.map((o) => o.amountMinor)).toEqual([15_050, 30_100]);
    const bad = await biller(() => ({ body: billBody({ options: [options[1]] }) }), withOptions);
    await expect(bad.adapter.fetchBill(consumer)).rejects.toThrow(/amount options that break their rules/);

    const late = await biller(() => ({ body: billBody({ lateFee: '10.00' }) }), {
      fetch: {
        ...fetch,
        bill: {
          ...fetch.bill,
          latePayment: {
            when: '$minor(lateFee) > 0',
            from: '$addDays(dueDate, 1)',
            amount: { expr: '$minor(total) + $minor(lateFee)', unit: 'minor' },
          },
        },
      },
    });
    expect((await late.adapter.fetchBill(consumer)).latePayment).toEqual({ from: '2026-12-01', amountMinor: 16_050 });
  });

  it('gives the money functions exact answers: $minor refuses, $decimal and $scaled write digits', () => {
    const money = moneyFunctions(2) as Record<string, (...args: unknown[]) => unknown>;
    expect(money.minor?.('1234.5')).toBe(123_450);
    expect(() => money.minor?.('1.005')).toThrow(/not an exact decimal/);
    expect(() => money.minor?.('1e3')).toThrow(/not an exact decimal/);
    expect([money.decimal?.(5), money.decimal?.(123_450), money.decimal?.(-5)]).toEqual(['0.05', '1234.50', '-0.05']);
    expect([money.scaled?.(12_345, 3), money.scaled?.(7, 0)]).toEqual(['12.345', '7']);
    expect(money.addDays?.('2024-02-28T10:00:00+05:30', 1)).toBe('2024-02-29');
  });
});

describe('declared statuses and errors', () => {
  it('maps only the declared words as final: an unmapped status is pending', async () => {
    const states: Record<string, string> = { A: 'DONE', B: 'FAILED', C: 'ON_HOLD_FOR_AUDIT', D: 'done' };
    const { adapter } = await biller((request) => {
      const ref = request.url.split('/').pop() ?? '';
      return { body: { state: states[ref], receipt: `R-${ref}` } };
    });
    const statuses = await Promise.all(['A', 'B', 'C', 'D'].map((ref) => adapter.paymentStatus(ref)));
    expect(statuses.map((s) => s.status)).toEqual(['accepted', 'rejected', 'pending', 'accepted']);
    expect(statuses[2]).toMatchObject({ billerStatus: 'ON_HOLD_FOR_AUDIT', billerReference: 'R-C' });
  });

  it('turns declared error answers into the contract errors with the biller code, and anything unexplained into unavailable', async () => {
    const { adapter } = await biller((request) => {
      if (request.url.includes('000404')) return { status: 404, body: { code: 'NO_ACCOUNT' } };
      if (request.url.includes('000418')) return { status: 418, body: { code: 'TEAPOT' } };
      if (request.method === 'POST') return { status: 422, body: { code: 'ACCOUNT_CLOSED', text: 'closed for good' } };
      return { body: billBody() };
    });
    const notFound = await adapter.fetchBill({ accountNo: '000404' }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ConsumerNotFoundError);
    expect((notFound as ConsumerNotFoundError).billerCode).toBe('NO_ACCOUNT');
    const odd = await adapter.fetchBill({ accountNo: '000418' }).catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(BillerUnavailableError);
    const refused = await adapter.postPayment(posting()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BillerRejectedError);
    expect(refused).toMatchObject({ billerCode: 'ACCOUNT_CLOSED', message: 'test-biller: closed for good' });
  });

  it('validates the consumer before any call', async () => {
    const { adapter, stub } = await biller(() => ({ body: billBody() }));
    await expect(adapter.fetchBill({ accountNo: '12' })).rejects.toBeInstanceOf(InvalidConsumerNumberError);
    expect(stub.requests).toHaveLength(0);
  });

  it('answers a "duplicate reference" refusal with a status enquiry, never a rejection', async () => {
    const { adapter } = await biller(
      (request) =>
        request.method === 'POST'
          ? { status: 409, body: { code: 'DUP', text: 'already have it' } }
          : { body: { state: 'DONE', receipt: 'R-9' } },
      {
        post: {
          ...(baseDeclaration().post as object),
          errors: [{ status: 409, outcome: 'duplicate', code: 'code', message: 'text' }],
        },
      },
    );
    expect(await adapter.postPayment(posting('HUB0009'))).toMatchObject({ status: 'accepted', billerReference: 'R-9' });
  });

  it('reads a posting answer for another reference as pending, and a 5xx as unavailable (an unknown outcome)', async () => {
    let calls = 0;
    const { adapter } = await biller(() => {
      calls += 1;
      return calls === 1 ? { status: 201, body: { state: 'DONE', ref: 'SOMEONE-ELSE' } } : { status: 503 };
    });
    expect(await adapter.postPayment(posting())).toMatchObject({ status: 'pending' });
    const error = await adapter.postPayment(posting('HUB0002')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).retryable).toBe(true);
  });
});

describe('a declared collection file', () => {
  const report = (format: 'csv' | 'json', unit: 'decimal' | 'minor') => ({
    collectionReport: {
      request: { method: 'GET', path: '/collections', query: { day: 'date' } },
      format,
      ...(format === 'json' ? { rows: 'items' } : {}),
      entry: {
        amountUnit: unit,
        reference: 'ref',
        billerReference: 'receipt',
        consumer: '{"accountNo": account}',
        billNumber: 'bill',
        amount: 'amount',
        acceptedAt: 'at',
      },
    },
  });
  const row = { ref: 'HUB1', receipt: 'R1', account: '123456', bill: 'B-1', at: '2026-11-20T10:00:00+05:30' };

  it('reads JSON rows with minor amounts, asking for the day it is given', async () => {
    const { adapter, stub } = await biller(
      () => ({ body: { items: [{ ...row, amount: 15_050 }] } }),
      report('json', 'minor'),
    );
    expect(await adapter.collectionReport?.('2026-11-20')).toEqual([
      {
        reference: 'HUB1',
        billerReference: 'R1',
        consumer: { accountNo: '123456' },
        billNumber: 'B-1',
        amountMinor: 15_050,
        acceptedAt: row.at,
      },
    ]);
    expect(stub.requests[0]?.url).toBe('/collections?day=2026-11-20');
  });

  it('refuses the whole file for one row whose decimal amount is not exact, or whose time has no offset', async () => {
    const rows = [
      { ...row, amount: '150.50' },
      { ...row, ref: 'HUB2', amount: '1.005' },
    ];
    const inexact = await biller(() => ({ body: { items: rows } }), report('json', 'decimal'));
    await expect(inexact.adapter.collectionReport?.('2026-11-20')).rejects.toThrow(/row 2 has bad amount/);
    const local = await biller(
      () => ({ body: { items: [{ ...row, amount: '1.00', at: '2026-11-20 10:00' }] } }),
      report('json', 'decimal'),
    );
    await expect(local.adapter.collectionReport?.('2026-11-20')).rejects.toThrow(/row 1 has bad acceptedAt/);
  });

  it('is unavailable, never empty, when the biller answers with an error', async () => {
    const { adapter } = await biller(() => ({ status: 400, body: { code: 'BAD_DATE' } }), report('json', 'minor'));
    const error = await adapter.collectionReport?.('2026-11-20').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
  });

  it('is left out of a declaration without one', async () => {
    const { adapter } = await biller(() => ({ body: billBody() }));
    expect(adapter.collectionReport).toBeUndefined();
  });
});
