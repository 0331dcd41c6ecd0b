import type { Context } from 'koa';
import type { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { type Caller, type Citizen, callerOf, citizenOf, type TokenKind } from './access-token.js';
import { parseInput } from './validate.js';

/**
 * Who may call a route. A public route (`scopes: null`) needs no token, but an Authorization
 * header sent to it must hold a valid token (of either kind; else 401 invalid_token, RFC 6750 §3.1). Any other
 * names the token kinds it accepts (`callers`: citizens' tokens, clients' own client credentials
 * tokens, or both; another kind is a 403 wrong_token_kind) and the scopes the token needs.
 */
export type RouteAccess =
  | { scopes: null; callers?: undefined }
  | { scopes: readonly string[]; callers: readonly [TokenKind, ...TokenKind[]] };

/** A body that is text of a media type instead of JSON (a CSV upload): see RouteSpec.textBody. */
export interface TextBody {
  mediaType: 'text/csv';
  limit: string;
  description: string;
}

/** What a route says about itself besides its input and handler: the router and the OpenAPI document read it. */
interface RouteFacts {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa style, relative to /api/v1: `/billers/:billerId`. */
  path: string;
  summary: string;
  /** The OpenAPI operationId: a stable camelCase name for generated clients (`listMyPayments`). */
  operationId?: string;
  /** The success answer's JSON body, for the OpenAPI document (absent for non-JSON answers). */
  response?: z.ZodType;
  /** A success answer that is not JSON (a PDF, a CSV): its media type, documented as binary. */
  responseMediaType?: string;
  /**
   * The body as the OpenAPI document shows it, when `body` has rules JSON Schema cannot carry
   * (refinements such as "one of these two forms"), or checks only the fields it acts on (a
   * webhook whose full shape is the gateway's). Its objects are documented closed.
   */
  bodyDocument?: z.ZodType;
  /** The success status; 200 unless said. */
  status?: number;
  /** Request headers the route reads, by name: whether required, what they mean, and their form (a string if not said). */
  headers?: Readonly<Record<string, { required: boolean; description: string; schema?: z.ZodType }>>;
  /** Headers a success answer may carry, by name: what they mean. */
  responseHeaders?: Readonly<Record<string, string>>;
  /**
   * Problem answers beyond the usual 400/401/403, by HTTP status: the problem codes and when
   * (so clients can branch on `code`, and the OpenAPI document lists them).
   */
  problems?: Readonly<Record<number, string>>;
  /**
   * A path parameter its `params` schema refuses names no resource: 404 not_found (the default, as
   * for an id that is well formed but unknown), or 400 invalid_request naming the parameter.
   */
  badParams?: 400 | 404;
}

/**
 * One API route as data: the router is built from it and so is the OpenAPI document, so the
 * two cannot drift apart. Written with defineRoute, which gives the route's own handler its typed
 * input: the router calls `handler` here with the checked query and body, and defineRoute's
 * wrapper adds the checked path parameters and the caller from `ctx`.
 */
export type RouteSpec = RouteFacts &
  RouteAccess & {
    /** The path parameters, checked after the query and the body (badParams says how a refusal answers). */
    params?: z.ZodType;
    /** An object of fields, or a record for free-form fields (a biller's consumer params). */
    query?: z.ZodType;
    body?: z.ZodType;
    /**
     * A body that is text of this media type instead of JSON (a CSV upload): read as a string of at
     * most `limit` bytes and handed to the handler as `body`; another media type is a 415.
     */
    textBody?: TextBody;
    handler: (ctx: Context, input: { query: unknown; body: unknown }) => Promise<unknown> | unknown;
  };

/** The names of a Koa path's parameters: `/payments/:paymentId/receipt` has `paymentId`. */
export type PathParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** Who calls a route, by the kinds it accepts: a citizen-only route gets the citizen, a public one nobody. */
export type CallerOf<Kinds> = Kinds extends readonly ['citizen']
  ? Citizen
  : Kinds extends readonly TokenKind[]
    ? Caller
    : undefined;

type Parsed<S, Absent> = S extends z.ZodType ? z.output<S> : Absent;

/** What a handler made by defineRoute receives: every part checked and typed. */
export interface RouteInput<Params, Query, Body, Who> {
  /** The path parameters: the `params` schema's output, else each named in the path as a string. */
  params: Params;
  /** The query's schema output (`{}` for a route without one). */
  query: Query;
  /** The JSON body's schema output, or a text body's string; undefined for a route that reads none. */
  body: Body;
  /** The citizen (a citizen-only route), the caller of another kind (Caller), or undefined (public). */
  caller: Who;
}

/** A route as written with defineRoute: RouteSpec's facts, its access and schemas, and a typed handler. */
export type RouteDefinition<
  Path extends string,
  Kinds extends readonly [TokenKind, ...TokenKind[]] | undefined,
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  T extends TextBody | undefined,
> = Omit<RouteFacts, 'path'> & {
  path: Path;
  scopes: Kinds extends undefined ? null : readonly string[];
  callers?: Kinds;
  params?: P;
  query?: Q;
  body?: B;
  textBody?: T;
  handler: (
    ctx: Context,
    input: RouteInput<
      Parsed<P, { [Name in PathParamNames<Path>]: string }>,
      Parsed<Q, Record<string, never>>,
      Parsed<B, T extends TextBody ? string : undefined>,
      CallerOf<Kinds>
    >,
  ) => Promise<unknown> | unknown;
};

/** The caller a route's handler is given: the citizen for a citizen-only route (guaranteed by the guard). */
function callerFrom(ctx: Context, callers: readonly TokenKind[] | undefined): Citizen | Caller | undefined {
  if (!callers) return undefined;
  if (callers.length === 1 && callers[0] === 'citizen') return citizenOf(ctx.state);
  return callerOf(ctx.state);
}

/** The path parameters, checked by the route's schema; a refusal answers as the route's badParams says. */
function paramsFrom(ctx: Context, schema: z.ZodType | undefined, badParams: 400 | 404): unknown {
  const raw = { ...ctx.params };
  if (!schema) return raw;
  if (badParams === 400) return parseInput(schema, raw);
  const result = schema.safeParse(raw);
  if (!result.success) throw new NotFoundError(`no such ${Object.keys(raw).join(' / ') || 'resource'}`);
  return result.data;
}

/**
 * Declares an API route whose handler gets its input typed and checked: `params` (the `params`
 * schema's output, else the path's names as strings), `query`, `body` (by their schemas; a text
 * body as a string) and `caller` (the citizen for a citizen-only route, the Caller for routes of
 * other token kinds, undefined for a public one), with no casts in the handler. The query and the
 * body are checked by the router (400 invalid_request naming each field), then the path parameters.
 */
export function defineRoute<
  const Path extends string,
  const Kinds extends readonly [TokenKind, ...TokenKind[]] | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  T extends TextBody | undefined = undefined,
>(route: RouteDefinition<Path, Kinds, P, Q, B, T>): RouteSpec {
  const { handler, ...facts } = route;
  const badParams = route.badParams ?? 404;
  // The one place the checked input meets the handler's types: the router parsed the query and
  // the body with these very schemas, and its guard admitted only the route's callers.
  const run = handler as (ctx: Context, input: RouteInput<unknown, unknown, unknown, unknown>) => unknown;
  return {
    ...facts,
    handler: (ctx: Context, { query, body }: { query: unknown; body: unknown }) =>
      run(ctx, {
        params: paramsFrom(ctx, route.params, badParams),
        query,
        body,
        caller: callerFrom(ctx, route.callers),
      }),
  } as RouteSpec;
}
