export interface AccessToken {
  value: string;
  expiresInSeconds: number;
}

export interface TokenCacheOptions {
  /** Asks the biller for a new token; has its own timeout, so callers' signals are not passed to it. */
  fetchToken(): Promise<AccessToken>;
  /** The clock, for tests. */
  now?: () => number;
}

/** Renew this long before expiry so a token never runs out in flight: a tenth of its life, at most 30 s. */
const MAX_MARGIN_MS = 30_000;

/**
 * One OAuth2 client-credentials token, kept until shortly before it expires. Callers that need
 * a token while one is being fetched share that fetch, so a burst of calls asks only once.
 */
export class TokenCache {
  private current?: { value: string; renewAt: number };
  private inflight?: Promise<string>;
  private readonly now: () => number;

  constructor(private readonly options: TokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current.value);
    this.inflight ??= this.renew().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets a token the company refused, unless a newer one has already replaced it. */
  invalidate(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  private async renew(): Promise<string> {
    const fetchedAt = this.now();
    const token = await this.options.fetchToken();
    const lifetimeMs = token.expiresInSeconds * 1_000;
    this.current = { value: token.value, renewAt: fetchedAt + lifetimeMs - Math.min(MAX_MARGIN_MS, lifetimeMs / 10) };
    // Handed to the caller that asked even if already due for renewal (a zero lifetime): never loop.
    return token.value;
  }
}
