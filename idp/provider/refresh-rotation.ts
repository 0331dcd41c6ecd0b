import { hkdfSync, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
// oidc-provider's own refresh grant and the helpers it is registered with (9.x has no public way
// to wrap a built-in grant); the package declares no `exports`, so these paths are importable.
import { parameters, handler as providerRefreshGrant } from 'oidc-provider/lib/actions/grants/refresh_token.js';
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import resolveResource from 'oidc-provider/lib/helpers/resolve_resource.js';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';
import type { Redis } from '../../infra/redis.js';
import { openSecret, sealSecret } from '../crypto/secret-box.js';
import { ConsumedConcurrently, currentStorageScope } from './redis-adapter.js';

/** How often a duplicate request looks for the winner's answer while the winner is still working. */
const POLL_MS = 50;
/** Longest a rotation may hold its token's lock (ms): far above a rotation's work, short enough to self-heal. */
const LOCK_MS = 10_000;

// Releases the lock only if it is still this request's (it may have expired and been taken since).
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type RefreshTokenModel = InstanceType<Provider['RefreshToken']>;

/** What the winner leaves for its duplicates, sealed under a key only the old token's holder can derive. */
interface CachedAnswer {
  clientId: string;
  /** The request it answered (scope and resource as sent): only the same request gets it again. */
  request: string;
  body: unknown;
}

/** The parameters that shape a refresh answer, as one comparable string. */
function requestShape(ctx: KoaContextWithOIDC): string {
  return JSON.stringify([ctx.oidc.params?.scope ?? null, ctx.oidc.params?.resource ?? null]);
}

/** Cache key and sealing key, both derived from the old token (never stored or logged as such). */
function answerKeys(oldToken: string) {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', oldToken, 'refresh-answer', info, 32));
  const tokenId = derive('id').toString('base64url');
  return { id: `oidc:RefreshAnswer:${tokenId}`, lock: `oidc:RefreshLock:${tokenId}`, key: derive('key') };
}

/**
 * Makes refresh token rotation atomic, replacing oidc-provider's refresh_token grant with a
 * wrapper around it (same parameters, same checks, same response):
 *
 * - **Validate before consuming.** The requested `resource` is resolved and checked (unknown or
 *   not granted: `invalid_target`) before the provider marks the old token used, so a refused
 *   request leaves the token usable. Scope is already checked before that by the provider.
 * - **Exactly one rotation.** The adapter marks the token used with one SET NX
 *   (redis-adapter.ts consume()), so of simultaneous requests exactly one rotates; the others get
 *   ConsumedConcurrently. The token endpoint runs in a storage scope that reads each record once
 *   per request, so our read of the token and the provider's are the same read: the provider never
 *   sees a token that a concurrent request consumed between the two (that would look like reuse and
 *   revoke the grant). With the window off, a Redis lock keyed by the token (SET NX, released by
 *   compare-and-delete) still turns a request that arrives mid-rotation away before it reads the
 *   token. The new tokens and the winner's answer are written in one round trip when the answer is
 *   ready (create-provider.ts), so a loser never finds the tokens without the answer.
 *   A duplicate, or a request that presents a token consumed less than
 *   `graceSeconds` ago, with the same scope and resource, gets the same answer the winner got (same new refresh token, access
 *   token and ID token), read from a short-lived cache keyed and sealed (AES-256-GCM) by keys
 *   derived from the old token. If no answer appears within the window (the winner failed), it
 *   gets `temporarily_unavailable`; a different request with that token gets
 *   `invalid_grant`. Either way the grant stays alive until the window ends.
 * - **Reuse detection as before.** A consumed token presented after the window reaches the
 *   provider's own check, which revokes the whole grant (RFC 9700 §4.14.2).
 *
 * Why the same answer rather than a retryable error: RFC 9700 §4.14.2 asks for rotation with
 * reuse detection, so that one of the attacker and the legitimate client presents an
 * invalidated token and the grant is revoked. A client that lost a response (a timeout, a
 * retried request, two tabs or two portal processes refreshing one session) cannot recover from
 * an error: its only token is already used, so it would be signed out. Handing the duplicate the
 * winner's answer keeps it signed in and still keeps a single chain: an attacker who replays a
 * stolen token inside the window gets the very token the citizen got, and whichever of them
 * rotates it next makes the other's next use a detected reuse that revokes the grant. The cost
 * is that detection of a theft replayed within those few seconds waits one rotation, which is
 * why the window is short (Okta, Auth0 and Ory Hydra offer the same leeway as an option).
 *
 * @param graceSeconds how long after a rotation duplicates get the winner's answer; 0 turns the
 *   window off (a lost race then answers `temporarily_unavailable`, any later use revokes).
 */
export function enableAtomicRefreshRotation(provider: Provider, redis: Redis, graceSeconds: number): void {
  const helpers = Object.fromEntries(
    Object.entries(grantHelpers as Record<string, (...args: unknown[]) => unknown>).map(([name, helper]) => [
      name,
      helper.bind(undefined, provider),
    ]),
  );
  const { features } = instance(provider).configuration;

  /** RFC 8707 check of the refresh grant, done by the provider only after it consumed the token. */
  async function checkResource(ctx: KoaContextWithOIDC, token: RefreshTokenModel): Promise<void> {
    const scopes = ctx.oidc.params?.scope ? ctx.oidc.requestParamScopes : token.scopes;
    const resource = await resolveResource(
      ctx,
      token,
      { userinfo: features.userinfo, resourceIndicators: features.resourceIndicators },
      scopes,
    );
    if (resource) await features.resourceIndicators.getResourceServerInfo(ctx, resource, ctx.oidc.client);
  }

  /** The winner's answer for a duplicate, waiting while the winner is still working. */
  async function answerDuplicate(ctx: KoaContextWithOIDC, oldToken: string): Promise<void> {
    const { id, key } = answerKeys(oldToken);
    const deadline = Date.now() + graceSeconds * 1000;
    for (;;) {
      const sealed = await redis.get(id);
      if (sealed) {
        const answer = JSON.parse(openSecret(sealed, key)) as CachedAnswer;
        if (answer.clientId !== ctx.oidc.client?.clientId) throw new errors.InvalidGrant('client mismatch');
        // Another request with a just-rotated token is refused, but the grant lives until the window ends.
        if (answer.request !== requestShape(ctx)) throw new errors.InvalidGrant('refresh token already used');
        ctx.body = answer.body;
        return;
      }
      if (Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
    throw new errors.TemporarilyUnavailable('the refresh token is being rotated by another request; retry shortly');
  }

  async function refreshGrant(ctx: KoaContextWithOIDC): Promise<void> {
    const oldToken = ctx.oidc.params?.refresh_token;
    if (typeof oldToken !== 'string') return providerRefreshGrant(provider, helpers, ctx);
    // With a window, the token's one-time mark decides the winner and the request's single read
    // of the token (redis-adapter.ts) keeps a loser from seeing the winner's mark as a reuse.
    if (graceSeconds > 0) return rotateOnce(ctx, oldToken);
    // Without one, a request arriving while another rotates this token must not reach the
    // provider's reuse check: the lock turns it away with a retryable error.
    const { lock } = answerKeys(oldToken);
    const owner = randomBytes(16).toString('base64url');
    if ((await redis.set(lock, owner, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      throw new errors.TemporarilyUnavailable('the refresh token is being rotated by another request; retry shortly');
    }
    try {
      await rotateOnce(ctx, oldToken);
    } finally {
      await redis.eval(releaseScript, 1, lock, owner);
    }
  }

  /**
   * The refresh grant for one token. Both reads of the token (ours, then the provider's) are the
   * request's one read (redis-adapter.ts StorageScope), so the provider decides on what we checked.
   */
  async function rotateOnce(ctx: KoaContextWithOIDC, oldToken: string): Promise<void> {
    const token = await provider.RefreshToken.find(oldToken, { ignoreExpiration: true });
    // Anything else (unknown, foreign, expired token) is the provider's to refuse, as before.
    if (token && token.clientId === ctx.oidc.client?.clientId && !token.isExpired) {
      const consumedAt = Number(token.consumed ?? 0);
      // Unused: refuse a bad resource now, before the provider consumes the token.
      if (!consumedAt) await checkResource(ctx, token);
      // Used within the window, and the grant not revoked since (sign-out): a duplicate.
      else if (Date.now() / 1000 - consumedAt <= graceSeconds && (await provider.Grant.find(token.grantId as string))) {
        return answerDuplicate(ctx, oldToken);
      }
      // Used before the window: the provider's reuse detection revokes the grant.
    }

    try {
      await providerRefreshGrant(provider, helpers, ctx);
    } catch (error) {
      if (error instanceof ConsumedConcurrently) return answerDuplicate(ctx, oldToken);
      throw error;
    }

    if (graceSeconds > 0 && ctx.oidc.entities.RotatedRefreshToken) {
      const { id, key } = answerKeys(oldToken);
      const answer: CachedAnswer = {
        clientId: ctx.oidc.client?.clientId as string,
        request: requestShape(ctx),
        body: ctx.body,
      };
      const sealed = sealSecret(JSON.stringify(answer), key);
      // One second more than the window: `consumed` is stored in whole seconds. Written in the same
      // round trip as the new tokens when the token endpoint batches its writes.
      const scope = currentStorageScope();
      if (scope?.batchWrites) scope.extra.push(() => redis.set(id, sealed, 'EX', graceSeconds + 1));
      else await redis.set(id, sealed, 'EX', graceSeconds + 1);
    }
  }

  const registered = new Set(parameters);
  const dupes = features.resourceIndicators.enabled ? ['resource'] : undefined;
  if (features.resourceIndicators.enabled) registered.add('resource');
  provider.registerGrantType('refresh_token', refreshGrant, [...registered], dupes);
}
