import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxProbe } from '../../sandboxes/shared/sandbox-probe.js';
import {
  type BillerOperations,
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  type PaymentPosting,
} from '../../sdk/index.js';
import { runAdapterContract } from '../../sdk/testkit/index.js';
import electricityDiscom, { descriptor } from '../index.js';
import {
  billFromResponse,
  dayAfter,
  paiseToRupees,
  postingFromResponse,
  rupeesToPaise,
  statusFromResponse,
  toBill,
  toPaymentRequest,
} from '../mapping.js';
import { createElectricityDiscomSandbox, defaultSandboxCredentials, sandboxConsumerKey } from '../sandbox/app.js';
import { FIXTURES } from '../sandbox/data.js';
import type { WireBillResponse } from '../wire.js';

const TIMEOUT_MS = 300;
const RETRIES = 1;

interface Harness {
  server: Server;
  baseUrl: string;
  adapter: BillerOperations;
}

const opened: Array<{ close?(): Promise<void> }> = [];
let harness: Promise<Harness> | undefined;

/** One sandbox and one adapter for the whole file, started by whichever suite needs them first. */
function started(): Promise<Harness> {
  harness ??= (async () => {
    const server = createElectricityDiscomSandbox().listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const adapter = adapterFor(baseUrl, defaultSandboxCredentials.apiKey);
    return { server, baseUrl, adapter };
  })();
  return harness;
}

function adapterFor(baseUrl: string, apiKey: string): BillerOperations {
  const options = electricityDiscom.options.parse({ baseUrl, apiKey, timeoutMs: TIMEOUT_MS, retries: RETRIES });
  const adapter = electricityDiscom.create(options, {});
  opened.push(adapter);
  return adapter;
}

const posting = (billNumber: string, amountMinor: number, consumer = FIXTURES.known): PaymentPosting => ({
  reference: `HUB${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`,
  consumer,
  billNumber,
  amountMinor,
  paidAt: new Date().toISOString(),
});

