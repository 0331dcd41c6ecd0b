import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouterMiddleware } from '@koa/router';
import type { CompiledSandbox } from './compile.js';

/**
 * The API's authentication as the file's `auth` declares it, before any route of the API (the
 * /__sandbox controls take none). `apiKeyHeader`: the header must carry the key held in
 * `adapterOptions[option]`, compared in constant time; a missing or wrong key gets `refused`.
 * `none`: no check. Another kind (an HMAC-signed body, OAuth2 client credentials) is one more
 * member of the schema's `auth` union and one more case here.
 */
export function authMiddleware(sandbox: CompiledSandbox): RouterMiddleware | undefined {
  const { auth, adapterOptions } = sandbox.file;
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'apiKeyHeader': {
      const expected = sha256(adapterOptions[auth.option] ?? '');
      const answer = sandbox.errorAnswer(auth.refused, 'auth.refused');
      return async (ctx, next) => {
        const given = ctx.get(auth.header);
        if (!given || !timingSafeEqual(sha256(given), expected)) {
          ctx.status = answer.status;
          ctx.body = await answer.template.evaluate({ code: answer.code, message: answer.message ?? '' });
          return;
        }
        await next();
      };
    }
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
