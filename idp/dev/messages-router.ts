import Router from '@koa/router';
import type { CountryCode } from 'libphonenumber-js';
import { readCaptured } from '../../infra/notifier/index.js';
import type { Redis } from '../../infra/redis.js';
import { parseIdentifier } from '../accounts/identifier.js';

/**
 * GET /__dev/messages?to=<phone or email>: what the capture transport "sent", newest first,
 * so a developer or a test can read a one-time code. Never mounted in production.
 */
export function devMessagesRouter(redis: Redis, defaultRegion: CountryCode): Router {
  const router = new Router();
  router.get('/__dev/messages', async (ctx) => {
    const to = typeof ctx.query.to === 'string' ? ctx.query.to : '';
    if (!to) {
      ctx.status = 400;
      ctx.body = { error: 'give ?to=<phone or email>' };
      return;
    }
    let recipient = to;
    try {
      recipient = parseIdentifier(to, defaultRegion).value;
    } catch {
      // Not a phone or email we recognise: look it up exactly as given.
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await readCaptured(redis, recipient);
  });
  return router;
}
