import type { BillerRegistry } from '../../adapters/registry/index.js';
import { type Bill, type ConsumerRef, validateConsumer } from '../../adapters/sdk/index.js';
import { NotFoundError } from '../../infra/errors.js';
import type { Redis } from '../../infra/redis.js';
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
   * made ASCII, then the biller's patterns). Throws NotFoundError for an unknown biller and the
   * SDK's InvalidConsumerNumberError (a BillerError) for a consumer its rules refuse.
   */
  normalise(billerId: string, consumer: ConsumerRef): ConsumerRef {
    return validateConsumer(this.biller(billerId).descriptor, consumer);
  }

  /**
   * The consumer's current bill, from the cache unless `fresh`. Throws NotFoundError for an unknown
   * biller and the adapter's BillerError (invalid consumer, not found, rejected, unavailable).
   */
  async fetch(billerId: string, consumer: ConsumerRef, { fresh = false } = {}): Promise<FetchedBill> {
    const { descriptor, operations } = this.biller(billerId);
    const checked = this.normalise(billerId, consumer);
    const key = `bill:${billerId}:${consumerKey(descriptor, checked)}`;
    if (!fresh && this.options.cacheSeconds > 0) {
      const hit = await this.redis.get(key);
      if (hit) return { billerId, bill: JSON.parse(hit) as Bill, consumer: checked, cached: true };
    }
    // The adapter's BillerError goes up as it is: the HTTP layer says how it answers (hub/api/biller-errors.ts).
    const bill = await operations.fetchBill(checked, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    if (this.options.cacheSeconds > 0) await this.redis.set(key, JSON.stringify(bill), 'EX', this.options.cacheSeconds);
    return { billerId, bill, consumer: checked, cached: false };
  }
}
