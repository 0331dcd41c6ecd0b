import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouterMiddleware } from '@koa/router';
import { SandboxApiError } from './api-error.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** `Authorization: Bearer <apiKey>`, compared in constant time (hashes make the lengths equal); 401 otherwise. */
export function bearerAuth(apiKey: string): RouterMiddleware {
  const expected = sha256(apiKey);
  return async (ctx, next) => {
    const [scheme, given] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !given || !timingSafeEqual(sha256(given), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="sandbox-gateway"');
      throw new SandboxApiError(401, 'unauthorized', 'a valid Authorization: Bearer <api key> header is required');
    }
    await next();
  };
}
