import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AdapterDefinitionError,
  type Bill,
  type BillerDescriptor,
  BillerUnavailableError,
  checkAmount,
  createBillerHttp,
  decimalToMinor,
  defineAdapter,
  InvalidConsumerNumberError,
  mapBillerStatus,
  maskName,
  validateConsumer,
} from '../../adapters/sdk/index.js';

const descriptor: BillerDescriptor = {
  id: 'test-biller',
  name: 'Test Biller',
  category: 'other',
  consumerParams: [{ name: 'accountNo', label: 'Account number', pattern: 'A\\d{4}', example: 'A1234' }],
  fetchRequirement: 'MANDATORY',
  exactness: 'EXACT',
  currency: 'INR',
};

const bill: Bill = {
  billNumber: 'B1',
  customerName: 'A*** V****',
  billDate: '2026-11-01',
  dueDate: '2026-11-20',
  amountDueMinor: 10_000,
  breakup: [{ label: 'Charges', amountMinor: 10_000 }],
  earlyPayment: { until: '2026-11-10', amountMinor: 9_800 },
  latePayment: { from: '2026-11-21', amountMinor: 10_250 },
  currency: 'INR',
  fetchedAt: '2026-11-05T10:00:00Z',
};

describe('defineAdapter', () => {
  const create = () => ({
    fetchBill: async () => bill,
    postPayment: async () => ({ reference: 'r', status: 'accepted' as const }),
    paymentStatus: async () => ({ reference: 'r', status: 'accepted' as const }),
  });

  it('accepts a valid adapter and freezes its descriptor', () => {
    const adapter = defineAdapter({ kind: 'test-kind', descriptor, options: z.object({}), create });
    expect(Object.isFrozen(adapter.descriptor)).toBe(true);
  });

  it('refuses a descriptor whose example breaks its own pattern, naming the field', () => {
    const bad = {
      ...descriptor,
      consumerParams: [{ ...descriptor.consumerParams[0], example: 'B1' }],
    } as BillerDescriptor;
    expect(() => defineAdapter({ kind: 'test-kind', descriptor: bad, options: z.object({}), create })).toThrow(
      /descriptor\.consumerParams\.0\.example: does not match its pattern/,
    );
  });

  it('refuses an unknown exactness or a bad kind', () => {
    const bad = { ...descriptor, exactness: 'ROUGHLY' } as unknown as BillerDescriptor;
    expect(() => defineAdapter({ kind: 'test-kind', descriptor: bad, options: z.object({}), create })).toThrow(
      AdapterDefinitionError,
    );
    expect(() => defineAdapter({ kind: 'Bad Kind', descriptor, options: z.object({}), create })).toThrow(/kind/);
  });
});

describe('validateConsumer', () => {
  it('trims and accepts a value matching the whole pattern', () => {
    expect(validateConsumer(descriptor, { accountNo: ' A1234 ' })).toEqual({ accountNo: 'A1234' });
  });

  it('refuses partial matches, missing fields and unknown fields', () => {
    const bad: Record<string, string>[] = [
      { accountNo: 'A12345' },
      { accountNo: 'xA1234' },
      {},
      { accountNo: 'A1234', extra: '1' },
    ];
    for (const consumer of bad) {
      expect(() => validateConsumer(descriptor, consumer)).toThrow(InvalidConsumerNumberError);
    }
  });
});

describe('checkAmount', () => {
  it('uses the early amount until its date, the late amount from its date, the due amount between', () => {
    expect(checkAmount(bill, 'EXACT', 9_800, '2026-11-10')).toEqual({ ok: true, payableMinor: 9_800 });
    expect(checkAmount(bill, 'EXACT', 10_000, '2026-11-15')).toEqual({ ok: true, payableMinor: 10_000 });
    expect(checkAmount(bill, 'EXACT', 10_000, '2026-11-21')).toMatchObject({ ok: false, reason: 'must_equal' });
  });

  it('applies each exactness rule', () => {
    const day = '2026-11-15';
    expect(checkAmount(bill, 'EXACT_AND_ABOVE', 10_001, day).ok).toBe(true);
    expect(checkAmount(bill, 'EXACT_AND_ABOVE', 9_999, day)).toMatchObject({ ok: false, reason: 'below_due' });
    expect(checkAmount(bill, 'EXACT_AND_BELOW', 1, day).ok).toBe(true);
    expect(checkAmount(bill, 'EXACT_AND_BELOW', 10_001, day)).toMatchObject({ ok: false, reason: 'above_due' });
    expect(checkAmount(bill, 'ANY', 123, day).ok).toBe(true);
  });

  it('refuses zero, negative, fractional and unsafe amounts under every rule', () => {
    for (const amount of [0, -1, 10.5, 1e21, Number.NaN]) {
      expect(checkAmount(bill, 'ANY', amount, '2026-11-15')).toMatchObject({
        ok: false,
        reason: 'not_positive_integer',
      });
    }
  });
});

