import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { accessTokens, TokenKind } from '../../hub/api/access-token.js';
import { complaintRoutes } from '../../hub/api/routes/complaint-routes.js';
import { operatorComplaintRoutes } from '../../hub/api/routes/operator-complaint-routes.js';
import { v1Router } from '../../hub/api/v1-router.js';
import { complaintViewSchema } from '../../hub/complaints/index.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import { AppError } from '../../infra/errors.js';
import { problemResponses } from '../../infra/http/problem.js';
import { lineOf } from '../hub-payments/fixtures.js';
import { type ComplaintHarness, startComplaintHarness } from './harness.js';

/**
 * Stands in for the idp's tokens: `Bearer <kind>|<sub>|<scope,scope>` (URL-encoded) (the verification of real
 * tokens, and the operator claim, are tested with the access-token code itself). Kinds and scopes
 * are enforced as accessTokens does: another kind is 403 wrong_token_kind, a missing scope 403.
 */
function testTokens(): ReturnType<typeof accessTokens> {
  const read = (ctx: Koa.Context) => {
    const [kind = '', sub = '', scopes = ''] = decodeURIComponent(
      ctx.get('authorization').replace(/^Bearer /, ''),
    ).split('|');
    if (!sub) throw new AppError(401, 'invalid_token', 'no token');
    const caller = { kind: kind as TokenKind, sub, scopes: new Set(scopes.split(',')), label: `${sub} (label)` };
    ctx.state.caller = caller;
    if (kind === 'citizen') ctx.state.citizen = { sub, scopes: caller.scopes };
    return caller;
  };
  return {
    issuer: 'http://idp.test',
    audience: 'http://hub.test/api',
    authenticate: async (ctx, next) => {
      read(ctx);
      await next();
    },
    checkIfPresented: async (_ctx, next) => next(),
    requireAccess: (callers: readonly TokenKind[], scopes: readonly string[]) => async (ctx, next) => {
      const caller = read(ctx);
      if (!callers.includes(caller.kind)) throw new AppError(403, 'wrong_token_kind', 'wrong kind');
      if (scopes.some((s) => !caller.scopes.has(s))) throw new AppError(403, 'insufficient_scope', 'scope');
      await next();
    },
  } as ReturnType<typeof accessTokens>;
}

