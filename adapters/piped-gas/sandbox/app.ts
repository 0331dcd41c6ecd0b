import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { z } from 'zod';
import { sandboxControlRouter } from '../../sandboxes/shared/control-router.js';
import { FaultBook } from '../../sandboxes/shared/faults.js';
import { PostingBook, type SandboxPosting } from '../../sandboxes/shared/posting-book.js';
import { collectionReportRoute } from './collection-report.js';
import { buildAccounts } from './data.js';

/**
 * Metro Piped Natural Gas's API as the company shapes it: OAuth2 client credentials at
 * /oauth/token, Bearer tokens on /gas/v1, amounts as {value, scale}, errors as {fault: {code}}.
 */

export const PIPED_GAS_SANDBOX_PORT = 4103;
/** The seed when none is given: the accounts the tests and benchmarks know. */
export const DEFAULT_SEED = 4103;

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
}

/** For local runs only; matching adapter options: { clientId, clientSecret } of this object. */
export const defaultSandboxCredentials: SandboxCredentials = {
  clientId: 'hub-metro-gas',
  clientSecret: 'sandbox-metro-gas-secret-0001',
};

export interface PipedGasSandboxOptions {
  seed?: number;
  /** Consumers on the books (default 200; bounds in shared/population.ts): the seeded first ones never change. */
  consumers?: number;
  credentials?: SandboxCredentials;
  /** How long an issued token lives; the company's is 300 s. 0 issues tokens that are already expired. */
  tokenTtlSeconds?: number;
}

const STATE_WORDS: Record<SandboxPosting['state'], string> = {
  accepted: 'POSTED',
  pending: 'IN_PROCESS',
  rejected: 'REJECTED',
};

const REFUSAL_TEXT: Record<string, string> = {
  BP_BLOCKED: 'Collections are blocked for this business partner',
  INVOICE_CLOSED: 'The invoice is closed or has been superseded',
};

const collectionBody = z.object({
  bpNo: z.string().min(1),
  invoiceId: z.string().min(1),
  collectedAmount: z.object({ value: z.number().int().positive(), scale: z.literal(2) }),
  partnerRef: z.string().min(1).max(64),
  collectedAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'an ISO date-time'),
});

function fault(ctx: Koa.Context, status: number, code: string, text?: string): void {
  ctx.status = status;
  ctx.body = { fault: text ? { code, text } : { code } };
}

function unavailable(ctx: Koa.Context): void {
  fault(ctx, 503, 'SERVICE_UNAVAILABLE', 'Scheduled maintenance, please try again later');
}

