import { describe, expect, it } from 'vitest';
import { BillerUnavailableError, ConsumerNotFoundError } from '../../adapters/sdk/index.js';
import type { BillService } from '../../hub/bills/bill-service.js';
import { collectDues } from '../../hub/bills/dues.js';
import { fetchFailureOf } from '../../hub/bills/fetch-failure.js';
import type { SavedAccountDoc } from '../../hub/saved-accounts/saved-account-model.js';
import { NotFoundError } from '../../infra/errors.js';

const account = (id: string, billerId: string): SavedAccountDoc => ({
  _id: id,
  citizenSub: 'citizen-1',
  billerId,
  consumer: { consumerNumber: '1002003004' },
  consumerKey: '1002003004',
  consumerMasked: '******3004',
  nickname: 'Home',
  createdAt: new Date('2026-01-01T00:00:00Z'),
});

describe("a bill fetch's failure as a due carries it", () => {
  it("keeps a biller's refusal in its own words, not retryable", () => {
    expect(fetchFailureOf(new ConsumerNotFoundError('no consumer 1002003004'), 'could not fetch this bill')).toEqual({
      code: 'consumer_not_found',
      detail: 'no consumer 1002003004',
      retryable: false,
    });
  });

  it("says only that an unavailable biller could not be asked (never the network's words), and that it may be retried", () => {
    expect(fetchFailureOf(new BillerUnavailableError('connect ECONNREFUSED 10.0.0.7'), 'could not fetch')).toEqual({
      code: 'biller_unavailable',
      detail: 'could not fetch',
      retryable: true,
    });
  });

  it("keeps a hub error's code and exposed words, and hides anything unexpected", () => {
    expect(fetchFailureOf(new NotFoundError('no biller x'), 'could not fetch')).toEqual({
      code: 'not_found',
      detail: 'no biller x',
      retryable: false,
    });
    expect(fetchFailureOf(new Error('stack trace here'), 'could not fetch')).toEqual({
      code: 'internal_error',
      detail: 'could not fetch',
      retryable: true,
    });
  });

  it("gives each saved account whose biller fails the adapter's error (as BillService now lets it through), and the others their bills", async () => {
    const bills = {
      fetch: async (billerId: string) => {
        if (billerId === 'down') throw new BillerUnavailableError('timeout after 5000 ms');
        throw new ConsumerNotFoundError('no such consumer at this biller');
      },
    } as unknown as BillService;
    const dues = await collectDues([account('ACC1', 'down'), account('ACC2', 'gone')], bills);
    expect(dues.map((due) => [due.account.id, due.error])).toEqual([
      ['ACC1', { code: 'biller_unavailable', detail: 'could not fetch this bill', retryable: true }],
      ['ACC2', { code: 'consumer_not_found', detail: 'no such consumer at this biller', retryable: false }],
    ]);
  });
});
