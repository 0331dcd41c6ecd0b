import { LRUCache } from 'lru-cache';
import type { Account, AccountStore } from './account-store.js';

/**
 * The provider looks the account up on every token and refresh grant. Within one process a
 * short cache spares MongoDB that read; concurrent lookups of one account share a query.
 * A disabled or renamed account shows within `ttlSeconds`; 0 turns the cache off. An account
 * just registered here, or just read by its phone or email when its code was proven, is cached
 * as read: the sign-in looks it up by id next (the provider's findAccount when the authorization
 * resumes), so a returning citizen's login reads MongoDB once, not twice.
 */
export function cachedAccountLookup(store: AccountStore, ttlSeconds: number): (sub: string) => Promise<Account | null> {
  if (ttlSeconds <= 0) return (sub) => store.findById(sub);
  const cache = new LRUCache<string, Account>({
    max: 10_000,
    ttl: ttlSeconds * 1000,
    // Unknown accounts are not cached (undefined is never stored), so a new account is seen at once.
    fetchMethod: async (sub) => (await store.findById(sub)) ?? undefined,
  });
  store.onLoaded((account) => cache.set(account._id, account));
  return async (sub) => (await cache.fetch(sub)) ?? null;
}
