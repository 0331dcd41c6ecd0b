import { once } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import electricityDiscom from '../../adapters/electricity-discom/index.js';
import { defaultSandboxCredentials as electricityCredentials } from '../../adapters/electricity-discom/sandbox/app.js';
import pipedGas from '../../adapters/piped-gas/index.js';
import { defaultSandboxCredentials as gasCredentials } from '../../adapters/piped-gas/sandbox/app.js';
import {
  type BillerOperations,
  BillerRejectedError,
  isDuplicateReference,
  type PaymentPosting,
} from '../../adapters/sdk/index.js';
import waterBoard from '../../adapters/water-board/index.js';
import { defaultSandboxCredentials as waterCredentials } from '../../adapters/water-board/sandbox/app.js';

type Route = (req: IncomingMessage, url: URL) => { status: number; body: unknown };
const servers: Server[] = [];
const closers: Array<() => unknown> = [];
const timeoutMs = 20_000;

/** A biller that already has the posting: it refuses the re-post as a duplicate and reports the posting when asked. */
async function billerStub(route: Route): Promise<string> {
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const { status, body } = route(req, new URL(req.url ?? '/', 'http://stub'));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const posting = (consumer: Record<string, string>, reference: string): PaymentPosting => ({
  reference,
  consumer,
  billNumber: 'B-1',
  amountMinor: 10_000,
  paidAt: new Date().toISOString(),
});

const keep = (adapter: BillerOperations) => {
  closers.push(() => adapter.close?.());
  return adapter;
};

describe('a biller answering "duplicate reference" to a re-post has the posting: ask its status, never refund', () => {
  afterAll(async () => {
    for (const close of closers) await close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('recognises duplicate codes and texts, and only those', () => {
    expect(isDuplicateReference('DUPLICATE_TXN')).toBe(true);
    expect(isDuplicateReference('E409', 'Payment already received for this reference')).toBe(true);
    expect(isDuplicateReference('ALREADY_POSTED')).toBe(true);
    expect(isDuplicateReference('ACCOUNT_DISCONNECTED', 'the account is disconnected')).toBe(false);
    expect(isDuplicateReference('BILL_MISMATCH')).toBe(false);
  });

  it('the discom: 409 DUPLICATE_TXN to a re-post is the accepted posting it already has', async () => {
    const reference = 'HUBDUPELECTRICITY0001';
    const baseUrl = await billerStub((req, url) =>
      req.method === 'POST'
        ? { status: 409, body: { errorCode: 'DUPLICATE_TXN', message: `txnRef ${reference} already exists` } }
        : url.pathname === `/v2/payments/${reference}`
          ? { status: 200, body: { receiptNo: 'RCP123', txnRef: reference, status: 'SUCCESS' } }
          : { status: 404, body: { errorCode: 'TXN_NOT_FOUND' } },
    );
    const adapter = keep(
      electricityDiscom.create(
        electricityDiscom.options.parse({ baseUrl, ...electricityCredentials, timeoutMs, retries: 0 }),
        {},
      ),
    );
    const result = await adapter.postPayment(posting({ consumerNumber: '1002003004' }, reference));
    expect(result).toMatchObject({ reference, status: 'accepted', billerReference: 'RCP123' });
  });

  it('the gas company: 409 DUPLICATE_PARTNER_REF, with the collection not yet listed, stays pending', async () => {
    const reference = 'HUBDUPGAS000000000001';
    const baseUrl = await billerStub((req, url) => {
      if (url.pathname === '/oauth/token') {
        return { status: 200, body: { access_token: 'stub-token', token_type: 'Bearer', expires_in: 300 } };
      }
      if (req.method === 'POST') {
        return { status: 409, body: { fault: { code: 'DUPLICATE_PARTNER_REF', text: 'partnerRef already used' } } };
      }
      return { status: 200, body: { items: [] } };
    });
    const adapter = keep(
      pipedGas.create(pipedGas.options.parse({ baseUrl, ...gasCredentials, timeoutMs, retries: 0 }), {}),
    );
    const result = await adapter.postPayment(posting({ bpNumber: '5001234567' }, reference));
    expect(result).toMatchObject({ reference, status: 'pending', billerStatus: 'DUPLICATE_PARTNER_REF' });
  });

  it('the gas company: a real refusal (409 with its own code) is still a refusal', async () => {
    const baseUrl = await billerStub((_req, url) =>
      url.pathname === '/oauth/token'
        ? { status: 200, body: { access_token: 'stub-token', token_type: 'Bearer', expires_in: 300 } }
        : { status: 409, body: { fault: { code: 'BP_BLOCKED', text: 'account blocked' } } },
    );
    const adapter = keep(
      pipedGas.create(pipedGas.options.parse({ baseUrl, ...gasCredentials, timeoutMs, retries: 0 }), {}),
    );
    await expect(
      adapter.postPayment(posting({ bpNumber: '5001234567' }, 'HUBDUPGAS000000000002')),
    ).rejects.toBeInstanceOf(BillerRejectedError);
  });

  it('the water board: a duplicate agencyTxnId answer leaves the posting pending for its status call', async () => {
    const reference = 'HUBDUPWATER0000000001';
    const baseUrl = await billerStub(() => ({
      status: 200,
      body: { resultCode: 'E409', resultText: `duplicate agencyTxnId ${reference}` },
    }));
    const adapter = keep(
      waterBoard.create(waterBoard.options.parse({ baseUrl, ...waterCredentials, timeoutMs, retries: 0 }), {}),
    );
    const result = await adapter.postPayment(posting({ connectionId: 'W12-004512' }, reference));
    expect(result).toMatchObject({ reference, status: 'pending', billerStatus: 'E409' });
  });
});
