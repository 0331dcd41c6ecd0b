import { createHmac, timingSafeEqual } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { sandboxControlRouter } from '../../sandboxes/shared/control-router.js';
import { FaultBook } from '../../sandboxes/shared/faults.js';
import { PostingBook, type SandboxPosting } from '../../sandboxes/shared/posting-book.js';
import { daysFromToday } from '../../sandboxes/shared/seeded.js';
import type { ConsumerRef } from '../../sdk/contract.js';
import { createConnections, DEFAULT_SEED, type SandboxDemand } from './data.js';
import { misReport } from './mis-report.js';

export const WATER_BOARD_SANDBOX_PORT = 4102;

/** The agency the board knows and the secret it shares with it. */
export interface SandboxCredentials {
  agencyCode: string;
  hmacSecret: string;
}

/** What `npm start` gives both the sandbox and the adapter's options, so they match. */
export const defaultSandboxCredentials: SandboxCredentials = Object.freeze({
  agencyCode: 'CBPHUB01',
  hmacSecret: 'sandbox-city-water-shared-secret',
});

export interface WaterBoardSandboxOptions {
  seed?: number;
  /** Consumers on the books (default 200; bounds in shared/population.ts): the seeded first ones never change. */
  consumers?: number;
  credentials?: SandboxCredentials;
  /** The clock that decides whether the rebate still applies (by the Indian date); tests set it. */
  clock?: () => Date;
}

/** The key faults and postings are filed under: the connection id. */
export const sandboxConsumerKey = (consumer: ConsumerRef): string => consumer.connectionId ?? '';

const TS_WINDOW_S = 300;
const TXN_PREFIX = 'CWB';
// E210 and E211 are the board's documented refusals; E212 is this sandbox's own for a stale demandNo,
// a code the adapter does not know, so it leaves the posting pending until txnstatus says F.
const REFUSALS: Record<string, string> = {
  E210: 'connection disconnected',
  E211: 'amount mismatch',
  E212: 'demand not current',
};
const TXN_STATUS: Record<SandboxPosting['state'], string> = { accepted: 'S', pending: 'P', rejected: 'F' };

type Fields = Record<string, string>;
type Answer = { status: number; body: object };

const SIGNATURE_INVALID: Answer = { status: 401, body: { resultCode: 'E401', resultText: 'signature invalid' } };
const BUSY: Answer = { status: 503, body: { resultCode: 'E999' } };
// The board answers its errors with HTTP 200 and a result code.
const ok = (body: object): Answer => ({ status: 200, body: { resultCode: '0', ...body } });
const fail = (resultCode: string, resultText?: string): Answer => ({ status: 200, body: { resultCode, resultText } });
const missing = (name: string) => fail('E100', `missing field ${name}`);

/** The board's check: its agency, a ts within 300 s, and the HMAC over the other fields sorted by name. */
function verify(body: unknown, credentials: SandboxCredentials): Fields | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const entries = Object.entries(body);
  if (!entries.every(([, value]) => typeof value === 'string')) return undefined;
  const { sig, ...signed } = Object.fromEntries(entries) as Fields;
  if (!sig || signed.agencyCode !== credentials.agencyCode || !/^\d{1,12}$/.test(signed.ts ?? '')) return undefined;
  if (Math.abs(Date.now() / 1000 - Number(signed.ts)) > TS_WINDOW_S) return undefined;
  const text = Object.keys(signed)
    .sort()
    .map((name) => `${name}=${signed[name]}`)
    .join('&');
  const expected = createHmac('sha256', credentials.hmacSecret).update(text).digest();
  const given = Buffer.from(sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? signed : undefined;
}

/** The full net amount is always accepted; the rebated one until the rebate date (EXACT otherwise). */
function payable(demand: SandboxDemand, now: Date): number[] {
  const early = demand.rebateAmount > 0 && daysFromToday(0, now) <= demand.rebateIfPaidBy;
  return early ? [demand.netAmount, demand.netAmount - demand.rebateAmount] : [demand.netAmount];
}

function paymentAnswer(posting: SandboxPosting): Answer {
  if (posting.state === 'rejected') return fail(posting.rejectCode ?? 'E211', REFUSALS[posting.rejectCode ?? 'E211']);
  return ok({
    boardTxnId: posting.billerReference,
    agencyTxnId: posting.reference,
    txnStatus: TXN_STATUS[posting.state],
  });
}