describe('amount and status helpers', () => {
  it('converts decimal amounts exactly and refuses what would need rounding', () => {
    expect(decimalToMinor('1234.50')).toBe(123_450);
    expect(decimalToMinor('4.35')).toBe(435);
    expect(decimalToMinor(0.29)).toBe(29);
    expect(decimalToMinor('12', 0)).toBe(12);
    expect(decimalToMinor('-0')).toBe(0);
    for (const bad of ['1.005', 1.005, '1e21', 1e21, '12,50', '', ' . ']) expect(decimalToMinor(bad)).toBeUndefined();
  });

  it('maps only explicit success or failure as final; anything else is pending', () => {
    const vocabulary = { accepted: ['SUCCESS'], rejected: ['FAILED'], notFound: ['NO_SUCH_TXN'] };
    expect(mapBillerStatus('success', vocabulary)).toBe('accepted');
    expect(mapBillerStatus('FAILED', vocabulary)).toBe('rejected');
    expect(mapBillerStatus('NO_SUCH_TXN', vocabulary)).toBe('not_found');
    expect(mapBillerStatus('SETTLING', vocabulary)).toBe('pending');
    expect(mapBillerStatus(undefined, vocabulary)).toBe('pending');
  });

  it('masks names to initials', () => {
    expect(maskName('Asha  Verma')).toBe('A*** V****');
    expect(maskName('X')).toBe('X*');
  });
});

describe('createBillerHttp', () => {
  let server: Server;
  let baseURL = '';
  const calls = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      const n = (calls.get(path) ?? 0) + 1;
      calls.set(path, n);
      // /slow-once: the first attempt hangs past the timeout, the next answers at once.
      if (path.startsWith('/slow-once') && n === 1) return void setTimeout(() => res.end('{}'), 1_000);
      if (path.startsWith('/busy')) return void res.writeHead(503).end('{"error":"busy"}');
      if (path.startsWith('/missing')) return void res.writeHead(404).end('{"error":"nope"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, n }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('gives each retry of an idempotent call its own full timeout', async () => {
    const http = createBillerHttp({ name: 'test', baseURL, timeoutMs: 200, retries: 1 });
    const res = await http.request<{ n: number }>({ method: 'GET', url: '/slow-once/a' });
    expect(res.data.n).toBe(2);
    http.close();
  });

  it('does not retry a call that is not idempotent', async () => {
    const http = createBillerHttp({ name: 'test', baseURL, timeoutMs: 200, retries: 2 });
    await expect(http.request({ method: 'POST', url: '/busy/post' })).rejects.toBeInstanceOf(BillerUnavailableError);
    expect(calls.get('/busy/post')).toBe(1);
    await expect(http.request({ method: 'POST', url: '/busy/safe', idempotent: true })).rejects.toThrow(/answered 503/);
    expect(calls.get('/busy/safe')).toBe(3);
    http.close();
  });

  it('returns 4xx answers for the adapter to map', async () => {
    const http = createBillerHttp({ name: 'test', baseURL });
    expect((await http.request({ method: 'GET', url: '/missing' })).status).toBe(404);
    http.close();
  });

  it('keeps secrets out of its errors', async () => {
    const http = createBillerHttp({ name: 'test', baseURL, retries: 0, secrets: ['s3cr3t-key'] });
    const error = await http.request({ method: 'GET', url: '/busy/s3cr3t-key' }).catch((e: Error) => e);
    expect(String((error as Error).message)).toContain('[redacted]');
    expect(String((error as Error).message)).not.toContain('s3cr3t-key');
    http.close();
  });

  it('fails a biller that does not answer within the timeout', async () => {
    const http = createBillerHttp({ name: 'test', baseURL, timeoutMs: 150, retries: 0 });
    const started = Date.now();
    await expect(http.request({ method: 'GET', url: '/slow-once/b' })).rejects.toThrow(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(900);
    http.close();
  });
});
