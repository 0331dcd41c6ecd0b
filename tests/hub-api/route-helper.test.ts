import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BillerRejectedError, BillerUnavailableError, ConsumerNotFoundError } from '../../adapters/sdk/index.js';
import type { accessTokens, Caller } from '../../hub/api/access-token.js';
import { openApiDocument } from '../../hub/api/openapi.js';
import { defineRoute } from '../../hub/api/route-spec.js';
import { v1Router } from '../../hub/api/v1-router.js';
import { problemResponses } from '../../infra/http/problem.js';

const ID = /^ITM\d{4}$/;

/** Stands in for the idp: every route's guard admits `Bearer <kind>` as that kind's caller `sub-<kind>`. */
const guard: Koa.Middleware = async (ctx, next) => {
  const kind = ctx.get('authorization').replace(/^Bearer /, '') as Caller['kind'];
  ctx.state.caller = { kind, sub: `sub-${kind}`, scopes: new Set(), label: `${kind} label` };
  if (kind === 'citizen') ctx.state.citizen = { sub: 'sub-citizen', scopes: new Set(), email: 'c@example.org' };
  await next();
};
const tokens = {
  issuer: 'http://idp.test',
  audience: 'http://hub.test/api',
  checkIfPresented: (_ctx, next) => next(),
  requireAccess: () => guard,
} as Pick<ReturnType<typeof accessTokens>, 'issuer' | 'audience' | 'checkIfPresented' | 'requireAccess'> as ReturnType<
  typeof accessTokens
>;

/** What each handler saw, so a test can tell it ran (and with what) or never did. */
const seen: unknown[] = [];

const routes = [
  defineRoute({
    method: 'get',
    path: '/items/:itemId',
    summary: 'an item, its id checked by a pattern: a malformed one names no item (404)',
    scopes: null,
    params: z.object({ itemId: z.string().regex(ID) }),
    handler: (_ctx, { params }) => {
      seen.push(params);
      return { id: params.itemId };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/items/:itemId/notes',
    summary: 'a note on an item, whose malformed id is a 400 naming it',
    scopes: null,
    params: z.object({ itemId: z.string().regex(ID, 'must be an item id') }),
    badParams: 400,
    body: z.object({ note: z.string().min(1) }),
    handler: (_ctx, { params, body }) => {
      seen.push({ params, body });
      return { id: params.itemId, note: body.note };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/me/:part',
    summary: "the citizen's own",
    scopes: [],
    callers: ['citizen'],
    handler: (_ctx, { params, caller }) => ({ part: params.part, sub: caller.sub, email: caller.email }),
  }),
  defineRoute({
    method: 'get',
    path: '/ops',
    summary: 'for operators and clients',
    scopes: [],
    callers: ['operator', 'client'],
    handler: (_ctx, { caller }) => ({ kind: caller.kind, sub: caller.sub, label: caller.label }),
  }),
  defineRoute({
    method: 'get',
    path: '/bills/:how',
    summary: "a domain service's biller error, as the adapter threw it",
    scopes: null,
    handler: (_ctx, { params }) => {
      if (params.how === 'unknown') throw new ConsumerNotFoundError('no consumer 42', 'E404');
      if (params.how === 'refused') throw new BillerRejectedError('account closed');
      throw new BillerUnavailableError('connect ECONNREFUSED 10.0.0.7:443');
    },
  }),
];

describe('routes declared with defineRoute', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = new Koa();
    app.use(problemResponses());
    app.use(v1Router(routes, tokens, 'http://hub.test').routes());
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const call = async (path: string, init: { token?: string; body?: unknown } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      json: (await res.json()) as Record<string, unknown>,
    };
  };

  it('hands the handler its path parameters as its schema parsed them', async () => {
    const ok = await call('/items/ITM0042');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ id: 'ITM0042' });
    expect(seen.at(-1)).toEqual({ itemId: 'ITM0042' });
  });

  it('answers a path parameter its schema refuses with a 404 not_found problem, and the handler never runs', async () => {
    const before = seen.length;
    const res = await call('/items/not-an-item');
    expect(res.status).toBe(404);
    expect(res.type).toContain('application/problem+json');
    expect(res.json).toMatchObject({ code: 'not_found', status: 404 });
    expect(seen.length).toBe(before);
  });

  it('answers it with a 400 invalid_request naming the parameter where the route says so, after the body is checked', async () => {
    const before = seen.length;
    const badId = await call('/items/nope/notes', { body: { note: 'hello' } });
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject({
      code: 'invalid_request',
      fields: [{ field: 'itemId', problem: 'must be an item id' }],
    });
    // The body is checked first, as before path parameters had schemas: its problem is told first.
    const badBody = await call('/items/nope/notes', { body: { note: '' } });
    expect(badBody.json).toMatchObject({ code: 'invalid_request', fields: [{ field: 'note' }] });
    expect(seen.length).toBe(before);
    const ok = await call('/items/ITM0001/notes', { body: { note: 'hello' } });
    expect(ok.json).toEqual({ id: 'ITM0001', note: 'hello' });
  });

  it("gives a citizen-only route's handler the token's citizen, and another route's the token's caller", async () => {
    const mine = await call('/me/dues', { token: 'citizen' });
    expect(mine.json).toEqual({ part: 'dues', sub: 'sub-citizen', email: 'c@example.org' });
    const ops = await call('/ops', { token: 'operator' });
    expect(ops.json).toEqual({ kind: 'operator', sub: 'sub-operator', label: 'operator label' });
  });

  it("answers an adapter's BillerError from domain code as its problem: 422 with the biller's code, 503 retryable without the network's words", async () => {
    const unknown = await call('/bills/unknown');
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({
      code: 'consumer_not_found',
      detail: 'no consumer 42',
      retryable: false,
      billerCode: 'E404',
    });
    const refused = await call('/bills/refused');
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: 'biller_rejected', detail: 'account closed' });
    const down = await call('/bills/down');
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ code: 'biller_unavailable', retryable: true });
    expect(JSON.stringify(down.json)).not.toContain('ECONNREFUSED');
  });

  it('documents a path parameter from its schema, and a 400 only where a refused one is a 400', () => {
    const doc = openApiDocument(routes, 'http://hub.test/api/v1', { issuer: 'http://idp.test', resource: 'x' });
    const item = doc.paths['/items/{itemId}']?.get as {
      parameters: { name: string; in: string; schema: unknown }[];
      responses: Record<string, unknown>;
    };
    expect(item.parameters).toContainEqual({
      name: 'itemId',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: ID.source },
    });
    expect(Object.keys(item.responses)).toContain('404');
    expect(Object.keys(item.responses)).not.toContain('400');
    const notes = doc.paths['/items/{itemId}/notes']?.post as { responses: Record<string, unknown> };
    expect(Object.keys(notes.responses)).toContain('400');
    // A parameter without a schema is any string, as the path names it.
    const me = doc.paths['/me/{part}']?.get as { parameters: { name: string; schema: unknown }[] };
    expect(me.parameters).toContainEqual(expect.objectContaining({ name: 'part', schema: { type: 'string' } }));
  });
});
