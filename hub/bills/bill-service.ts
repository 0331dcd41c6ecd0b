import type { BillerRegistry } from '../../adapters/registry/index.js';
import { type Bill, type ConsumerRef, validateConsumer } from '../../adapters/sdk/index.js';
import { NotFoundError } from '../../infra/errors.js';
import type { Redis } from '../../infra/redis.js';
import { asApiError } from '../api/biller-errors.js';
import { consumerKey } from './consumer-key.js';

export interface FetchedBill {
  billerId: string;
  bill: Bill;
  /** Served from the short cache rather than asked of the biller just now. */
  cached: boolean;
}

export interface BillServiceOptions {
  cacheSeconds: number;
  timeoutMs: number;
}

/**
 * Fetches bills through the adapters with a short Redis cache, so a dashboard that opens
 * twice does not ask every biller twice. `fresh` skips the cache (before a payment).
 */
export class BillService {
  constructor(
    private readonly billers: BillerRegistry,
    private readonly redis: Redis,
    private readonly options: BillServiceOptions,
  ) {}

  biller(billerId: string) {
    const biller = this.billers.get(billerId);
    if (!biller) throw new NotFoundError(`no biller ${billerId}`);
    return biller;
  }

  async fetch(billerId: string, consumer: ConsumerRef, { fresh = false } = {}): Promise<FetchedBill> {
    const { descriptor, operations } = this.biller(billerId);
    let checked: ConsumerRef;
    try {
      checked = validateConsumer(descriptor, consumer);
    } catch (error) {
      throw asApiError(error);
    }
    const key = `bill:${billerId}:${consumerKey(descriptor, checked)}`;
    if (!fresh && this.options.cacheSeconds > 0) {
      const hit = await this.redis.get(key);
      if (hit) return { billerId, bill: JSON.parse(hit) as Bill, cached: true };
    }
    let bill: Bill;
    try {
      bill = await operations.fetchBill(checked, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw asApiError(error);
    }
    if (this.options.cacheSeconds > 0) await this.redis.set(key, JSON.stringify(bill), 'EX', this.options.cacheSeconds);
    return { billerId, bill, cached: false };
  }
}