afterAll(async () => {
  await Promise.all(opened.map((adapter) => adapter.close?.()));
  if (!harness) return;
  const { server } = await harness;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

runAdapterContract('state electricity distributor', async () => {
  const { baseUrl, adapter } = await started();
  return {
    descriptor,
    adapter,
    fixtures: FIXTURES,
    probe: sandboxProbe(baseUrl, sandboxConsumerKey),
    timeoutMs: TIMEOUT_MS,
    retries: RETRIES,
  };
});

const wireBill = (overrides: Partial<WireBillResponse['bill']> = {}): WireBillResponse => ({
  consumer: { number: '1002003004', name: 'Asha Verma', category: 'LT-DOMESTIC' },
  bill: {
    billNo: 'EB25011002003004',
    billDate: '2025-01-16',
    dueDate: '2025-01-31',
    periodFrom: '2024-12-16',
    periodTo: '2025-01-15',
    unitsConsumed: 130,
    slabs: [
      { fromUnit: 1, toUnit: 100, rate: '3.50', amount: '350.00' },
      { fromUnit: 101, toUnit: 300, rate: '5.55', amount: '166.50' },
    ],
    fixedCharge: '120.00',
    electricityDuty: '31.15',
    arrears: '4.35',
    totalDue: '672.00',
    lateFee: '25.00',
    ...overrides,
  },
});

describe('electricity-discom mapping', () => {
  const now = new Date('2025-01-20T10:00:00Z');

  it('turns a wire bill into paise with a breakup that sums exactly to the amount due', () => {
    const bill = toBill(wireBill(), now);
    expect(bill.amountDueMinor).toBe(67_200);
    expect(bill.breakup.map((line) => line.amountMinor)).toEqual([35_000, 16_650, 12_000, 3_115, 435]);
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(bill.amountDueMinor);
    expect(bill).toMatchObject({ billNumber: 'EB25011002003004', customerName: 'A*** V****', currency: 'INR' });
    expect(bill.fetchedAt).toBe(now.toISOString());
  });

  it('leaves zero charges out of the breakup', () => {
    const bill = toBill(wireBill({ arrears: '0.00', totalDue: '667.65' }), now);
    expect(bill.breakup.map((line) => line.label)).not.toContain('Arrears');
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(66_765);
  });

  it('offers the late amount (total + late fee) from the day after the due date', () => {
    expect(toBill(wireBill(), now).latePayment).toEqual({ from: '2025-02-01', amountMinor: 69_700 });
    expect(toBill(wireBill({ lateFee: '0.00' }), now).latePayment).toBeUndefined();
    expect([dayAfter('2024-02-28'), dayAfter('2025-02-28'), dayAfter('2025-12-31')]).toEqual([
      '2024-02-29',
      '2025-03-01',
      '2026-01-01',
    ]);
  });

  it('refuses a bill whose charges do not add up to its total rather than guess what is owed', () => {
    const error = (() => {
      try {
        return toBill(wireBill({ totalDue: '672.01' }), now);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).billerCode).toBe('MALFORMED_RESPONSE');
  });

  it('refuses an undocumented bill and the bill of another consumer', () => {
    expect(() => billFromResponse('1002003004', 200, { bill: {} }, now)).toThrow(BillerUnavailableError);
    expect(() => billFromResponse('1002003005', 200, wireBill(), now)).toThrow(/another consumer/);
  });

  it('converts rupee strings to paise and back exactly, where floating point would be off by one', () => {
    // 1.15 * 100 and 4.35 * 100 are 114.999... and 434.999... as doubles.
    expect(['1.15', '4.35', '0.29', '1234.5', '7'].map((value) => rupeesToPaise(value, 'x'))).toEqual([
      115, 435, 29, 123_450, 700,
    ]);
    expect(() => rupeesToPaise('12,50', 'x')).toThrow(BillerUnavailableError);
    expect([5, 100, 115, 123_450].map(paiseToRupees)).toEqual(['0.05', '1.00', '1.15', '1234.50']);
    for (const bad of [0, -100, 1.5, Number.NaN]) expect(() => paiseToRupees(bad)).toThrow(BillerRejectedError);
  });

  it('posts in the discom shape: rupee string amount and the hub reference as txnRef', () => {
    const p = posting('EB1', 182_607);
    expect(toPaymentRequest(p, '1002003004')).toEqual({
      consumerNumber: '1002003004',
      billNo: 'EB1',
      amount: '1826.07',
      txnRef: p.reference,
      txnDate: p.paidAt,
    });
  });

  it.each([
    ['SUCCESS', 'accepted'],
    ['PENDING', 'pending'],
    ['FAILED', 'rejected'],
    ['REVERSED', 'rejected'],
    ['ON_HOLD', 'pending'],
  ])('maps the status word %s to %s', (word, status) => {
    const result = statusFromResponse('HUB1', 200, { receiptNo: 'RCP1', txnRef: 'HUB1', status: word });
    expect(result).toEqual({ reference: 'HUB1', status, billerReference: 'RCP1', billerStatus: word });
  });

  it('reports not_found only for an explicit TXN_NOT_FOUND', () => {
    expect(statusFromResponse('HUB1', 404, { errorCode: 'TXN_NOT_FOUND' }).status).toBe('not_found');
    expect(() => statusFromResponse('HUB1', 404, 'Not Found')).toThrow(BillerUnavailableError);
  });

  it('keeps an unreadable posting answer, or one for another reference, pending', () => {
    expect(postingFromResponse('HUB1', 201, '<html>').status).toBe('pending');
    expect(postingFromResponse('HUB1', 200, { txnRef: 'HUB2', status: 'SUCCESS' }).status).toBe('pending');
  });

  it('maps refusals: explicit codes final, credentials and unexplained answers retryable', () => {
    const thrown = (status: number, body: unknown) => {
      try {
        postingFromResponse('HUB1', status, body);
      } catch (caught) {
        return caught as BillerUnavailableError;
      }
      throw new Error('expected a refusal');
    };
    const disconnected = thrown(422, { errorCode: 'ACCOUNT_DISCONNECTED', message: 'disconnected' });
    expect(disconnected).toBeInstanceOf(BillerRejectedError);
    expect(disconnected).toMatchObject({ billerCode: 'ACCOUNT_DISCONNECTED', retryable: false });
    expect(thrown(404, { errorCode: 'CONSUMER_NOT_FOUND' })).toBeInstanceOf(ConsumerNotFoundError);
    for (const [status, body] of [
      [401, { errorCode: 'UNAUTHORIZED' }],
      [403, { errorCode: 'FORBIDDEN' }],
      [429, {}],
      [422, 'no code'],
    ] as const) {
      const error = thrown(status, body);
      expect(error).toBeInstanceOf(BillerUnavailableError);
      expect(error.retryable).toBe(true);
    }
  });
});

describe('electricity-discom sandbox and adapter', () => {
  it('refuses requests without an API key (401) or with a wrong one (403), in its own error shape', async () => {
    const { baseUrl } = await started();
    const url = `${baseUrl}/v2/consumers/${FIXTURES.known.consumerNumber}/bill`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ errorCode: 'UNAUTHORIZED' });
    const wrong = await fetch(url, { headers: { 'X-Api-Key': 'not-the-sandbox-key' } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ errorCode: 'FORBIDDEN' });
  });

  it('reports a wrong API key as a retryable outage without leaking the key', async () => {
    const { baseUrl } = await started();
    const key = 'wrong-key-0123456789abcdef';
    const error = await adapterFor(baseUrl, key)
      .fetchBill(FIXTURES.known)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect(error).toMatchObject({ billerCode: 'FORBIDDEN', retryable: true });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(key);
  });

  it('accepts an advance payment above the amount due and refuses a short one with AMOUNT_TOO_LOW', async () => {
    const { adapter } = await started();
    const bill = await adapter.fetchBill(FIXTURES.known);
    expect((await adapter.postPayment(posting(bill.billNumber, bill.amountDueMinor + 1))).status).toBe('accepted');
    const error = await adapter.postPayment(posting(bill.billNumber, bill.amountDueMinor - 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerRejectedError);
    expect(error).toMatchObject({ billerCode: 'AMOUNT_TOO_LOW' });
  });

  it('refuses a payment against a bill that is not the current one with BILL_MISMATCH', async () => {
    const { adapter } = await started();
    const bill = await adapter.fetchBill(FIXTURES.known);
    const p = posting('EB0000STALE', bill.amountDueMinor);
    await expect(adapter.postPayment(p)).rejects.toMatchObject({ billerCode: 'BILL_MISMATCH', retryable: false });
    expect((await adapter.paymentStatus(p.reference)).status).toBe('rejected');
  });

  it('retries a posting through a passing 503 and the discom records it once', async () => {
    const { baseUrl, adapter } = await started();
    const probe = sandboxProbe(baseUrl, sandboxConsumerKey);
    const bill = await adapter.fetchBill(FIXTURES.known);
    const p = posting(bill.billNumber, bill.amountDueMinor);
    await probe.inject(FIXTURES.known, { kind: 'error_5xx', times: 1 });
    try {
      expect((await adapter.postPayment(p)).status).toBe('accepted');
      expect(await probe.postingsWith(p.reference)).toBe(1);
    } finally {
      await probe.reset();
    }
  });
});