function sameText(given: string | undefined, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/** client_id and client_secret from an HTTP Basic header (RFC 6749 2.3.1: each form-urlencoded). */
function basicCredentials(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function oauthRouter(credentials: SandboxCredentials, tokens: Map<string, number>, ttlSeconds: number): Router {
  const router = new Router();
  router.post('/oauth/token', bodyParser({ enableTypes: ['form'] }), (ctx) => {
    const form = (ctx.request.body ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const basic = basicCredentials(ctx.get('authorization'));
    const clientId = basic ? basic.id : text(form.client_id);
    const clientSecret = basic ? basic.secret : text(form.client_secret);
    ctx.set('cache-control', 'no-store');
    if (!sameText(clientId, credentials.clientId) || !sameText(clientSecret, credentials.clientSecret)) {
      if (basic) ctx.set('www-authenticate', 'Basic realm="metro-gas"');
      ctx.status = 401;
      ctx.body = { error: 'invalid_client' };
      return;
    }
    if (form.grant_type !== 'client_credentials') {
      ctx.status = 400;
      ctx.body = { error: form.grant_type ? 'unsupported_grant_type' : 'invalid_request' };
      return;
    }
    const now = Date.now();
    for (const [token, expiresAt] of tokens) if (expiresAt <= now) tokens.delete(token);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, now + ttlSeconds * 1_000);
    ctx.body = { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds };
  });
  return router;
}

function requireBearer(tokens: Map<string, number>): Koa.Middleware {
  return async (ctx, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    const expiresAt = token ? tokens.get(token) : undefined;
    if (!token || expiresAt === undefined) {
      ctx.set('www-authenticate', 'Bearer error="invalid_token"');
      return fault(ctx, 401, 'TOKEN_INVALID', 'Missing or unknown access token');
    }
    if (Date.now() >= expiresAt) {
      tokens.delete(token);
      ctx.set('www-authenticate', 'Bearer error="invalid_token"');
      return fault(ctx, 401, 'TOKEN_EXPIRED', 'The access token has expired');
    }
    await next();
  };
}

function answerCollection(ctx: Koa.Context, posting: SandboxPosting): void {
  if (posting.state === 'rejected') {
    const code = posting.rejectCode ?? 'REJECTED';
    fault(ctx, 409, code, REFUSAL_TEXT[code]);
    return;
  }
  ctx.body = {
    collectionId: posting.billerReference,
    partnerRef: posting.reference,
    state: STATE_WORDS[posting.state],
  };
}

function gasRouter(accounts: ReturnType<typeof buildAccounts>, faults: FaultBook, postings: PostingBook): Router {
  const router = new Router({ prefix: '/gas/v1' });

  router.get('/accounts/:bpNumber/invoice', async (ctx) => {
    const bpNumber = ctx.params.bpNumber ?? '';
    if ((await faults.apply(bpNumber)).kind === 'error_5xx') return unavailable(ctx);
    const account = accounts.get(bpNumber);
    if (!account) return fault(ctx, 404, 'BP_NOT_FOUND', 'No business partner with this number');
    ctx.body = { bp: { bpNo: account.bpNo, holder: account.holder }, invoice: account.invoice };
  });

  router.post('/collections', bodyParser({ enableTypes: ['json'] }), async (ctx) => {
    const parsed = collectionBody.safeParse(ctx.request.body);
    if (!parsed.success) {
      return fault(
        ctx,
        400,
        'BAD_REQUEST',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const request = parsed.data;
    const action = await faults.apply(request.bpNo);
    if (action.kind === 'error_5xx') return unavailable(ctx);
    // The same partnerRef is the same collection, whatever else the repeat says.
    const earlier = postings.find(request.partnerRef);
    if (earlier) return answerCollection(ctx, earlier);
    const account = accounts.get(request.bpNo);
    if (!account) return fault(ctx, 404, 'BP_NOT_FOUND', 'No business partner with this number');
    // An injected rejection answers as a blocked account does: refused for good.
    const refusal =
      account.blocked || action.kind === 'reject'
        ? 'BP_BLOCKED'
        : request.invoiceId !== account.invoice.invoiceId
          ? 'INVOICE_CLOSED'
          : undefined;
    const pending = action.kind === 'pending';
    const recorded = postings.record(
      {
        reference: request.partnerRef,
        consumerKey: request.bpNo,
        billNumber: request.invoiceId,
        amountMinor: request.collectedAmount.value,
        state: refusal ? 'rejected' : pending ? 'pending' : 'accepted',
        ...(refusal ? { rejectCode: refusal } : {}),
        ...(!refusal && pending ? { confirmAt: Date.now() + action.confirmAfterMs } : {}),
      },
      'MGC',
    );
    answerCollection(ctx, recorded);
  });

  router.get('/collections', async (ctx) => {
    const partnerRef = typeof ctx.query.partnerRef === 'string' ? ctx.query.partnerRef : '';
    if (!partnerRef) return fault(ctx, 400, 'BAD_REQUEST', 'partnerRef is required');
    if ((await faults.apply(postings.find(partnerRef)?.consumerKey)).kind === 'error_5xx') return unavailable(ctx);
    const posting = postings.find(partnerRef);
    ctx.body = {
      items: posting
        ? [{ collectionId: posting.billerReference, partnerRef: posting.reference, state: STATE_WORDS[posting.state] }]
        : [],
    };
  });

  collectionReportRoute(router, postings);
  return router;
}

/** A Koa app answering like the company, with the shared /__sandbox controls for tests. */
export function createPipedGasSandbox(options: PipedGasSandboxOptions = {}): Koa {
  const accounts = buildAccounts(options.seed ?? DEFAULT_SEED, options.consumers);
  const credentials = options.credentials ?? defaultSandboxCredentials;
  const faults = new FaultBook();
  const postings = new PostingBook();
  /** Issued access tokens and when each expires (ms since the epoch). */
  const tokens = new Map<string, number>();

  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      // Malformed bodies and the like still answer in the company's own shapes.
      const status = Number((error as { status?: number }).status) || 500;
      ctx.status = status;
      if (ctx.path === '/oauth/token') ctx.body = { error: status < 500 ? 'invalid_request' : 'server_error' };
      else ctx.body = { fault: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR' } };
    }
  });
  app.use(sandboxControlRouter(faults, postings).routes());
  app.use(oauthRouter(credentials, tokens, options.tokenTtlSeconds ?? 300).routes());
  app.use(requireBearer(tokens));
  const api = gasRouter(accounts, faults, postings);
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