describe('the complaints API: a citizen sees only their own, operators act with a reason', () => {
  let h: ComplaintHarness;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_api');
    const app = new Koa();
    app.use(problemResponses());
    const routes = [...complaintRoutes(h.complaints), ...operatorComplaintRoutes(h.complaints)];
    app.use(v1Router(routes, testTokens(), 'http://hub.test').routes());
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h.close();
  });

  const citizen = (sub: string) => encodeURIComponent(`citizen|${sub}|payments:read,payments:write`);
  const operator = (sub = 'op-1', scopes = 'ops:read,ops:write') => encodeURIComponent(`operator|${sub}|${scopes}`);
  const call = async (path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  /** A citizen's complaint of type other on `paymentId`, through the API. */
  const raiseOther = (sub: string, paymentId: string) =>
    call('/complaints', citizen(sub), { paymentId, type: 'other', description: 'x' });

  it('raises a complaint (201, the ComplaintView shape), lists it and shows it to its citizen only', async () => {
    const payment = await h.onePayment('asha');
    const raised = await call('/complaints', citizen('asha'), {
      paymentId: payment._id,
      type: 'wrong_amount',
      description: '  I was charged ₹50 more than the bill  ',
    });
    expect(raised.status).toBe(201);
    const view = complaintViewSchema.parse(raised.body);
    expect(view).toMatchObject({
      paymentId: payment._id,
      lineId: lineOf(payment, 0)._id,
      type: 'wrong_amount',
      description: 'I was charged ₹50 more than the bill',
      status: 'open',
      line: { billerId: 'electricity-discom', consumerMasked: '*****0300', amountMinor: 125_000, status: 'pending' },
    });
    expect(Object.keys(raised.body)).not.toContain('citizenSub');
    // The pre-check's findings (internal ids) are for operators; the citizen sees the steps.
    expect(view.timeline.map((e) => e.event)).toEqual(['raised', 'pre_check.open']);
    expect(view.timeline[1]?.detail).toBeUndefined();

    const again = await call(
      '/complaints',
      citizen('asha'),
      { paymentId: payment._id, type: 'wrong_amount', description: 'again' },
      { 'idempotency-key': 'raise-again-0001' },
    );
    expect(again.body.id).toBe(view.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const list = await call('/complaints', citizen('asha'));
    expect((list.body.complaints as { id: string }[]).map((c) => c.id)).toEqual([view.id]);
    expect((await call(`/complaints/${view.id}`, citizen('asha'))).status).toBe(200);

    // Another citizen: as if it did not exist.
    const other = await call(`/complaints/${view.id}`, citizen('bilal'));
    expect(other).toMatchObject({ status: 404, body: { code: 'complaint_not_found' } });
    expect((await call('/complaints', citizen('bilal'))).body.complaints).toEqual([]);
    expect((await call(`/complaints/${view.id}/rating`, citizen('bilal'), { score: 1 })).status).toBe(404);
    const theirs = await raiseOther('bilal', payment._id);
    expect(theirs.status).toBe(404);
  });

  it('refuses a bad body in words: an unknown type, an empty or overlong description, a score out of range', async () => {
    const payment = await h.onePayment('chitra');
    const bad = async (body: unknown) => (await call('/complaints', citizen('chitra'), body)).status;
    expect(await bad({ paymentId: payment._id, type: 'bad_service', description: 'x' })).toBe(400);
    expect(await bad({ paymentId: payment._id, type: 'other', description: '   ' })).toBe(400);
    expect(await bad({ paymentId: payment._id, type: 'other', description: 'x'.repeat(1001) })).toBe(400);
    const raised = await raiseOther('chitra', payment._id);
    expect((await call(`/complaints/${raised.body.id}/rating`, citizen('chitra'), { score: 6 })).status).toBe(400);
  });

  it('operator routes refuse a citizen token; an operator lists, assigns, resolves with a reason, each audited', async () => {
    const payment = await h.onePayment('dev');
    const raised = await raiseOther('dev', payment._id);
    const id = String(raised.body.id);
    expect((await call('/operator/complaints', citizen('dev'))).status).toBe(403);
    expect(
      (await call(`/operator/complaints/${id}/assign`, operator('op-1', 'ops:read'), { reason: 'x' })).status,
    ).toBe(403);

    const queue = await call('/operator/complaints?status=open&type=other', operator());
    expect((queue.body.complaints as { id: string; citizenSub: string }[]).find((c) => c.id === id)).toMatchObject({
      citizenSub: 'dev',
      overdue: false,
    });
    expect((await call('/operator/complaints?overdue=true', operator())).body.complaints).toEqual([]);

    const noReason = await call(`/operator/complaints/${id}/assign`, operator(), {});
    expect(noReason.status).toBe(400);
    const assigned = await call(`/operator/complaints/${id}/assign`, operator(), { reason: 'Mine' });
    expect(assigned.body).toMatchObject({ status: 'assigned', owner: { sub: 'op-1', label: 'op-1 (label)' } });
    const resolved = await call(`/operator/complaints/${id}/resolve`, operator(), {
      disposition: { code: 'resolved_other', reason: 'We called you and explained the charge' },
      reason: 'Explained by phone',
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', disposition: { code: 'resolved_other' } });
    const refused = await call(`/operator/complaints/${id}/reject`, operator(), { reason: 'Too late' });
    expect(refused).toMatchObject({ status: 409, body: { code: 'complaint_state_conflict' } });

    const detail = await call(`/operator/complaints/${id}`, operator());
    const timeline = detail.body.timeline as { event: string; detail?: string }[];
    expect(timeline.find((e) => e.event === 'pre_check.open')?.detail).toContain('still pending at the biller');
    const audit = detail.body.audit as { action: string; outcome: string; reason: string }[];
    expect(audit.map((e) => [e.action, e.outcome]).reverse()).toEqual([
      ['complaint.assign', 'done'],
      ['complaint.resolve', 'done'],
      ['complaint.reject', 'refused'],
    ]);
    expect((await new OperatorAudit(h.conn).list({ subjectId: id })).map((e) => e.reason)).toContain(
      'Explained by phone',
    );

    // The citizen now rates the answer, once.
    expect((await call(`/complaints/${id}/rating`, citizen('dev'), { score: 5 })).body).toMatchObject({
      rating: { score: 5 },
    });
    expect((await call(`/complaints/${id}/rating`, citizen('dev'), { score: 4 })).status).toBe(409);
  });

  it('every operator route is for operators only, reads with ops:read and acts with ops:write', () => {
    for (const route of operatorComplaintRoutes(h.complaints)) {
      expect(route.callers, route.path).toEqual(['operator']);
      expect(route.scopes, route.path).toEqual([route.method === 'get' ? 'ops:read' : 'ops:write']);
    }
    for (const route of complaintRoutes(h.complaints)) expect(route.callers, route.path).toEqual(['citizen']);
  });
});
