import { LRUCache } from 'lru-cache';
import type { Account, AccountStore } from './account-store.js';

/**
 * The provider looks the account up on every token and refresh grant. Within one process a
 * short cache spares MongoDB that read; concurrent lookups of one account share a query.
 * A disabled or renamed account shows within `ttlSeconds`; 0 turns the cache off. An account
 * just registered here is cached as created: the sign-in that registered it looks it up next.
 */
export function cachedAccountLookup(store: AccountStore, ttlSeconds: number): (sub: string) => Promise<Account | null> {
  if (ttlSeconds <= 0) return (sub) => store.findById(sub);
  const cache = new LRUCache<string, Account>({
    max: 10_000,
    ttl: ttlSeconds * 1000,
    // Unknown accounts are not cached (undefined is never stored), so a new account is seen at once.
    fetchMethod: async (sub) => (await store.findById(sub)) ?? undefined,
  });
  store.onCreated((account) => cache.set(account._id, account));
  return async (sub) => (await cache.fetch(sub)) ?? null;
}
