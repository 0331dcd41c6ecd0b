import type { BillerRegistry } from '../../adapters/registry/index.js';
import { type Bill, type ConsumerRef, validateConsumer } from '../../adapters/sdk/index.js';
import { NotFoundError } from '../../infra/errors.js';
import type { Redis } from '../../infra/redis.js';
import { asApiError } from '../api/biller-errors.js';
import { consumerKey } from './consumer-key.js';

export interface FetchedBill {
  billerId: string;
  bill: Bill;
  /** The consumer as normalised and checked by the biller's rules: what to store, mask and key on. */
  consumer: ConsumerRef;
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

  /**
   * The consumer in its one normalised form (the SDK's validateConsumer: trimmed, Unicode digits
   * made ASCII, then the biller's patterns). Throws the biller's 404 for an unknown biller and a
   * 422 problem for a consumer its rules refuse.
   */
  normalise(billerId: string, consumer: ConsumerRef): ConsumerRef {
    const { descriptor } = this.biller(billerId);
    try {
      return validateConsumer(descriptor, consumer);
    } catch (error) {
      throw asApiError(error);
    }
  }

  async fetch(billerId: string, consumer: ConsumerRef, { fresh = false } = {}): Promise<FetchedBill> {
    const { descriptor, operations } = this.biller(billerId);
    const checked = this.normalise(billerId, consumer);
    const key = `bill:${billerId}:${consumerKey(descriptor, checked)}`;
    if (!fresh && this.options.cacheSeconds > 0) {
      const hit = await this.redis.get(key);
      if (hit) return { billerId, bill: JSON.parse(hit) as Bill, consumer: checked, cached: true };
    }
    let bill: Bill;
    try {
      bill = await operations.fetchBill(checked, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw asApiError(error);
    }
    if (this.options.cacheSeconds > 0) await this.redis.set(key, JSON.stringify(bill), 'EX', this.options.cacheSeconds);
    return { billerId, bill, consumer: checked, cached: false };
  }
}
