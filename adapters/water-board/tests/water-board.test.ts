import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxProbe } from '../../sandboxes/shared/sandbox-probe.js';
import {
  type BillerOperations,
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  checkAmount,
} from '../../sdk/index.js';
import { runAdapterContract } from '../../sdk/testkit/index.js';
import waterBoard from '../index.js';
import {
  fetchError,
  paymentResult,
  postingFailure,
  postingResult,
  readAnswer,
  statusFailure,
  toBill,
} from '../mapping.js';
import { createWaterBoardSandbox, defaultSandboxCredentials, sandboxConsumerKey } from '../sandbox/app.js';
import { FIXTURES } from '../sandbox/data.js';
import { canonicalString, signedForm, signFields } from '../signing.js';
import { type BillFetchAnswer, billFetchSchema, paymentSchema } from '../wire.js';

const timeoutMs = 300;
const retries = 1;
const servers: Server[] = [];
const adapters: BillerOperations[] = [];
let sandbox: Promise<string> | undefined;

/** One sandbox for the file, started on first use; resolves to its base URL. */
function sandboxUrl(): Promise<string> {
  sandbox ??= new Promise((resolve) => {
    const server = createWaterBoardSandbox().listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    servers.push(server);
  });
  return sandbox;
}

function adapterFor(baseUrl: string, overrides: Partial<typeof defaultSandboxCredentials> = {}): BillerOperations {
  const options = waterBoard.options.parse({ baseUrl, ...defaultSandboxCredentials, ...overrides, timeoutMs, retries });
  const adapter = waterBoard.create(options, {});
  adapters.push(adapter);
  return adapter;
}

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close?.()));
  await Promise.all(
    servers.map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

runAdapterContract('municipal water board', async () => {
  const baseUrl = await sandboxUrl();
  return {
    descriptor: waterBoard.descriptor,
    adapter: adapterFor(baseUrl),
    fixtures: FIXTURES,
    probe: sandboxProbe(baseUrl, sandboxConsumerKey),
    timeoutMs,
    retries,
  };
});

const demand: BillFetchAnswer = {
  connection: { id: 'W12-004512', ownerName: 'Asha Verma', ward: '12', meterNo: 'MTR00000001' },
  demand: {
    demandNo: 'WD00451207',
    issueDate: '2025-01-01',
    dueDate: '2025-01-22',
    fromDate: '2024-10-31',
    toDate: '2024-12-31',
    previousReading: 100,
    currentReading: 133,
    kilolitres: 33,
    waterCharge: 41_250,
    sewerageCharge: 12_000,
    meterRent: 3_000,
    arrears: 0,
    netAmount: 56_250,
    rebateIfPaidBy: '2025-01-08',
    rebateAmount: 1_000,
  },
};
const fetchedAt = new Date('2025-01-02T10:00:00Z');

describe('water board mapping', () => {
  it('maps a demand to a bill whose breakup adds up to netAmount, with the rebate as the early payment', () => {
    const bill = toBill(demand, 'W12-004512', fetchedAt);
    expect(bill).toMatchObject({
      billNumber: 'WD00451207',
      customerName: 'A*** V****',
      billDate: '2025-01-01',
      dueDate: '2025-01-22',
      periodStart: '2024-10-31',
      periodEnd: '2024-12-31',
      amountDueMinor: 56_250,
      earlyPayment: { until: '2025-01-08', amountMinor: 55_250 },
      currency: 'INR',
      fetchedAt: '2025-01-02T10:00:00.000Z',
    });
    expect(bill.breakup.map((line) => line.amountMinor)).toEqual([41_250, 12_000, 3_000]);
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(56_250);
    // EXACT: the rebated amount until the rebate date, the net amount after it.
    expect(checkAmount(bill, 'EXACT', 55_250, '2025-01-08').ok).toBe(true);
    expect(checkAmount(bill, 'EXACT', 56_250, '2025-01-09').ok).toBe(true);
  });

  it('adds an adjustment line when the charges do not add up to netAmount, and no early payment without a rebate', () => {
    const odd = { ...demand.demand, arrears: 5_000, netAmount: 61_300, rebateAmount: 0 };
    const bill = toBill({ ...demand, demand: odd }, 'W12-004512', fetchedAt);
    expect(bill.breakup.at(-1)).toEqual({ label: 'Other charges and adjustments', amountMinor: 50 });
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(61_300);
    expect(bill.earlyPayment).toBeUndefined();
  });

  it('refuses a bill answered for another connection', () => {
    expect(() => toBill(demand, 'W12-000001', fetchedAt)).toThrow(BillerUnavailableError);
  });

  it('maps S to accepted, F and R to rejected, and P or any other word to pending', () => {
    const status = (txnStatus?: string) => postingResult('HUB1', { boardTxnId: 'CWB1', txnStatus }).status;
    expect([status('S'), status('F'), status('R'), status('P'), status('Q'), status(undefined)]).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'pending',
      'pending',
      'pending',
    ]);
  });

  it('reads an HTTP 200 answer with an error code as a failure, and E104 as consumer not found', () => {
    const answer = readAnswer(
      'fetch',
      200,
      { resultCode: 'E104', resultText: 'connection not found' },
      billFetchSchema,
    );
    expect(answer).toEqual({ ok: false, failure: { code: 'E104', text: 'connection not found' } });
    const error = fetchError({ code: 'E104', text: 'connection not found' });
    expect(error).toBeInstanceOf(ConsumerNotFoundError);
    expect(error.billerCode).toBe('E104');
  });

  it('reports a malformed success or an answer without a result code as retryable', () => {
    expect(() => readAnswer('pay', 200, { resultCode: '0', txnStatus: 'S' }, paymentSchema)).toThrow(
      BillerUnavailableError,
    );
    expect(() => readAnswer('pay', 502, '<html>bad gateway</html>', paymentSchema)).toThrow(BillerUnavailableError);
    expect(fetchError({ code: 'E999', text: 'E999' }).retryable).toBe(true);
    expect(fetchError({ code: 'E401', text: 'signature invalid' }).retryable).toBe(true);
  });

  it("turns E210 and E211 into a final BillerRejectedError with the board's code", () => {
    for (const code of ['E210', 'E211']) {
      const outcome = postingFailure('HUB1', { code, text: 'refused' });
      expect(outcome).toBeInstanceOf(BillerRejectedError);
      expect((outcome as BillerRejectedError).billerCode).toBe(code);
      expect((outcome as BillerRejectedError).retryable).toBe(false);
    }
  });

  it('leaves a posting pending on a code the board does not document, and E404 on status as not_found', () => {
    expect(postingFailure('HUB1', { code: 'E777', text: 'odd' })).toMatchObject({ status: 'pending' });
    expect(statusFailure('HUB1', { code: 'E404', text: 'E404' })).toMatchObject({ status: 'not_found' });
  });

  it('refuses a posting answer that echoes another agencyTxnId', () => {
    expect(() => paymentResult('HUB1', { boardTxnId: 'CWB1', agencyTxnId: 'HUB2', txnStatus: 'S' })).toThrow(
      BillerUnavailableError,
    );
  });

  it('requires an hmacSecret of at least 16 characters and an http(s) base URL, and defaults timeouts', () => {
    const base = { baseUrl: 'http://board.example', agencyCode: 'A1', hmacSecret: 'x'.repeat(16) };
    expect(waterBoard.options.safeParse(base).success).toBe(true);
    expect(waterBoard.options.safeParse({ ...base, hmacSecret: 'short' }).success).toBe(false);
    expect(waterBoard.options.safeParse({ ...base, baseUrl: 'ftp://board.example' }).success).toBe(false);
    // Registry options from the environment arrive as strings.
    expect(waterBoard.options.parse({ ...base, timeoutMs: '300' })).toMatchObject({ timeoutMs: 300, retries: 2 });
  });
});

