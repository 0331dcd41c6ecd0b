import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxWalletClient } from '../../hub/wallet/sandbox-wallet-client.js';
import { MERCHANT, startWallet, type WalletHarness } from './harness.js';

describe('sandbox wallet and its client (the contract the hub relies on)', () => {
  let wallet: WalletHarness;
  beforeAll(async () => {
    wallet = await startWallet();
  });
  afterAll(() => wallet.close());

  it('a seeded transfer verifies with its amount, time, payer wallet and payee', async () => {
    const seeded = await wallet.seed({
      payerWallet: '9876543210',
      amount: 1_180_000,
      paidAt: '2027-01-08T10:00:00+05:30',
    });
    const answer = await wallet.client.verifyTransfer({
      walletNumber: '9876543210',
      transactionId: seeded.transactionId,
      expectedPayee: MERCHANT,
    });
    expect(answer).toEqual({
      status: 'verified',
      transactionId: seeded.transactionId,
      amountMinor: 1_180_000,
      currency: 'INR',
      paidAt: new Date('2027-01-08T04:30:00Z'),
      payerWallet: '9876543210',
      payee: MERCHANT,
    });
  });

  it('an unknown transaction id is not_found', async () => {
    const answer = await wallet.client.verifyTransfer({ walletNumber: '9876543210', transactionId: 'WT000000000001' });
    expect(answer).toEqual({ status: 'not_found', transactionId: 'WT000000000001' });
  });

  it('a transfer from another wallet is a mismatch on the wallet number, and reveals nothing of it', async () => {
    const seeded = await wallet.seed({ payerWallet: '9876543210', amount: 50_000 });
    const res = await wallet.call('POST', '/v1/transfers/verify', {
      walletNumber: '9123456780',
      transactionId: seeded.transactionId,
    });
    expect(await res.json()).toEqual({ result: 'wallet_mismatch' });
    const answer = await wallet.client.verifyTransfer({
      walletNumber: '9123456780',
      transactionId: seeded.transactionId,
    });
    expect(answer).toEqual({ status: 'mismatch', transactionId: seeded.transactionId, field: 'walletNumber' });
  });

  it('a transfer to another merchant is a mismatch on the payee', async () => {
    const seeded = await wallet.seed({ payerWallet: '9876543210', payee: 'SOMEONEELSE', amount: 50_000 });
    const answer = await wallet.client.verifyTransfer({
      walletNumber: '9876543210',
      transactionId: seeded.transactionId,
      expectedPayee: MERCHANT,
    });
    expect(answer).toMatchObject({ status: 'mismatch', field: 'payee' });
  });

  it('seeding the same transfer twice keeps one; another transfer under the same id is a 409', async () => {
    const first = {
      transactionId: 'WTSEED0001',
      payerWallet: '9876543210',
      amount: 100,
      paidAt: '2027-01-01T00:00:00Z',
    };
    expect((await wallet.call('POST', '/__sandbox/transfers', first)).status).toBe(201);
    expect((await wallet.call('POST', '/__sandbox/transfers', first)).status).toBe(200);
    const other = await wallet.call('POST', '/__sandbox/transfers', { ...first, amount: 200 });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: { code: 'transaction_conflict' } });
  });

  it('a 5xx from the wallet is unknown, never not_found, and the next call answers', async () => {
    const seeded = await wallet.seed({ payerWallet: '9000000001', amount: 100 });
    await wallet.fault({ consumer: '9000000001', kind: 'error_5xx', times: 1 });
    const down = await wallet.client.verifyTransfer({
      walletNumber: '9000000001',
      transactionId: seeded.transactionId,
    });
    expect(down.status).toBe('unknown');
    const up = await wallet.client.verifyTransfer({ walletNumber: '9000000001', transactionId: seeded.transactionId });
    expect(up.status).toBe('verified');
  });

  it('a wrong API key or a wrong URL is unknown, not a verdict on the transfer', async () => {
    const seeded = await wallet.seed({ payerWallet: '9876543210', amount: 100 });
    const wrongKey = createSandboxWalletClient({ baseUrl: wallet.baseUrl, apiKey: 'not-the-key', retries: 0 });
    const wrongPath = createSandboxWalletClient({ baseUrl: `${wallet.baseUrl}/nowhere`, apiKey: 'x', retries: 0 });
    try {
      for (const client of [wrongKey, wrongPath]) {
        const answer = await client.verifyTransfer({ walletNumber: '9876543210', transactionId: seeded.transactionId });
        expect(answer.status).toBe('unknown');
      }
    } finally {
      wrongKey.close();
      wrongPath.close();
    }
  });

  it('the verify call needs the API key', async () => {
    const res = await wallet.call(
      'POST',
      '/v1/transfers/verify',
      { walletNumber: '9876543210', transactionId: 'WT000000000001' },
      { authorization: 'Bearer wrong' },
    );
    expect(res.status).toBe(401);
  });
});