/**
 * The water board's API in its own shape: form-encoded, HMAC-signed POSTs under /api, plus the
 * shared /__sandbox controls. Postings do not settle the demand, so a fixture stays payable.
 */
export function createWaterBoardSandbox(options: WaterBoardSandboxOptions = {}): Koa {
  const credentials = options.credentials ?? defaultSandboxCredentials;
  const connections = createConnections(options.seed ?? DEFAULT_SEED, options.consumers);
  const faults = new FaultBook();
  const postings = new PostingBook();

  const api = new Router({ prefix: '/api' });
  api.use(bodyParser({ enableTypes: ['form'] }));
  const route = (path: string, handle: (fields: Fields) => Promise<Answer>) =>
    api.post(path, async (ctx) => {
      const fields = verify(ctx.request.body, credentials);
      const answer = fields ? await handle(fields) : SIGNATURE_INVALID;
      ctx.status = answer.status;
      ctx.body = answer.body;
    });

  route('/billfetch', async ({ connectionId }) => {
    if (!connectionId) return missing('connectionId');
    if ((await faults.apply(connectionId)).kind === 'error_5xx') return BUSY;
    const found = connections.get(connectionId);
    if (!found) return fail('E104', 'connection not found');
    const { id, ownerName, ward, meterNo, demand } = found;
    return ok({ connection: { id, ownerName, ward, meterNo }, demand });
  });

  route('/payment', async ({ connectionId, demandNo, amountPaise, agencyTxnId }) => {
    if (!connectionId || !demandNo || !agencyTxnId) return missing('connectionId, demandNo or agencyTxnId');
    if (!amountPaise || !/^\d{1,12}$/.test(amountPaise)) return fail('E100', 'amountPaise must be whole paise');
    const action = await faults.apply(connectionId);
    if (action.kind === 'error_5xx') return BUSY;
    // A repeat of the agency's reference is the same posting, whatever it carries.
    const existing = postings.find(agencyTxnId);
    if (existing) return paymentAnswer(existing);
    const found = connections.get(connectionId);
    if (!found) return fail('E104', 'connection not found');
    const amountMinor = Number(amountPaise);
    // An injected rejection answers as a disconnected connection does: refused for good.
    const rejectCode =
      found.disconnected || action.kind === 'reject'
        ? 'E210'
        : demandNo !== found.demand.demandNo
          ? 'E212'
          : payable(found.demand, options.clock?.() ?? new Date()).includes(amountMinor)
            ? undefined
            : 'E211';
    const pending = !rejectCode && action.kind === 'pending';
    const recorded = postings.record(
      {
        reference: agencyTxnId,
        consumerKey: connectionId,
        billNumber: demandNo,
        amountMinor,
        state: rejectCode ? 'rejected' : pending ? 'pending' : 'accepted',
        confirmAt: pending ? Date.now() + action.confirmAfterMs : undefined,
        rejectCode,
      },
      TXN_PREFIX,
    );
    return paymentAnswer(recorded);
  });

  route('/txnstatus', async ({ agencyTxnId }) => {
    if (!agencyTxnId) return missing('agencyTxnId');
    if ((await faults.apply(postings.find(agencyTxnId)?.consumerKey)).kind === 'error_5xx') return BUSY;
    const posting = postings.find(agencyTxnId);
    if (!posting) return fail('E404');
    return ok({ boardTxnId: posting.billerReference, txnStatus: TXN_STATUS[posting.state] });
  });

  // The MIS file is CSV, not the board's JSON answer: a route of its own, signed like the rest.
  api.post('/misreport', (ctx) => {
    const fields = verify(ctx.request.body, credentials);
    const csv = fields ? misReport(postings, fields.date) : undefined;
    const refusal = !fields
      ? SIGNATURE_INVALID
      : csv === undefined
        ? fail('E100', 'date must be YYYY-MM-DD')
        : undefined;
    ctx.status = refusal?.status ?? 200;
    ctx.type = refusal ? 'application/json' : 'text/csv';
    ctx.body = refusal?.body ?? csv;
  });

  const control = sandboxControlRouter(faults, postings);
  const app = new Koa();
  app.use(control.routes()).use(control.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