describe('water board signature', () => {
  const post = async (path: string, body: string) => {
    const res = await fetch(`${await sandboxUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: res.status, body: await res.json() };
  };
  const fields = { agencyCode: defaultSandboxCredentials.agencyCode, connectionId: FIXTURES.known.connectionId };

  it('signs the fields other than sig, sorted by name, as k=v&k=v with HMAC-SHA256 in hex', () => {
    const signed = { ts: '1700000000', connectionId: 'W12-004512', agencyCode: 'A1' };
    expect(canonicalString({ ...signed, sig: 'ignored' })).toBe('agencyCode=A1&connectionId=W12-004512&ts=1700000000');
    const expected = createHmac('sha256', 'k'.repeat(16)).update(canonicalString(signed)).digest('hex');
    expect(signFields(signed, 'k'.repeat(16))).toBe(expected);
  });

  it('is accepted by the board when signed with the shared secret and a fresh ts', async () => {
    const answer = await post('/api/billfetch', signedForm(fields, defaultSandboxCredentials.hmacSecret));
    expect(answer).toMatchObject({ status: 200, body: { resultCode: '0' } });
  });

  it('is refused with 401 E401 when signed with the wrong secret, which the adapter reports as retryable', async () => {
    const answer = await post('/api/billfetch', signedForm(fields, 'not-the-board-secret'));
    expect(answer).toEqual({ status: 401, body: { resultCode: 'E401', resultText: 'signature invalid' } });
    const adapter = adapterFor(await sandboxUrl(), { hmacSecret: 'not-the-board-secret' });
    const error = await adapter.fetchBill(FIXTURES.known).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).billerCode).toBe('E401');
    expect((error as Error).message).not.toContain('not-the-board-secret');
  });

  it('is refused with 401 when ts is more than 300 s old, even with the right secret', async () => {
    const stale = signedForm(fields, defaultSandboxCredentials.hmacSecret, Date.now() - 301_000);
    const answer = await post('/api/billfetch', stale);
    expect(answer).toEqual({ status: 401, body: { resultCode: 'E401', resultText: 'signature invalid' } });
  });
});

describe('water board sandbox', () => {
  it('accepts the rebated amount before the rebate date and refuses any other amount with E211', async () => {
    const adapter = adapterFor(await sandboxUrl());
    const bill = await adapter.fetchBill(FIXTURES.known);
    const early = bill.earlyPayment?.amountMinor ?? 0;
    expect(early).toBeGreaterThan(0);
    const posting = (amountMinor: number, reference: string) => ({
      reference,
      consumer: FIXTURES.known,
      billNumber: bill.billNumber,
      amountMinor,
      paidAt: new Date().toISOString(),
    });
    const stamp = Date.now();
    expect((await adapter.postPayment(posting(early, `HUBEARLY${stamp}`))).status).toBe('accepted');
    const error = await adapter.postPayment(posting(early - 1, `HUBSHORT${stamp}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerRejectedError);
    expect((error as BillerRejectedError).billerCode).toBe('E211');
  });
});
